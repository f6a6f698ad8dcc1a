from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class UnitKind(models.Model):
    """A kind of party organisation (Tỉnh ủy, Đảng ủy xã, Chi bộ, Tổ đảng, …).

    The list is data, not code: new kinds appear when the Party reorganises (as in 2025)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("display order"), default=100)
    is_cell = models.BooleanField(
        _("is a cell"), default=False, help_text=_("A cell (chi bộ) holds members directly.")
    )
    is_group = models.BooleanField(
        _("is a party group"),
        default=False,
        help_text=_("A party group (tổ đảng) is a part of a cell and has no units below it."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")

    def __str__(self) -> str:
        return self.name


# Kinds of committee that elect a standing committee (ban thường vụ) as a rule.
STANDING_COMMITTEE_KINDS = {
    "dang_uy_truc_thuoc_tw",
    "tinh_uy",
    "dang_uy_khoi",
    "huyen_uy",
    "dang_uy_xa",
}

# A grassroots cell (chi bộ cơ sở) is a grassroots organisation itself: its ratings of its
# members are final once recorded. Any other cell's ratings are decided by the nearest
# committee above it whose kind is a grassroots committee (Quy định 366-QĐ/TW).
GRASSROOTS_CELL_KINDS = ("chi_bo_co_so",)
RATING_DECIDING_KINDS = ("dang_bo_co_so", "dang_uy_xa")


class Unit(MP_Node):
    """A node of the party organisation tree, of any depth.

    The materialised path (`path`, from treebeard) answers sub-tree questions with one
    indexed prefix match: everything under a unit has a path starting with the unit's path."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"),
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9_/-]*$",
                _("Use lower-case letters without accents, digits, “-”, “_” and “/”."),
            )
        ],
        help_text=_("Stable identifier used by imports, e.g. son-la/muong-la."),
    )
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, verbose_name=_("kind"))
    abbreviation = models.CharField(
        _("symbol"),
        max_length=20,
        blank=True,
        help_text=_("Used in document numbers, e.g. CB in 05-BC/CB."),
    )
    place = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_("Printed on the date line of documents, e.g. Mường La."),
    )
    has_committee = models.BooleanField(
        _("has a cell committee"),
        default=False,
        help_text=_("Cells with nine or more full members elect a cell committee (chi ủy)."),
    )
    has_standing_committee = models.BooleanField(
        _("has a standing committee"),
        default=False,
        help_text=_(
            "A committee with a standing committee (ban thường vụ) signs its reports "
            "“T/M BAN THƯỜNG VỤ”."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("party unit")
        verbose_name_plural = _("party units")

    def __str__(self) -> str:
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind.is_cell

    @property
    def is_group(self) -> bool:
        return self.kind.is_group

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("units:detail", args=[self.pk])

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first, computed without a query."""
        step = self.steplen
        return [self.path[: step * i] for i in range(1, self.depth)]


class EthicalStandard(models.Model):
    """One line of a unit's own ethical standards (chuẩn mực đạo đức), which pledges cite."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="standards", verbose_name=_("unit")
    )
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("standard"))

    class Meta:
        ordering = ["unit", "position"]
        verbose_name = _("ethical standard")
        verbose_name_plural = _("ethical standards")
        constraints = [
            models.UniqueConstraint(fields=["unit", "position"], name="units_standard_unique_pos")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"
