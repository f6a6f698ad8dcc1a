"""Reviews (báo cáo sơ kết quý, tổng kết năm): a snapshot of the figures, factual paragraphs
written from them, the secretary's own text, and, once finalised, a number and a PDF."""

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
                condition=models.Q(status="draft"),
                name="reviews_one_draft_per_period",
            ),
            models.UniqueConstraint(
                fields=["unit", "kind", "year", "quarter"],
                condition=models.Q(status="final"),
                name="reviews_one_in_force_per_period",
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
    def period(self) -> Period:
        return Period(self.year, self.quarter if self.kind == self.Kind.QUARTER else None)

    @property
    def quarter_roman(self) -> str:
        return roman(self.quarter) if self.kind == self.Kind.QUARTER else ""

    @property
    def period_label(self) -> str:
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
