"""The one permission policy. Every view, export and command asks these functions what a
user may see or change; nothing else decides.

- An administrator (active superuser) sees and changes everything.
- Any role in a unit (secretary, deputy, committee member, officer) reads that unit's
  whole sub-tree: its units, their rosters and their members.
- The secretary and deputy secretary of a unit also act for it (manage its roster …).
- Everybody reads their own member record.
- What a user may not see answers 404, exactly like something that does not exist.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from registry.members.models import Member, Membership
from registry.units.models import Unit

from .models import RoleAssignment


def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def roles_of(user) -> list[RoleAssignment]:
    """The user's role assignments with their units; one query, cached on the user object."""
    if not (user and user.is_authenticated):
        return []
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, unit__is_active=True).select_related(
                "unit", "unit__kind"
            )
        )
        user._roles_cache = cached
    return cached


def reach_paths(user) -> list[str]:
    """Paths of the sub-trees the user reads (the smallest set: nested ones are dropped)."""
    paths = sorted({role.unit.path for role in roles_of(user)})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in kept):
            kept.append(path)
    return kept


def _under_any(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def units_visible_to(user) -> QuerySet[Unit]:
    units = Unit.objects.select_related("kind")
    if is_administrator(user):
        return units
    paths = reach_paths(user)
    return units.filter(_under_any(paths, "path")) if paths else units.none()


def members_visible_to(user) -> QuerySet[Member]:
    members = Member.objects.all()
    if is_administrator(user):
        return members
    if not (user and user.is_authenticated):
        return members.none()
    paths = reach_paths(user)
    q = Q(user=user)
    if paths:
        in_reach = Membership.objects.filter(
            _under_any(paths, "cell__path"), member=OuterRef("pk"), end_date__isnull=True
        )
        q |= Q(Exists(in_reach))
    return members.filter(q)


def can_view_unit(user, unit: Unit) -> bool:
    if is_administrator(user):
        return True
    return any(unit.path.startswith(path) for path in reach_paths(user))


def can_manage_unit(user, unit: Unit) -> bool:
    """Act for a cell (roster changes, later approvals): its secretary or deputy. A party
    group is managed by the secretary and deputy of its cell."""
    if is_administrator(user):
        return True
    paths = {unit.path}
    if unit.kind.is_group:
        paths.add(unit.path[: -unit.steplen])
    return any(
        role.role in RoleAssignment.MANAGING_ROLES and role.unit.path in paths
        for role in roles_of(user)
    )


def get_visible_unit_or_404(user, pk) -> Unit:
    try:
        return units_visible_to(user).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_visible_member_or_404(user, pk) -> Member:
    try:
        return members_visible_to(user).get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Personal plans ---------------------------------------------------------------------------
# A plan is read in full (with evidence) by its owner and by anyone whose reach covers the cell
# where it was made. Fellow members of a cell see its approved plans on the cell board only.


def plans_visible_to(user):
    from registry.pledges.models import Plan

    plans = Plan.objects.all()
    if is_administrator(user):
        return plans
    if not (user and user.is_authenticated):
        return plans.none()
    paths = reach_paths(user)
    # The cell where the plan was made keeps reading it; the member's present cell reads it too.
    now_in_reach = Membership.objects.filter(
        _under_any(paths, "cell__path"), member=OuterRef("member_id"), end_date__isnull=True
    )
    q = Q(member__user=user) | _under_any(paths, "cell__path") | Q(Exists(now_in_reach))
    return plans.filter(q)


def plans_owned_by(user):
    from registry.pledges.models import Plan

    if not (user and user.is_authenticated):
        return Plan.objects.none()
    return Plan.objects.filter(member__user=user)


def is_plan_owner(user, plan) -> bool:
    return bool(user and user.is_authenticated and plan.member.user_id == user.pk)


def can_review_plan(user, plan) -> bool:
    """The cell's secretary or deputy, but never on their own plan."""
    return not is_plan_owner(user, plan) and can_manage_unit(user, plan.cell)


def can_view_cell_board(user, cell: Unit) -> bool:
    """The members currently in the cell and everyone whose reach covers it."""
    if can_view_unit(user, cell):
        return True
    if not (user and user.is_authenticated):
        return False
    return Membership.objects.filter(member__user=user, cell=cell, end_date__isnull=True).exists()


def can_write_reviews(user, unit: Unit) -> bool:
    """Who prepares and finalises a unit's reviews: its secretary or deputy, and for a
    committee above the cells also the officers of that committee's own office."""
    if is_administrator(user):
        return True
    allowed = set(RoleAssignment.MANAGING_ROLES)
    if not unit.kind.is_cell:
        allowed.add(RoleAssignment.Role.OFFICER)
    return any(r.unit_id == unit.pk and r.role in allowed for r in roles_of(user))
