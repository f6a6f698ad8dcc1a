from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.core.periods import validate_programme_year
from registry.units.models import Unit


class Programme(models.Model):
    """The year's programme for a scope: its wording, theme, registration window and the
    four quarterly deadlines. The row with no scope is the nationwide default; a row for a
    unit overrides, field by field, for that unit's sub-tree (an empty field inherits)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_programme_year])
    scope = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("applies to"),
        help_text=_("Leave empty for the nationwide default."),
    )
    name = models.CharField(
        _("programme wording"),
        max_length=300,
        blank=True,
        help_text=_("E.g. Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh."),
    )
    directive = models.CharField(_("directive"), max_length=100, blank=True)
    theme = models.TextField(_("theme of the year"), blank=True)
    term_theme = models.TextField(_("theme of the whole term"), blank=True)
    registration_opens = models.DateField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateField(_("registration closes"), null=True, blank=True)
    key_officials_first = models.BooleanField(
        _("key officials register first"),
        null=True,
        blank=True,
        help_text=_(
            "Trên trước, dưới sau: others may first submit their plan from the date below. "
            "Empty: as the level above."
        ),
    )
    others_register_from = models.DateField(
        _("others register from"),
        null=True,
        blank=True,
        help_text=_("When key officials register first: the day others may submit."),
    )
    q1_deadline = models.DateField(_("Q1 report deadline"), null=True, blank=True)
    q2_deadline = models.DateField(_("Q2 report deadline"), null=True, blank=True)
    q3_deadline = models.DateField(_("Q3 report deadline"), null=True, blank=True)
    q4_deadline = models.DateField(_("Q4 report deadline"), null=True, blank=True)

    INHERITED_FIELDS = (
        "name",
        "directive",
        "theme",
        "term_theme",
        "registration_opens",
        "registration_closes",
        "key_officials_first",
        "others_register_from",
        "q1_deadline",
        "q2_deadline",
        "q3_deadline",
        "q4_deadline",
    )

    class Meta:
        ordering = ["-year", "scope__path"]
        verbose_name = _("yearly programme")
        verbose_name_plural = _("yearly programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "scope"],
                name="programmes_unique_year_scope",
                violation_error_message=_("This unit already has a programme for that year."),
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(scope__isnull=True),
                name="programmes_unique_national_year",
                violation_error_message=_("There is already a nationwide programme for that year."),
            ),
            models.CheckConstraint(
                condition=models.Q(registration_opens__isnull=True)
                | models.Q(registration_closes__isnull=True)
                | models.Q(registration_closes__gte=models.F("registration_opens")),
                name="programmes_window_ordered",
                violation_error_message=_("Registration cannot close before it opens."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.scope or _("nationwide")
        return f"{self.year} – {scope}"
