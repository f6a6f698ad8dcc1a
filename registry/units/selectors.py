"""Read-side queries on the organisation tree. Each runs a fixed number of SQL queries,
whatever the depth of the tree or the number of members."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr

from registry.members.models import Member, Membership

from .models import EthicalStandard, Unit


@dataclass(frozen=True)
class MemberCounts:
    party_members: int = 0
    participants: int = 0

    @property
    def total(self) -> int:
        return self.party_members + self.participants


_COUNTS = {
    "party_members": Count("id", filter=Q(member__category=Member.Category.PARTY_MEMBER)),
    "participants": Count("id", filter=~Q(member__category=Member.Category.PARTY_MEMBER)),
}


def _open_memberships_under(path: str):
    return Membership.objects.filter(end_date__isnull=True, cell__path__startswith=path)


def unit_member_counts(*, unit: Unit) -> MemberCounts:
    """People currently in the unit's sub-tree. One query."""
    return MemberCounts(**_open_memberships_under(unit.path).aggregate(**_COUNTS))


def unit_children_with_counts(*, unit: Unit) -> list[tuple[Unit, MemberCounts]]:
    """The unit's direct children with the people in each child's sub-tree. Two queries:
    the children, and one grouped count (a child's path is a fixed-length prefix of the
    path of every cell below it)."""
    children = list(Unit.objects.get_children(unit).select_related("kind"))
    if not children:
        return []
    prefix_length = len(unit.path) + unit.steplen
    rows = (
        _open_memberships_under(unit.path)
        .annotate(child_path=Substr("cell__path", 1, prefix_length))
        .values("child_path")
        .annotate(**_COUNTS)
    )
    by_path = {
        row["child_path"]: MemberCounts(row["party_members"], row["participants"]) for row in rows
    }
    return [(child, by_path.get(child.path, MemberCounts())) for child in children]


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    """Root first. One query (the ancestor paths are computed from the unit's own path)."""
    paths = unit.ancestor_paths()
    if not paths:
        return []
    return list(Unit.objects.filter(path__in=paths).order_by("depth"))


def standards_for_unit(*, unit: Unit) -> list[EthicalStandard]:
    """The unit's own ethical standards and those of every unit above it, top first."""
    return list(
        EthicalStandard.objects.filter(unit__path__in=[*unit.ancestor_paths(), unit.path])
        .select_related("unit")
        .order_by("unit__depth", "position")
    )


def nearest_cell(*, unit: Unit) -> Unit | None:
    if unit.kind.is_cell:
        return unit
    if unit.kind.is_group:
        return Unit.objects.select_related("kind").filter(path=unit.path[: -unit.steplen]).first()
    return None
