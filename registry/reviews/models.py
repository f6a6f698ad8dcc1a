"""Reviews (báo cáo sơ kết quý, tổng kết năm, sơ kết / tổng kết nhiều năm): a snapshot of the
figures, factual paragraphs written from them, the secretary's own text, and, once finalised,
a number and a PDF."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.core.models import RenderedFile
from registry.core.periods import ROMAN, Period, roman
from registry.units.models import Unit


class Review(models.Model):
    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quarterly review")
        YEAR = "year", _("Year-end review")
        TERM = "term", _("Review of several years")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Issued")
        REPLACED = "replaced", _("Replaced")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        default=0,
        choices=[(0, _("the whole year")), *ROMAN.items()],
        help_text=_("“the whole year” for a year-end review"),
    )
    # A review of several years (sơ kết / tổng kết 3 năm, 5 năm): `first_year` to `year`.
    first_year = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        blank=True,
        help_text=_("Only for a review of several years; its last year is “year”."),
    )
    closing = models.BooleanField(
        _("closes the term"),
        default=False,
        help_text=_(
            "A review of several years that closes the term (tổng kết), not a "
            "mid-term review (sơ kết)."
        ),
    )
    status = models.CharField(_("state"), max_length=10, choices=Status, default=Status.DRAFT)
    figures = models.JSONField(_("figures"), default=dict)
    children = models.JSONField(_("figures of the units below"), default=list, blank=True)
    # Good deeds and commendations of the period (`commendations.selectors.Counts.as_dict`).
    commendations = models.JSONField(_("good deeds and commendations"), default=dict, blank=True)
    as_of = models.DateField(_("figures as of"), null=True, blank=True)
    taken_on = models.DateField(_("reports counted up to"), null=True, blank=True)
    summary = models.TextField(_("facts written from the figures"), blank=True)
    results = models.TextField(_("results and assessment"), blank=True)
    limitations = models.TextField(_("limitations and causes"), blank=True)
    next_tasks = models.TextField(_("tasks for the next period"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_title = models.CharField(_("title of the signer"), max_length=60, blank=True)
    on_behalf = models.CharField(_("on behalf of"), max_length=60, blank=True)
    recipients = models.TextField(
        _("recipients (Nơi nhận)"), blank=True, help_text=_("One per line.")
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("replaces"),
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    generated_at = models.DateTimeField(_("figures computed at"))
    issued_year = models.PositiveSmallIntegerField(
        _("year of issue"), null=True, blank=True, help_text=_("Numbers restart each year.")
    )
    finalised_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-year", "-quarter", "unit__path"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            # One draft and one issued review in force per period; replaced ones stay listed.
            models.UniqueConstraint(
                fields=["unit", "kind", "year", "quarter"],
                condition=models.Q(status="draft") & ~models.Q(kind="term"),
                name="reviews_one_draft_per_period",
            ),
            models.UniqueConstraint(
                fields=["unit", "kind", "year", "quarter"],
                condition=models.Q(status="final") & ~models.Q(kind="term"),
                name="reviews_one_in_force_per_period",
            ),
            # A term is its first and last years: 2022–2024 and 2020–2024 are two reviews.
            models.UniqueConstraint(
                fields=["unit", "first_year", "year"],
                condition=models.Q(status="draft", kind="term"),
                name="reviews_one_draft_per_term",
            ),
            models.UniqueConstraint(
                fields=["unit", "first_year", "year"],
                condition=models.Q(status="final", kind="term"),
                name="reviews_one_in_force_per_term",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="term", first_year__lt=models.F("year"))
                    | (~models.Q(kind="term") & models.Q(first_year__isnull=True))
                ),
                name="reviews_term_has_its_first_year",
            ),
            models.UniqueConstraint(
                fields=["unit", "issued_year", "number"],
                condition=models.Q(number__isnull=False),
                name="reviews_number_unique_per_unit_issue_year",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(number__isnull=False),
                name="reviews_final_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.period_label}"

    @property
    def is_term(self) -> bool:
        return self.kind == self.Kind.TERM

    @property
    def period(self) -> Period:
        """The quarter or the year; for a review of several years, its last year (whose end
        and deadlines decide whether issuing is early, and as of which day it counts)."""
        return Period(self.year, self.quarter if self.kind == self.Kind.QUARTER else None)

    @property
    def years(self) -> list[int]:
        """The years a review covers, first to last."""
        return list(range(self.first_year if self.is_term else self.year, self.year + 1))

    @property
    def quarter_roman(self) -> str:
        return roman(self.quarter) if self.kind == self.Kind.QUARTER else ""

    @property
    def period_label(self) -> str:
        if self.is_term:
            return f"giai đoạn {self.first_year}–{self.year}"
        return self.period.label_vi

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    @property
    def is_issued(self) -> bool:
        return self.status in (self.Status.FINAL, self.Status.REPLACED)

    @property
    def number_label(self) -> str:
        return f"{self.number:02d}-{self.symbol}" if self.number else ""


class DocumentCounter(models.Model):
    """The last report number a unit issued in a year (numbers restart each year)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="reviews_one_counter")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.last_number}"


class ReviewExport(RenderedFile):
    """A PDF of an issued review, rendered by a worker (`core.exports`)."""

    Status = RenderedFile.Status

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="exports", verbose_name=_("review")
    )
    file = models.FileField(_("file"), upload_to="reviews/", max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("PDF of a review")
        verbose_name_plural = _("PDFs of reviews")

    def __str__(self) -> str:
        return f"{self.review} – {self.get_status_display()}"
