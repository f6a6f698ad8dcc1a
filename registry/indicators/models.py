"""The catalogue of standard indicators (chỉ tiêu): what a pledge item may count in, so that the
results of the same indicator add up across members and units ("lượt công dân được tiếp",
"hồ sơ giải quyết đúng hạn", "buổi tuyên truyền"). Nationwide indicators have no scope; a
province adds its own (scope = the province-level unit, a root of the tree)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.core.measures import canonical_unit, is_percentage
from registry.units.models import Unit


class Indicator(models.Model):
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. Lượt công dân được tiếp."))
    unit = models.CharField(
        _("unit of measure"),
        max_length=50,
        help_text=_("A standard unit (buổi, lượt, hồ sơ, người …) or one of its own, e.g. vụ."),
    )
    code = models.SlugField(
        _("code"), max_length=60, unique=True, help_text=_("Stable identifier, e.g. tiep-dan.")
    )
    scope = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        limit_choices_to={"depth": 1},
        verbose_name=_("province"),
        help_text=_("Leave empty for a nationwide indicator; else the province that uses it."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An indicator no longer offered stays on the items that chose it."),
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=100)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def save(self, *args, **kwargs):
        # Derived column only: the unit is stored in its listed spelling ("Lượt" → "lượt").
        self.unit = canonical_unit(self.unit)
        super().save(*args, **kwargs)

    def clean(self):
        self.unit = canonical_unit(self.unit)
        if self.unit and is_percentage(self.unit):
            raise ValidationError(
                {"unit": _("Shares do not add up: count things (lượt, hồ sơ, buổi …), not %.")}
            )
        if self.scope_id and self.scope.depth != 1:
            raise ValidationError({"scope": _("Choose a province-level unit.")})
