"""The personal plan (bản đăng ký học tập và làm theo) of one member for one year, its
pledge items (việc làm theo), quarterly progress with evidence, and its state history."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.core.measures import (  # noqa: F401  (the vocabulary of targets, named here too)
    OTHER_UNIT,
    TARGET_UNITS,
    UNIT_SYNONYMS,
    canonical_unit,
    is_percentage,
)
from registry.core.periods import ROMAN, roman
from registry.indicators.models import Indicator
from registry.members.models import Member
from registry.units.models import EthicalStandard, Unit

QUARTER_CHOICES = list(ROMAN.items())  # the choices of a quarter: 1 → "I" …


class Rating(models.TextChoices):
    """Annual rating levels of Quy định 366-QĐ/TW (2025)."""

    EXCELLENT = "xuat_sac", _("Excellently fulfilled duties")
    GOOD = "tot", _("Well fulfilled duties")
    FULFILLED = "hoan_thanh", _("Fulfilled duties")
    NOT_FULFILLED = "khong_hoan_thanh", _("Did not fulfil duties")


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")
        AMENDING = "amending", _("Being amended")

    EDITABLE = (Status.DRAFT, Status.RETURNED, Status.AMENDING)

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="plans", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    cell = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("cell"),
        help_text=_("The cell where the plan was made; it stays readable there after a transfer."),
    )
    status = models.CharField(_("state"), max_length=20, choices=Status, default=Status.DRAFT)
    study_content = models.TextField(_("what I will study"), blank=True)
    commitment = models.TextField(_("commitment"), blank=True)
    committed_at = models.DateTimeField(_("commitment confirmed at"), null=True, blank=True)
    # First submission: the registration (see `standing.registered_plans`).
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Latest submission: what waiting lists show and reminders count from.
    last_submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    # First approval: from then on the plan counts as approved (an amendment does not undo it).
    first_approved_at = models.DateTimeField(_("first approved at"), null=True, blank=True)
    # Latest approval.
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    proposed_rating = models.CharField(
        _("proposed rating"), max_length=20, choices=Rating, blank=True
    )
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # No join here: a default ordering through another table is joined into every query,
        # grouped ones included. Lists by name say so (`order_by("member__sort_name")`).
        ordering = ["-year", "id"]
        verbose_name = _("personal plan")
        verbose_name_plural = _("personal plans")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="pledges_one_plan_per_member_year",
                violation_error_message=_("This member already has a plan for that year."),
            )
        ]
        indexes = [models.Index(fields=["cell", "year", "status"], name="pledges_cell_year_idx")]

    def __str__(self) -> str:
        return f"{self.member} – {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def was_approved(self) -> bool:
        return self.approved_at is not None


class RegistrationExtension(models.Model):
    """Late registration opened by the cell secretary for one member and one year."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    until = models.DateField(_("late registration allowed until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"))

    class Meta:
        verbose_name = _("late registration")
        verbose_name_plural = _("late registrations")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="pledges_one_extension")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} ≤ {self.until}"


# The fields of a pledge item that its member writes, in the order forms show them: the editor,
# the approved snapshot, the copy from last year and the amendment diff all use this list.
ITEM_FIELDS = (
    "action",
    "measures",
    "expected_result",
    "indicator",
    "target_value",
    "target_unit",
    "deadline",
    "quarter",
    "is_breakthrough",
)


class PlanItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("number"))
    action = models.TextField(_("what I will do"))
    measures = models.TextField(_("measures"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(
        _("unit of the target"),
        max_length=50,
        blank=True,
        help_text=_("e.g. buổi, %, hồ sơ"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(
        _("by the end of quarter"),
        null=True,
        blank=True,
        choices=QUARTER_CHOICES,
    )
    is_breakthrough = models.BooleanField(_("breakthrough item (đột phá)"), default=False)
    # The standard indicator the item counts in (its target unit is then the indicator's), so
    # that results of the same indicator add up across members and units.
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("indicator"),
    )
    standards = models.ManyToManyField(
        EthicalStandard, blank=True, related_name="items", verbose_name=_("ethical standards")
    )
    # The approval that first included the item: it counts, and can be reported on, from then.
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Changed in an amendment since that approval: not reportable until the change is approved.
    pending_change = models.BooleanField(_("change waiting for approval"), default=False)

    class Meta:
        ordering = ["plan_id", "position", "id"]
        verbose_name = _("pledge item")
        verbose_name_plural = _("pledge items")
        indexes = [
            # The few items that chose an indicator, for the sums (`selectors.indicator_totals`).
            models.Index(
                fields=["indicator"],
                condition=models.Q(indicator__isnull=False),
                name="pledges_item_indicator_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.action[:60]}"


class PlanSnapshot(models.Model):
    """An approved version of a plan, kept when the plan is amended later."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="snapshots")
    approved_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField()

    class Meta:
        ordering = ["plan_id", "-approved_at"]

    def __str__(self) -> str:
        return f"{self.plan_id} @ {self.approved_at:%Y-%m-%d}"


class PlanTransition(models.Model):
    """One step of a plan's life: who moved it from which state to which, when, and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Plan.Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Plan.Status)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["plan_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class ProgressReport(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_DONE = "not_done", _("Will not be done")

    item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="reports", verbose_name=_("pledge item")
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=QUARTER_CHOICES)
    status = models.CharField(_("progress"), max_length=20, choices=Status)
    value_reached = models.DecimalField(
        _("value reached"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    account = models.TextField(_("what was done"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    is_late = models.BooleanField(_("filed late"), default=False)
    # First filing decides "on time" or "late" and from when the report exists; `filed_at`
    # is the latest correction.
    first_filed_at = models.DateTimeField(_("first filed at"))
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for the cell")
        ACCEPTED = "accepted", _("Accepted by the cell")
        MORE_NEEDED = "more_needed", _("The cell asked for more")

    review = models.CharField(
        _("cell's review"), max_length=20, choices=Review, default=Review.PENDING
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("cell's comment"), blank=True)

    class Meta:
        ordering = ["item_id", "quarter"]
        verbose_name = _("quarterly progress report")
        verbose_name_plural = _("quarterly progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "quarter"], name="pledges_one_report_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="pledges_quarter_1_to_4"
            ),
        ]
        # The reports a cell still has to accept, found from its items without reading the
        # (many more) reports already accepted.
        indexes = [
            models.Index(
                fields=["item"],
                condition=models.Q(review="pending"),
                name="pledges_report_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return _("%(item)s – quarter %(q)s") % {"item": self.item, "q": roman(self.quarter)}

    @property
    def quarter_roman(self) -> str:
        return roman(self.quarter)


class PlanComment(models.Model):
    """A remark by the cell on a plan or on one of its items. Comments are only added."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    text = models.TextField(_("comment"))

    class Meta:
        ordering = ["plan_id", "at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


def evidence_path(instance, filename: str) -> str:
    # The stored name reveals nothing and cannot collide; the original name is kept apart.
    return f"evidence/{instance.report.item.plan.year}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("quarterly progress report"),
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
        ordering = ["report_id", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name
