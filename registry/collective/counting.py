"""What collective registrations count, defined once. The unit page's sentence, the roll-up
per child unit and the demo all ask here.

- **Registered**: submitted at least once (a returned registration stays registered, a draft
  does not) – the personal plan's rule, `pledges.standing.registered_q`, on the same field.
- **Approved**: approved at least once (an amendment under way does not undo it),
  `pledges.standing.approved_q`.
- **Models and breakthrough contents** of a unit: the contents of its approved registration
  that the committee above has approved (`Content.approved_at`), by kind.
- **The organisations a unit counts** ("y" in "x/y tổ chức cơ sở đảng đã đăng ký"):
  - above the grassroots level (a province, a district, a bloc committee): every grassroots
    party organisation (`GRASSROOTS_KINDS`: đảng bộ cơ sở, chi bộ cơ sở, and since 2025 the
    commune and ward committees) in its sub-tree;
  - at a grassroots committee, or below one: the units directly under it other than party
    groups (its chi bộ trực thuộc and đảng bộ bộ phận);
  - a cell counts nobody (it registers itself).
  The organisations a unit counts are a unit's own children's counts added up, so a district's
  figure is the sum of its rows and a province's the sum of its districts'.
"""

from django.db.models import Q

from registry.pledges import standing
from registry.units.models import Unit

GRASSROOTS_KINDS = ("dang_bo_co_so", "chi_bo_co_so", "dang_uy_xa")

# The two ways a unit counts its organisations.
ABOVE_GRASSROOTS = "grassroots"
WITHIN_GRASSROOTS = "children"


def registered_q() -> Q:
    """Registrations that count as registered, as a filter on registrations."""
    return standing.registered_q()


def approved_q(prefix: str = "") -> Q:
    """Registrations approved at least once, as a filter (through `prefix`, e.g.
    "registration__")."""
    return standing.approved_q(prefix=prefix)


def counted_content_q(prefix: str = "") -> Q:
    """Contents that count: approved by the committee above, in an approved registration."""
    return Q(**{f"{prefix}approved_at__isnull": False}) & approved_q(
        prefix=f"{prefix}registration__"
    )


def counting_mode(unit: Unit, ancestor_kinds: list[str]) -> str | None:
    """How `unit` counts its organisations (`ancestor_kinds`: the kinds' codes of the units
    above it); None for a cell or a party group."""
    if unit.kind.is_cell or unit.kind.is_group:
        return None
    if unit.kind.code in GRASSROOTS_KINDS or any(k in GRASSROOTS_KINDS for k in ancestor_kinds):
        return WITHIN_GRASSROOTS
    return ABOVE_GRASSROOTS


def counted_units_q(unit: Unit, mode: str, field: str = "") -> Q:
    """The organisations `unit` counts (see the module), as a filter on units (or through
    `field`, e.g. "unit__")."""
    below = Q(**{f"{field}path__startswith": unit.path}) & ~Q(**{f"{field}pk": unit.pk})
    if mode == WITHIN_GRASSROOTS:
        return below & Q(**{f"{field}depth": unit.depth + 1, f"{field}kind__is_group": False})
    return below & Q(**{f"{field}kind__code__in": GRASSROOTS_KINDS})
