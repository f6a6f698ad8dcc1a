"""Models and good practices (mô hình, cách làm hay): a cell or committee proposes one, the
committee above selects and publishes it to its sub-tree, cells record that they adopted it
(nhân rộng), and a committee has chosen entries printed as a booklet."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.collective.models import Content
from registry.core.models import RenderedFile
from registry.core.text import fold
from registry.pledges.models import PlanItem
from registry.units.models import Unit


class Field(models.TextChoices):
    """The fields a practice is filed under (a short fixed list, as the reports count them)."""

    PARTY_BUILDING = "party_building", _("Party building")
    ECONOMY = "economy", _("Economic development and poverty reduction")
    CULTURE_SOCIETY = "culture_society", _("Culture, education and health")
    MASS_MOBILISATION = "mass_mobilisation", _("Mass mobilisation and national unity")
    ADMINISTRATION = "administration", _("Administrative reform and public service")
    DEFENCE_SECURITY = "defence_security", _("Defence and security")


class Practice(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SELECTED = "selected", _("Selected")
        PUBLISHED = "published", _("Published")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        """Where the practice comes from, each source with its own reference field
        (`plan_item`, `content`); `services.source_problems` checks it."""

        SCRATCH = "scratch", _("Written from scratch")
        BREAKTHROUGH = "breakthrough", _("A breakthrough item of a personal plan")
        COLLECTIVE = "collective", _("A model or breakthrough content of a collective registration")

    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=30, choices=Field)
    description = models.TextField(_("how it is done"))
    results = models.TextField(_("results"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="practices", verbose_name=_("proposing unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=20, choices=Source, default=Source.SCRATCH)
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("breakthrough item"),
    )
    content = models.ForeignKey(
        Content,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("registered content"),
    )
    status = models.CharField(
        _("state"), max_length=20, choices=Status, default=Status.PROPOSED, db_index=True
    )
    committee = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="selected_practices",
        verbose_name=_("selecting committee"),
    )
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("model or good practice")
        verbose_name_plural = _("models and good practices")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["selected", "published"])
                | models.Q(committee__isnull=False),
                name="practices_selected_has_committee",
            ),
        ]
        indexes = [models.Index(fields=["status", "year"], name="practices_status_year_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Derived column only: the folded title and text are what accent-insensitive search
        # matches (as `Member.search_name`).
        self.search_text = fold(f"{self.title} {self.description} {self.results}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


def practice_file_path(instance, filename: str) -> str:
    # The stored name reveals nothing and cannot collide; the original name is kept apart.
    return f"practices/{instance.practice.year}/{uuid.uuid4().hex}"


class PracticeEvidence(models.Model):
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("practice")
    )
    file = models.FileField(_("file"), upload_to=practice_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["practice_id", "uploaded_at", "id"]
        verbose_name = _("evidence file of a practice")
        verbose_name_plural = _("evidence files of practices")

    def __str__(self) -> str:
        return self.original_name


class Adoption(models.Model):
    """A cell took up (nhân rộng) a published practice."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("practice")
    )
    cell = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("cell")
    )
    adopted_on = models.DateField(_("adopted on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("adoption of a practice")
        verbose_name_plural = _("adoptions of practices")
        constraints = [
            models.UniqueConstraint(fields=["practice", "cell"], name="practices_adopted_once")
        ]

    def __str__(self) -> str:
        return f"{self.practice} – {self.cell}"


class Booklet(RenderedFile):
    """A booklet (tập mô hình, cách làm hay) of published practices a committee chose,
    rendered by a worker (`core.exports`)."""

    committee = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="booklets", verbose_name=_("committee")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    practices = models.ManyToManyField(
        Practice, through="BookletEntry", related_name="booklets", verbose_name=_("entries")
    )
    file = models.FileField(_("file"), upload_to="booklets/", max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("booklet of good practices")
        verbose_name_plural = _("booklets of good practices")

    def __str__(self) -> str:
        return f"{self.title} – {self.get_status_display()}"


class BookletEntry(models.Model):
    booklet = models.ForeignKey(Booklet, on_delete=models.CASCADE, related_name="entries")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="booklet_entries")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["booklet_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["booklet", "practice"], name="practices_entry_once"),
            models.UniqueConstraint(
                fields=["booklet", "position"], name="practices_entry_position_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.practice}"
