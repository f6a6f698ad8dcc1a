from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """Last time a periodic job ran in the worker: proof that beat and worker both live."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"


class StaleFigures(models.Model):
    """A cell's kept figures of a year that an event has changed and that wait to be
    recomputed (`cells.kept`). Written in the transaction of the event; removed by the
    recompute only if no later event has marked it again (`token`)."""

    cell_id = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    token = models.UUIDField()
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell_id", "year"], name="core_stale_one_per_cell_year")
        ]

    def __str__(self) -> str:
        return f"{self.cell_id}/{self.year}"


class RenderedFile(models.Model):
    """A file a worker renders (a review's PDF, a booklet): its state, its error, the file.
    Abstract: each app keeps its own table with what the file is of. `core.exports` claims,
    sends and sends again (the one mechanism)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("state"), max_length=10, choices=Status, default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=500, blank=True)
    file = models.FileField(_("file"), max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        abstract = True
