from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.core.models import RenderedFile
from registry.units.models import Unit


class RosterImport(RenderedFile):
    """One roster file imported for a unit: its parsed rows, the plan of the check (the dry
    run, row by row in `RosterImportRow`) and, once confirmed, what was done.

    The worker's state is `RenderedFile`'s (queued → rendering → ready / failed, claimed once
    by `core.exports`' mechanism); `stage` says which job it is: the check, or applying the
    checked plan. `file` keeps the uploaded file as it came."""

    Status = RenderedFile.Status

    class Stage(models.TextChoices):
        CHECK = "check", _("Check (dry run)")
        APPLY = "apply", _("Import")

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="roster_imports", verbose_name=_("unit")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, default=Stage.CHECK)
    # The parsed file: [[line, {column key: text}], …], what the confirmation applies.
    rows = models.JSONField(_("rows read"), default=list, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("to create"), default=0)
    changed = models.PositiveIntegerField(_("to change"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    # A digest of the checked plan: the import applies it only if checking again gives the same.
    digest = models.CharField(_("digest of the plan"), max_length=64, blank=True)
    # Why the last confirmation applied nothing (the data changed, a row became refused).
    notice = models.CharField(_("notice"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.unit})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def is_applied(self) -> bool:
        return self.stage == self.Stage.APPLY and self.status == self.Status.READY

    @property
    def can_confirm(self) -> bool:
        return (
            self.stage == self.Stage.CHECK
            and self.status == self.Status.READY
            and not self.refused
            and self.total > 0
        )

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


class RosterImportRow(models.Model):
    """One row of the checked plan: what the import would do with this line of the file, and
    why it refuses it. Messages are kept as codes with their values and worded when shown."""

    class Action(models.TextChoices):
        CREATE = "create", _("New")
        CHANGE = "change", _("Changed")
        UNCHANGED = "same", _("No change")
        REFUSE = "refuse", _("Refused")

    job = models.ForeignKey(RosterImport, on_delete=models.CASCADE, related_name="plan_rows")
    line = models.PositiveIntegerField(_("line"))
    action = models.CharField(_("action"), max_length=10, choices=Action)
    card_number = models.CharField(_("party card number"), max_length=40, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    cell_code = models.CharField(_("unit code"), max_length=120, blank=True)
    # {"changes": [[key, old, new], …], "errors": [[code, {values}], …], "new_group": name}
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["job", "line"]
        indexes = [models.Index(fields=["job", "action", "line"], name="rosters_row_action_idx")]

    def __str__(self) -> str:
        return f"{self.line}: {self.action}"
