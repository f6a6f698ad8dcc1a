"""The cell's own records: monthly meetings, checks and supervision of members, the
year-end rating the cell proposes for each member, and the book of registrations printed by
a worker."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.core.models import RenderedFile
from registry.members.models import Member
from registry.pledges.models import Plan, ProgressReport, Rating
from registry.units.models import GRASSROOTS_CELL_KINDS, Unit


class CellMeeting(models.Model):
    """Sinh hoạt chi bộ: one meeting, who attended, what was reviewed, what was concluded.
    What its minutes (biên bản) print besides is optional, so that meetings recorded before
    still print: the place, the hours, the minute-taker, the agenda, the account of the
    discussion and why those absent were absent."""

    cell = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_at = models.TimeField(_("started at"), null=True, blank=True)
    ends_at = models.TimeField(_("ended at"), null=True, blank=True)
    chair = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("chaired by")
    )
    minute_taker = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary of the meeting"),
    )
    attendees = models.ManyToManyField(Member, related_name="+", verbose_name=_("present"))
    #: Why those absent were absent: {member id (as text): reason}.
    absence_reasons = models.JSONField(_("reasons for absence"), default=dict, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    content = models.TextField(_("content of the meeting"), blank=True)
    plans_reviewed = models.ManyToManyField(
        Plan, blank=True, related_name="meetings", verbose_name=_("plans reviewed")
    )
    reports_reviewed = models.ManyToManyField(
        ProgressReport, blank=True, related_name="meetings", verbose_name=_("reports reviewed")
    )
    conclusions = models.TextField(_("conclusions"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("cell meeting")
        verbose_name_plural = _("cell meetings")
        indexes = [models.Index(fields=["cell", "date"], name="cells_meeting_date_idx")]

    def __str__(self) -> str:
        return f"{self.cell} {self.date:%d/%m/%Y}"


class Supervision(models.Model):
    """Kiểm tra, giám sát: the cell checks or supervises one member on the directive."""

    class Kind(models.TextChoices):
        CHECK = "kiem_tra", _("Check (kiểm tra)")
        SUPERVISION = "giam_sat", _("Supervision (giám sát)")

    cell = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="supervisions")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("member")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=300)
    findings = models.TextField(_("findings"))
    conclusion = models.TextField(_("conclusion"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("check or supervision")
        verbose_name_plural = _("checks and supervisions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.member} – {self.date:%d/%m/%Y}"


class RegistrationBook(RenderedFile):
    """The cell's book of registrations for a year (sổ đăng ký): every plan of the year the
    cell follows up, in one PDF with a table of contents, rendered by a worker
    (`core.exports`)."""

    cell = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="registration_books", verbose_name=_("cell")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    plan_count = models.PositiveIntegerField(_("plans"), default=0)
    file = models.FileField(_("file"), upload_to="books/", max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("book of registrations")
        verbose_name_plural = _("books of registrations")
        indexes = [models.Index(fields=["cell", "year"], name="cells_book_cell_year_idx")]

    def __str__(self) -> str:
        return f"{self.cell} {self.year} – {self.get_status_display()}"


class YearRating(models.Model):
    """The rating the cell proposes for a member for a year (Quy định 366-QĐ/TW)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("year"))
    cell = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ratings")
    level = models.CharField(_("rating"), max_length=20, choices=Rating)
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Optional, out of 100."),
    )
    justification = models.TextField(_("justification"))
    version = models.PositiveIntegerField(default=1)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rated_at = models.DateTimeField()
    # The grassroots committee's decision on the proposal (Quy định 366-QĐ/TW: the cell
    # proposes, the committee decides). Cleared when the cell proposes again (`version` bump).
    decided_level = models.CharField(_("final rating"), max_length=20, choices=Rating, blank=True)
    decided_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note of the decision"), blank=True)
    decided_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["year", "member__sort_name"]
        verbose_name = _("year-end rating")
        verbose_name_plural = _("year-end ratings")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="cells_one_rating_per_year"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
                name="cells_score_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.get_level_display()}"

    @property
    def is_decided(self) -> bool:
        """The committee decided on the proposal now on record."""
        return bool(self.decided_level) and self.decided_version == self.version

    @property
    def final_at_once(self) -> bool:
        """A grassroots cell (chi bộ cơ sở) rates its members itself: no committee decides."""
        return self.cell.kind.code in GRASSROOTS_CELL_KINDS


class QuarterFigures(models.Model):
    """One cell's figures for one quarter of a year, kept (`cells.kept`): what the standing
    counts there, as of the latest change, with the cell's checks and supervisions of the
    quarter and, on the fourth quarter's row, the year's ratings. A unit's figures are the sum
    of its cells' rows. Written only by `cells.kept`; `manage.py recompute_figures` checks
    them against the raw rows."""

    cell = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    # The quarter's report deadline in the cell: decides missing / not yet due when read.
    deadline = models.DateField(null=True)
    members = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    participants_registered = models.PositiveIntegerField(default=0)
    approved_plans = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    breakthrough = models.PositiveIntegerField(default=0)
    items_not_started = models.PositiveIntegerField(default=0)
    items_in_progress = models.PositiveIntegerField(default=0)
    items_done = models.PositiveIntegerField(default=0)
    items_not_done = models.PositiveIntegerField(default=0)
    items_not_reported = models.PositiveIntegerField(default=0)
    reports_on_time = models.PositiveIntegerField(default=0)
    reports_late = models.PositiveIntegerField(default=0)
    # Plans with an item of the quarter not reported: missing once the deadline has passed.
    reports_open = models.PositiveIntegerField(default=0)
    checks = models.PositiveIntegerField(default=0)
    supervisions = models.PositiveIntegerField(default=0)
    rating_xuat_sac = models.PositiveIntegerField(default=0)
    rating_tot = models.PositiveIntegerField(default=0)
    rating_hoan_thanh = models.PositiveIntegerField(default=0)
    rating_khong_hoan_thanh = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "year", "quarter"], name="cells_figures_one_per_quarter"
            )
        ]
        indexes = [models.Index(fields=["year", "quarter"], name="cells_figures_period_idx")]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.year}/{self.quarter}"


class QuarterPeople(models.Model):
    """Whom a `QuarterFigures` row counts and how (`CellStanding.compact`: one short entry per
    person), written with it by `cells.kept`. The overview's lists read it; kept apart so that
    the sums over the figures read narrow rows."""

    cell = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    people = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "year", "quarter"], name="cells_people_one_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.year}/{self.quarter}"


class SubtreeStamp(models.Model):
    """When what pages show of `unit`'s sub-tree (itself included) for `year` last changed:
    the kept figures of a cell below recomputed, or a unit-level record written
    (`cells.kept.touch`). The stamp under which the unit's pages are kept (`core.pagecache`),
    read in one query whatever the size of the sub-tree."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    changed_at = models.DateTimeField()
    token = models.UUIDField(default=uuid.uuid4)  # new at each change

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="cells_subtree_stamp_one")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"
