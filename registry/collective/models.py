"""The yearly registration of a party organisation with the committee above it (đăng ký tập
thể): its action plan for the year's theme (number, date, file), the breakthrough contents and
models it commits to, each followed up quarter by quarter with evidence. The life cycle is the
personal plan's (`pledges.services`): draft → submitted → approved / returned, amendments
kept as approved snapshots."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.indicators.models import Indicator
from registry.members.models import Member
from registry.pledges.models import QUARTER_CHOICES, ProgressReport
from registry.units.models import Unit


def plan_file_path(instance, filename: str) -> str:
    # The stored name reveals nothing and cannot collide; the original name is kept apart.
    return f"collective/{instance.year}/{uuid.uuid4().hex}"


class Registration(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the committee above")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")
        AMENDING = "amending", _("Being amended")

    EDITABLE = (Status.DRAFT, Status.RETURNED, Status.AMENDING)

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="collective_registrations",
        verbose_name=_("party organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("state"), max_length=20, choices=Status, default=Status.DRAFT)
    plan_number = models.CharField(
        _("number of the action plan"),
        max_length=40,
        blank=True,
        help_text=_("e.g. 06-KH/CB"),
    )
    plan_date = models.DateField(_("date of the action plan"), null=True, blank=True)
    plan_file = models.FileField(
        _("file of the action plan"), upload_to=plan_file_path, max_length=200, blank=True
    )
    plan_file_name = models.CharField(_("file name"), max_length=200, blank=True)
    plan_file_type = models.CharField(_("file type"), max_length=100, blank=True)
    summary = models.TextField(_("main points of the action plan"), blank=True)
    # First submission: the registration (`counting.registered_q`, the personal plan's rule).
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    first_approved_at = models.DateTimeField(_("first approved at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("collective registration")
        verbose_name_plural = _("collective registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="collective_one_per_unit_year",
                violation_error_message=_(
                    "This organisation already has a registration for that year."
                ),
            )
        ]
        indexes = [models.Index(fields=["year", "status"], name="collective_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def was_approved(self) -> bool:
        return self.approved_at is not None


# The fields of a content that the organisation writes, in the order forms show them: the
# editor, the approved snapshot and the amendment diff all use this list.
CONTENT_FIELDS = (
    "kind",
    "title",
    "measures",
    "expected_result",
    "indicator",
    "target_value",
    "target_unit",
    "deadline",
    "responsible",
    "responsible_name",
)


class Content(models.Model):
    class Kind(models.TextChoices):
        BREAKTHROUGH = "breakthrough", _("Breakthrough content")
        MODEL = "model", _("Model")
        OTHER = "other", _("Other action")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="contents"
    )
    position = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MODEL)
    title = models.TextField(_("content"))
    measures = models.TextField(_("measures"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("unit of the target"), max_length=50, blank=True)
    # The standard indicator the content counts in (its target unit is then the indicator's),
    # added up with the plan items of the same indicator (`selectors.indicator_totals`).
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collective_contents",
        verbose_name=_("indicator"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    responsible = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person in charge"),
    )
    responsible_name = models.CharField(
        _("person in charge (as written)"), max_length=200, blank=True
    )
    # The approval that first included the content: it counts, and is reported on, from then.
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    pending_change = models.BooleanField(_("change waiting for approval"), default=False)

    class Meta:
        ordering = ["registration_id", "position", "id"]
        verbose_name = _("registered content")
        verbose_name_plural = _("registered contents")
        indexes = [
            # The few contents that chose an indicator, for the sums.
            models.Index(
                fields=["indicator"],
                condition=models.Q(indicator__isnull=False),
                name="collective_content_ind_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title[:60]}"

    @property
    def in_charge(self) -> str:
        return self.responsible.full_name if self.responsible_id else self.responsible_name


class Snapshot(models.Model):
    """An approved version of a registration, kept for the amendment diff."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="snapshots"
    )
    approved_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField()

    class Meta:
        ordering = ["registration_id", "-approved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.approved_at:%Y-%m-%d}"


class Transition(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=Registration.Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Registration.Status)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["registration_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class Progress(models.Model):
    """What a content reached in one quarter. The first filing decides on time or late."""

    Status = ProgressReport.Status

    content = models.ForeignKey(
        Content, on_delete=models.PROTECT, related_name="progress", verbose_name=_("content")
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=QUARTER_CHOICES)
    status = models.CharField(_("progress"), max_length=20, choices=ProgressReport.Status)
    value_reached = models.DecimalField(
        _("value reached"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    account = models.TextField(_("what was done"), blank=True)
    is_late = models.BooleanField(_("filed late"), default=False)
    first_filed_at = models.DateTimeField(_("first filed at"))
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )

    class Meta:
        ordering = ["content_id", "quarter"]
        verbose_name = _("quarterly progress of a content")
        verbose_name_plural = _("quarterly progress of contents")
        constraints = [
            models.UniqueConstraint(
                fields=["content", "quarter"], name="collective_one_progress_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="collective_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_id} Q{self.quarter}"


def evidence_path(instance, filename: str) -> str:
    return f"collective/{instance.progress.content.registration.year}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    progress = models.ForeignKey(
        Progress, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("progress")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
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
        ordering = ["progress_id", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name
