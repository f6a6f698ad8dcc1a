"""The one permission policy. Every view, export and command asks these functions what a
user may see or change; nothing else decides.

- An administrator (active superuser) sees and changes everything.
- Any role in a unit (secretary, deputy, committee member, officer) reads that unit's
  whole sub-tree: its units, their rosters and their members.
- The secretary and deputy secretary of a unit also act for it (manage its roster …).
- Everybody reads their own member record.
- A personal plan is followed up (approved, returned, reopened, commented, its reports
  accepted) by the cell its member belongs to now: after a transfer, by the receiving cell,
  for the plan of the transfer's year and later ones.
  Nobody decides on their own plan; a secretary's or deputy's plan goes to the other leader
  or to a member of the cell committee.
- A transfer (chuyển sinh hoạt đảng) is issued by the sending side and accepted by the
  receiving side; nobody issues or accepts their own (see "Transfers" below).
- What a user may not see answers 404, exactly like something that does not exist.

Each action has one function here; templates call it (through the view's context) to offer
the button, and the service calls it again before acting.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from registry.core.compiled import Compiled
from registry.members.models import Member, Membership
from registry.units.models import GRASSROOTS_CELL_KINDS, RATING_DECIDING_KINDS, Unit

from .models import RoleAssignment


def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def _roles(*, user_id) -> QuerySet:
    return RoleAssignment.objects.filter(user_id=user_id, unit__is_active=True).select_related(
        "unit", "unit__kind"
    )


_ROLES = Compiled(_roles, "user_id")  # read on most pages: compiled once (`core.compiled`)


def roles_of(user) -> list[RoleAssignment]:
    """The user's role assignments with their units; one query, cached on the user object."""
    if not (user and user.is_authenticated):
        return []
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        cached = _ROLES.all(user_id=user.pk)
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
        in_reach = Membership.objects.current().filter(
            _under_any(paths, "cell__path"), member=OuterRef("pk")
        )
        q |= Q(Exists(in_reach))
    return members.filter(q)


def can_view_unit(user, unit: Unit) -> bool:
    if is_administrator(user):
        return True
    return any(unit.path.startswith(path) for path in reach_paths(user))


def can_record_leaving(user, unit: Unit, member) -> bool:
    """Record that `member` left the cell or died: the cell's secretary or deputy, never about
    themselves (as nobody transfers themselves)."""
    return can_manage_unit(user, unit) and not (
        member.user_id is not None and member.user_id == getattr(user, "pk", None)
    )


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


def can_set_key_official(user, cell: Unit) -> bool:
    """Mark a person of the cell as a key official (cán bộ chủ chốt) or not: whoever keeps the
    cell's roster, its secretary or deputy."""
    return can_manage_unit(user, cell)


def get_visible_unit_or_404(user, pk) -> Unit:
    # The unit of one of the person's roles is in reach, and already read with the roles.
    for role in roles_of(user):
        if str(role.unit_id) == str(pk):
            return role.unit
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
# A plan is read in full (with evidence) by its owner, by anyone whose reach covers the cell
# where it was made, and by anyone whose reach covers a cell the member was in during the
# plan's year. Fellow members of a cell see its approved plans on the cell board only. Plans
# are not imported here: the policy gives the filter, `pledges.selectors.plans_visible_to`
# applies it.


def plan_visibility(user) -> Q:
    """The plans `user` may read, as a filter on plans: their own, those made in a cell in
    reach, and those of a year the member spent (part of) in a cell in reach. So after a
    transfer the receiving cell reads the plan of the year of the transfer and later ones
    (the quarters it counts and follows up), never the plans of earlier years, which stay
    with the cells that made and counted them."""
    if is_administrator(user):
        return Q()
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    paths = reach_paths(user)
    in_reach_that_year = Membership.objects.in_year(OuterRef("year")).filter(
        _under_any(paths, "cell__path"), member=OuterRef("member_id")
    )
    return Q(member__user=user) | _under_any(paths, "cell__path") | Q(Exists(in_reach_that_year))


def is_plan_owner(user, plan) -> bool:
    return bool(user and user.is_authenticated and plan.member.user_id == user.pk)


def follow_up_cell(plan) -> Unit | None:
    """The cell that follows the plan up now: the one its member belongs to today, if they
    were already in it during the plan's year; for a plan of a year that ended before the
    member's present period, the cell they were in on its last day, which counted it (None
    once the member has left every cell). So a transfer hands over the plan of its own year
    and later ones, never a decision on an earlier year's plan. One or two queries,
    remembered on the plan object; a selector that already knows it may set
    `plan.follow_up_cell_cached`. `followed_up_by` is the same rule for a whole cell."""
    if not hasattr(plan, "follow_up_cell_cached"):
        periods = plan.member.memberships.select_related("cell", "cell__kind")
        period = periods.current().first()
        if period is not None and period.start_date.year > plan.year:
            period = periods.at(datetime.date(plan.year, 12, 31)).first()
        plan.follow_up_cell_cached = period.cell if period else None
    return plan.follow_up_cell_cached


def followed_up_by(cell: Unit, year: int) -> QuerySet:
    """The people whose plan of `year` `cell` follows up (`follow_up_cell`), as member ids."""
    moved_since = Membership.objects.current().filter(start_date__year__gt=year)
    earlier = Membership.objects.at(datetime.date(year, 12, 31)).filter(
        cell=cell, member__in=moved_since.values("member_id")
    )
    # `cell=cell` outside too: the database reads the cell's periods by index, not all.
    return Membership.objects.filter(
        Q(pk__in=Membership.objects.current().filter(cell=cell, start_date__year__lte=year))
        | Q(pk__in=earlier),
        cell=cell,
    ).values("member_id")


def plan_deciders(*, roles: list[tuple[int, str]], owner_user_id: int | None) -> set[int]:
    """Who decides on a plan followed up by a cell whose role holders are `roles`
    ([(user id, role)]): its secretary and deputy, never on their own plan; on a leader's own
    plan, also the members of the cell committee. The one rule, for one plan or for a sweep."""
    leaders = {u for u, role in roles if role in RoleAssignment.MANAGING_ROLES}
    deciders = leaders - {owner_user_id}
    if owner_user_id in leaders:
        deciders |= {u for u, role in roles if role == RoleAssignment.Role.COMMITTEE_MEMBER}
    return deciders - {owner_user_id}


def _cell_roles(cell: Unit) -> list[tuple[int, str]]:
    """The cell's role holders; one query, remembered on the cell object."""
    if not hasattr(cell, "role_holders_cached"):
        cell.role_holders_cached = list(
            RoleAssignment.objects.filter(unit=cell).values_list("user_id", "role")
        )
    return cell.role_holders_cached


def owner_leads_cell(plan) -> bool:
    """The plan is a secretary's or deputy's own: decisions on it go to the other leader or
    to a member of the cell committee."""
    cell = follow_up_cell(plan)
    if cell is None or plan.member.user_id is None:
        return False
    return any(
        u == plan.member.user_id and role in RoleAssignment.MANAGING_ROLES
        for u, role in _cell_roles(cell)
    )


# How long the author of a comment on a plan may take it back (a cheap undo, issue 14).
COMMENT_UNDO_MINUTES = 10


# How long "mark all as read" on the reminders page can be undone (issue 14).
READ_UNDO_MINUTES = 10


def read_undo_since(now: datetime.datetime) -> datetime.datetime:
    """Reminders marked read before this moment stay read: the undo's window is over."""
    return now - datetime.timedelta(minutes=READ_UNDO_MINUTES)


def can_withdraw_comment(user, comment, *, now: datetime.datetime) -> bool:
    """Only the comment's author, and only for `COMMENT_UNDO_MINUTES` after writing it."""
    if not (user and user.is_authenticated) or comment.author_id != user.pk:
        return False
    return now - comment.at <= datetime.timedelta(minutes=COMMENT_UNDO_MINUTES)


def can_decide_on_plan(user, plan) -> bool:
    """Approve, return, reopen or comment on the plan, and accept its reports or ask for
    more (`plan_deciders` of the cell that follows it up)."""
    if not (user and user.is_authenticated) or is_plan_owner(user, plan):
        return False
    if is_administrator(user):
        return True
    cell = follow_up_cell(plan)
    if cell is None or not any(r.unit_id == cell.pk for r in roles_of(user)):
        return False
    return user.pk in plan_deciders(roles=_cell_roles(cell), owner_user_id=plan.member.user_id)


# --- What the cell records about a member ------------------------------------------------------
# The year-end rating the cell proposes and the checks and supervision of a member are read by
# the member themselves, once the cell has recorded them, and by anyone whose reach covers the
# cell that recorded them (as its lists are). Nobody reads those of another member otherwise.


def member_record_visibility(user) -> Q:
    """The ratings and checks (`cells.YearRating`, `cells.Supervision`) `user` may read, as a
    filter on either: their own, and those recorded by a cell in reach."""
    if is_administrator(user):
        return Q()
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    paths = reach_paths(user)
    own = Q(member__user=user)
    return own | _under_any(paths, "cell__path") if paths else own


def can_view_cell_board(user, cell: Unit) -> bool:
    """The members currently in the cell and everyone whose reach covers it."""
    if can_view_unit(user, cell):
        return True
    if not (user and user.is_authenticated):
        return False
    return Membership.objects.current().filter(member__user=user, cell=cell).exists()


def can_rate(user, member, cell: Unit) -> bool:
    """Propose a member's year-end rating: the cell's secretary or deputy, not for themselves."""
    return can_manage_unit(user, cell) and not (
        user and user.is_authenticated and member.user_id == user.pk
    )


def rating_deciding_committee(cell: Unit) -> Unit | None:
    """The committee that decides the year-end ratings the cell proposes (Quy định
    366-QĐ/TW: "cấp ủy cơ sở quyết định xếp loại"): the nearest unit above the cell whose kind
    is a grassroots committee. None for a grassroots cell (chi bộ cơ sở), whose ratings are
    final once recorded, or if there is no such committee above."""
    if cell.kind.code in GRASSROOTS_CELL_KINDS:
        return None
    above = cell.ancestor_paths()
    if not above:
        return None
    return (
        Unit.objects.select_related("kind")
        .filter(path__in=above, kind__code__in=RATING_DECIDING_KINDS)
        .order_by("-depth")
        .first()
    )


def cells_rated_by(committee: Unit):
    """The cells whose ratings `committee` decides (`rating_deciding_committee` is it): the
    cells below it, but for grassroots cells and those under a nearer deciding committee. Two
    queries, when read."""
    if committee.kind.code not in RATING_DECIDING_KINDS:
        return Unit.objects.none()
    nearer = Unit.objects.filter(
        path__startswith=committee.path,
        depth__gt=committee.depth,
        kind__code__in=RATING_DECIDING_KINDS,
    ).values_list("path", flat=True)
    cells = Unit.objects.filter(
        path__startswith=committee.path, kind__is_cell=True, depth__gt=committee.depth
    ).exclude(kind__code__in=GRASSROOTS_CELL_KINDS)
    for path in nearer:
        cells = cells.exclude(path__startswith=path)
    return cells


def can_decide_ratings(user, cell: Unit, committee: Unit | None = None) -> bool:
    """Decide the ratings `cell` proposes: the secretary, deputy or officers of the deciding
    committee (`rating_deciding_committee`), as for its other decisions; administrators."""
    committee = committee or rating_deciding_committee(cell)
    return committee is not None and acts_for_committee(user, committee)


def review_writers(*, roles: list[tuple[int, str]], unit: Unit) -> set[int]:
    """Who prepares, previews and issues a unit's reviews, among its role holders `roles`:
    its secretary or deputy, and for a committee above the cells also the officers of that
    committee's own office."""
    allowed = set(RoleAssignment.MANAGING_ROLES)
    if not unit.kind.is_cell:
        allowed.add(RoleAssignment.Role.OFFICER)
    return {u for u, role in roles if role in allowed}


def can_write_reviews(user, unit: Unit) -> bool:
    if is_administrator(user):
        return True
    if not (user and user.is_authenticated):
        return False
    mine = [(user.pk, r.role) for r in roles_of(user) if r.unit_id == unit.pk]
    return user.pk in review_writers(roles=mine, unit=unit)


def units_writing_reviews(user) -> list[Unit]:
    """The units whose reviews `user` writes through a role of theirs (`can_write_reviews`),
    in tree order; administrators write any unit's review from its own address."""
    units = {
        r.unit
        for r in roles_of(user)
        if not r.unit.kind.is_group
        and user.pk in review_writers(roles=[(user.pk, r.role)], unit=r.unit)
    }
    return sorted(units, key=lambda unit: unit.path)


def review_visibility(user) -> Q:
    """The reviews `user` may read, as a filter on reviews (those of units in reach)."""
    if is_administrator(user):
        return Q()
    paths = reach_paths(user)
    return _under_any(paths, "unit__path") if paths else Q(pk__in=[])


# --- Accounts: second factor and reset codes --------------------------------------------------
# Those who approve, rate and issue numbered documents sign in with a second factor (an
# authenticator app, or a one-time recovery code). A secretary or deputy of a cell may issue a
# one-time reset code to a person of that cell who has forgotten the password.

# Everyone who approves, rates or issues: the cell committee's members approve leaders' plans.
SECOND_FACTOR_ROLES = (
    *RoleAssignment.MANAGING_ROLES,
    RoleAssignment.Role.COMMITTEE_MEMBER,
    RoleAssignment.Role.OFFICER,
)


def second_factor_required(user) -> bool:
    """Must this account pass a second factor: administrators, the secretaries, deputies,
    cell committee members and officers of any unit, and everyone when OTP_REQUIRED_FOR_ALL
    is on."""
    if not (user and user.is_authenticated):
        return False
    if settings.OTP_REQUIRED_FOR_ALL or is_administrator(user):
        return True
    return any(role.role in SECOND_FACTOR_ROLES for role in roles_of(user))


def second_factor_passed(user) -> bool:
    """Has this session passed the second factor (django-otp marks the request's user)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(user and user.is_authenticated and callable(is_verified) and is_verified())


def can_create_access_token(user) -> bool:
    """Make a personal access token for the JSON API: any active signed-in person, and one
    who must pass the second sign-in step only from a session that passed it (a token acts
    without the second factor afterwards, so nothing that asks for it can be done with one)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return not second_factor_required(user) or second_factor_passed(user)


def can_issue_reviews(user, unit: Unit) -> bool:
    """Issue (give a number to) a unit's review: a review writer whose session passed the
    second factor. `can_write_reviews` without the second factor still prepares drafts."""
    return can_write_reviews(user, unit) and second_factor_passed(user)


def can_issue_reset_code(user, person) -> bool:
    """Give `person` (a Member with an account) a one-time reset code: the secretary or deputy
    of the cell the person belongs to now, or an administrator; never for oneself; for an
    officer of a committee above the cell, only an administrator."""
    if not (user and user.is_authenticated) or person.user_id is None:
        return False
    if person.user_id == user.pk:
        return False
    if is_administrator(user):
        return True
    period = person.memberships.current().select_related("cell", "cell__kind").first()
    if period is None or not can_manage_unit(user, period.cell):
        return False
    above = RoleAssignment.objects.filter(user_id=person.user_id).exclude(
        unit__path__startswith=period.cell.path
    )
    target_admin = person.user.is_superuser and person.user.is_active
    return not target_admin and not above.exists()


# --- Transfers (chuyển sinh hoạt đảng) ---------------------------------------------------------
# The sending side issues, the receiving side accepts; until then the person stays where they
# are. "Acting for a cell" here means its secretary or deputy, or a secretary, deputy or officer
# of a committee above it (the committee may issue or receive on its cells' behalf). Nobody
# issues, accepts, refuses or withdraws a transfer of themselves, administrators included.
#
# Where the destination is looked for: cells under the sending cell's parent committee first,
# then under each committee above it in turn, one level at a time, at most up to the province
# (a province-level committee, or the top of the tree). A search answers at most
# `TRANSFER_SEARCH_LIMIT` cells, so no list ever shows the whole country. A transfer to another
# province goes through the administrators.

TRANSFER_SEARCH_LIMIT = 20
PROVINCE_LEVEL_KINDS = ("tinh_uy", "dang_uy_truc_thuoc_tw")
ACTING_ABOVE_ROLES = (*RoleAssignment.MANAGING_ROLES, RoleAssignment.Role.OFFICER)


def acts_for_cell_or_above(user, cell: Unit) -> bool:
    if is_administrator(user):
        return True
    above = set(cell.ancestor_paths())
    return any(
        (role.unit.path == cell.path and role.role in RoleAssignment.MANAGING_ROLES)
        or (role.unit.path in above and role.role in ACTING_ABOVE_ROLES)
        for role in roles_of(user)
    )


def _is_self(user, member) -> bool:
    return bool(user and user.is_authenticated and member.user_id == user.pk)


def sending_cell(member) -> Unit | None:
    """The cell a transfer of `member` is issued from: the one they belong to now."""
    period = member.memberships.current().select_related("cell", "cell__kind").first()
    return period.cell if period else None


def can_issue_transfer(user, member, from_cell: Unit | None = None) -> bool:
    """Issue a transfer of `member` (from their current cell, `from_cell` if already known):
    the secretary or deputy of that cell, or a committee above it; never of oneself."""
    if not (user and user.is_authenticated) or _is_self(user, member):
        return False
    cell = from_cell or sending_cell(member)
    return cell is not None and acts_for_cell_or_above(user, cell)


def can_withdraw_transfer(user, transfer) -> bool:
    """Withdraw a pending transfer: whoever may issue it from its sending cell."""
    return (
        transfer.is_pending
        and not _is_self(user, transfer.member)
        and acts_for_cell_or_above(user, transfer.from_cell)
    )


def can_accept_transfer(user, transfer) -> bool:
    """Accept (or refuse) a pending transfer: the secretary or deputy of the receiving cell,
    or a committee above it; never one's own."""
    return (
        bool(user and user.is_authenticated)
        and transfer.is_pending
        and not _is_self(user, transfer.member)
        and acts_for_cell_or_above(user, transfer.to_cell)
    )


def transfer_visibility(user) -> Q:
    """The transfers `user` may read, as a filter: those from or to a cell in reach, and
    their own."""
    if is_administrator(user):
        return Q()
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    paths = reach_paths(user)
    either_side = _under_any(paths, "from_cell__path") | _under_any(paths, "to_cell__path")
    return Q(member__user=user) | either_side


def transfer_search_areas(cell: Unit) -> list[Unit]:
    """The sub-trees a transfer from `cell` looks for its destination in, narrowest first:
    the committee above the cell, then each one above it, up to the province."""
    ancestors = list(
        Unit.objects.filter(path__in=cell.ancestor_paths())
        .select_related("kind")
        .order_by("-depth")
    )
    areas: list[Unit] = []
    for unit in ancestors:
        areas.append(unit)
        if unit.kind.code in PROVINCE_LEVEL_KINDS:
            break
    return areas


# --- Collective registrations (đăng ký tập thể) ----------------------------------------------
# A party organisation registers its own yearly contents with the committee above it. Its
# registration is drafted, submitted and amended by those who write the unit's reviews
# (`review_writers`: the secretary or deputy; for a committee also its officers); it is
# approved or returned by the committee of the unit's parent (its secretary, deputy or
# officers, `ACTING_ABOVE_ROLES`), never by someone who also drafts it. It is read by everyone
# whose reach covers the unit (the chain above) or a unit under it (the sub-tree's readers).
# Registrations are not imported here: `collective_visibility` gives the filter.


def _collective_units(user) -> tuple[list[str], set[str]]:
    """(the paths of the sub-trees in reach, the paths of every unit above or at one)."""
    paths = reach_paths(user)
    above = {path[:i] for path in paths for i in range(Unit.steplen, len(path) + 1, Unit.steplen)}
    return paths, above


def collective_visibility(user, field: str = "unit__path") -> Q:
    """The collective registrations `user` may read, as a filter (on registrations, or on
    units with `field="path"`): those of units in reach and of every unit above a reach."""
    if is_administrator(user):
        return Q()
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    paths, above = _collective_units(user)
    if not paths:
        return Q(pk__in=[])
    return _under_any(paths, field) | Q(**{f"{field}__in": sorted(above)})


def can_view_collective(user, unit: Unit) -> bool:
    if is_administrator(user):
        return True
    paths, above = _collective_units(user)
    return unit.path in above or any(unit.path.startswith(p) for p in paths)


def can_register_collective(user, unit: Unit) -> bool:
    """Draft, submit, amend a unit's collective registration and report its progress: the
    unit's review writers. A party group does not register, nor does the top of the tree
    (it has nobody above to register with)."""
    if unit.kind.is_group or unit.depth <= 1:
        return False
    return can_write_reviews(user, unit)


def collective_deciders(*, roles: list[tuple[int, str]]) -> set[int]:
    """Who decides on a registration among the role holders `roles` of the unit's parent."""
    return {u for u, role in roles if role in ACTING_ABOVE_ROLES}


def can_decide_collective(user, unit: Unit) -> bool:
    """Approve or return a unit's collective registration: the committee of its parent, never
    someone who also drafts it."""
    if not (user and user.is_authenticated) or unit.kind.is_group or unit.depth <= 1:
        return False
    if can_write_reviews(user, unit) and not is_administrator(user):
        return False
    if is_administrator(user):
        return True
    parent = unit.path[: -unit.steplen]
    mine = [(user.pk, r.role) for r in roles_of(user) if r.unit.path == parent]
    return user.pk in collective_deciders(roles=mine)


def can_decide_collective_under(user, unit: Unit) -> bool:
    """See the registrations of the units directly under `unit` that wait for a decision."""
    if is_administrator(user):
        return True
    mine = [(user.pk, r.role) for r in roles_of(user) if r.unit_id == unit.pk]
    return bool(collective_deciders(roles=mine))


# --- Good deeds and commendations ------------------------------------------------------------
# A unit's register of good deeds (người tốt, việc tốt) is kept by its secretary and deputy,
# who also record the praise (biểu dương) given at the cell's meeting and send proposals for a
# higher commendation (đề nghị khen thưởng). The committee a proposal is sent to decides it:
# its secretary, deputy or an officer of its office, in a session that passed the second step
# (a numbered decision, like an issued review). Nobody decides on their own commendation.
# Everyone whose reach covers the unit reads its register and proposals. Deeds and proposals
# are not imported here: the policy gives the filters, `commendations.selectors` applies them.


def can_keep_good_deeds(user, unit: Unit) -> bool:
    """Record, edit and praise good deeds in the unit's register: its secretary or deputy
    (a party group's deeds are kept by its cell)."""
    return not unit.kind.is_group and can_manage_unit(user, unit)


def can_propose_commendation(user, unit: Unit) -> bool:
    """Send a commendation proposal from the unit to the committee above: its secretary or
    deputy."""
    return not unit.kind.is_group and can_manage_unit(user, unit)


def can_withdraw_proposal(user, proposal) -> bool:
    """Withdraw a proposal before it is decided: whoever may send it from its unit."""
    return proposal.status == "sent" and can_propose_commendation(user, proposal.from_unit)


def can_decide_proposal(user, proposal) -> bool:
    """Approve or not approve a waiting proposal: the receiving committee's secretary, deputy
    or officer, in a session that passed the second step; never about themselves."""
    if proposal.status != "sent" or not second_factor_passed(user):
        return False
    member = proposal.member if proposal.member_id else None
    if member is not None and member.user_id is not None and member.user_id == user.pk:
        return False
    return acts_for_committee(user, proposal.to_unit)


def good_deed_visibility(user) -> Q:
    """The good deeds `user` may read, as a filter: those of registers in reach."""
    if is_administrator(user):
        return Q()
    paths = reach_paths(user)
    return _under_any(paths, "unit__path") if paths else Q(pk__in=[])


def proposal_visibility(user) -> Q:
    """The proposals `user` may read, as a filter: those sent from a unit in reach (a
    committee above reads what its units propose, and what is sent to it)."""
    if is_administrator(user):
        return Q()
    paths = reach_paths(user)
    return _under_any(paths, "from_unit__path") if paths else Q(pk__in=[])


# --- Models and good practices (mô hình, cách làm hay) ----------------------------------------
# A cell (its secretary or deputy) or a committee (its secretary, deputy or officers) proposes.
# A committee above the proposing unit, any of them, selects (or declines, with a reason) and
# publishes, through its secretary, deputy or officers. A published practice is read by the
# whole sub-tree of the committee that selected it (role holders and the members of its cells)
# and by everyone whose reach covers that committee; a proposal only by the proposing unit and
# the chain above it. A cell's secretary or deputy records that the cell adopted a published
# practice it can read, not its own. Practices are not imported here: the policy gives the
# filter, `practices.selectors` applies it.


def acts_for_committee(user, unit: Unit) -> bool:
    """Act for a committee itself (not a cell, not one above it): its secretary, deputy or
    officers. Who decides on commendations it receives, selects practices, orders booklets."""
    if unit.kind.is_cell or unit.kind.is_group:
        return False
    if is_administrator(user):
        return True
    return any(
        role.unit_id == unit.pk and role.role in ACTING_ABOVE_ROLES for role in roles_of(user)
    )


def can_propose_practice(user, unit: Unit) -> bool:
    """Propose (and edit, or withdraw) a practice of `unit`: a cell's secretary or deputy, a
    committee's secretary, deputy or officers."""
    if unit.kind.is_group:
        return False
    if unit.kind.is_cell:
        return can_manage_unit(user, unit)
    return acts_for_committee(user, unit)


def can_propose_practice_from_content(user, content) -> bool:
    """Propose a practice from a content of a collective registration (offered on the
    registration's page): a model or breakthrough content the committee above approved, by
    those who propose the registering unit's practices."""
    return (
        content.kind in ("model", "breakthrough")
        and content.approved_at is not None
        and content.registration.first_approved_at is not None
        and can_propose_practice(user, content.registration.unit)
    )


def can_edit_practice(user, practice) -> bool:
    return practice.status == practice.Status.PROPOSED and can_propose_practice(user, practice.unit)


def can_withdraw_practice(user, practice) -> bool:
    return practice.status in (
        practice.Status.PROPOSED,
        practice.Status.SELECTED,
    ) and can_propose_practice(user, practice.unit)


def selecting_committee(user, unit: Unit) -> Unit | None:
    """The committee `user` selects for, above `unit`: the nearest one where they are a
    secretary, deputy or officer (for an administrator, the unit's parent); None if none."""
    above = set(unit.ancestor_paths())
    mine = [
        role.unit
        for role in roles_of(user)
        if role.unit.path in above and role.role in ACTING_ABOVE_ROLES
    ]
    if mine:
        return max(mine, key=lambda u: len(u.path))
    if is_administrator(user) and above:
        return Unit.objects.select_related("kind").get(path=max(above, key=len))
    return None


def can_select_practice(user, practice) -> bool:
    """Select a proposal, or decline it with a reason: a committee above the proposing unit."""
    return (
        practice.status == practice.Status.PROPOSED
        and selecting_committee(user, practice.unit) is not None
    )


def can_publish_practice(user, practice) -> bool:
    """Publish a selected practice to the sub-tree of the committee that selected it: that
    committee, or any committee above it."""
    if practice.status != practice.Status.SELECTED or practice.committee is None:
        return False
    committee = practice.committee
    return acts_for_committee(user, committee) or selecting_committee(user, committee) is not None


def _places(user) -> list[str]:
    """Paths of the units a user is in: those they hold a role in and the cell they belong to
    now (one query, remembered on the user object)."""
    cached = getattr(user, "_places_cache", None)
    if cached is None:
        cells = Membership.objects.current().filter(member__user=user)
        cached = [role.unit.path for role in roles_of(user)]
        cached += list(cells.values_list("cell__path", flat=True))
        user._places_cache = cached
    return cached


def _ancestors_or_self(paths: list[str]) -> list[str]:
    step = Unit.steplen
    return sorted({p[:i] for p in paths for i in range(step, len(p) + 1, step)})


def practice_visibility(user) -> Q:
    """The practices `user` may read, as a filter on practices: published ones whose
    committee's sub-tree holds a unit the user is in, or that lie in the user's reach; any
    other (a proposal, a declined or withdrawn one) if the user's reach covers its unit."""
    if is_administrator(user):
        return Q()
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    reach = reach_paths(user)
    published = Q(committee__path__in=_ancestors_or_self(_places(user)))
    if reach:
        published |= _under_any(reach, "committee__path")
    return Q(status="published") & published | _under_any(reach, "unit__path")


def practice_reaches(practice, unit: Unit) -> bool:
    """A published practice reaches `unit`: it lies in the sub-tree of the selecting committee."""
    return practice.is_published and unit.path.startswith(practice.committee.path)


def can_adopt_practice(user, practice, cell: Unit) -> bool:
    """Record that `cell` adopted `practice`: the cell's secretary or deputy, for a published
    practice that reaches the cell, not the cell's own."""
    return (
        cell.kind.is_cell
        and practice.unit_id != cell.pk
        and practice_reaches(practice, cell)
        and can_manage_unit(user, cell)
    )


def cells_adopting_for(user, practice) -> list[Unit]:
    """The cells whose adoption of `practice` the user may record (those they lead)."""
    cells = {
        role.unit.pk: role.unit
        for role in roles_of(user)
        if role.role in RoleAssignment.MANAGING_ROLES and role.unit.kind.is_cell
    }
    return [c for c in cells.values() if can_adopt_practice(user, practice, c)]


def can_order_booklet(user, committee: Unit) -> bool:
    """Order a booklet of good practices (and render a failed one again): the committee's
    secretary, deputy or officers."""
    return acts_for_committee(user, committee)


def booklet_visibility(user) -> Q:
    """The booklets `user` may read: those of committees in reach."""
    if is_administrator(user):
        return Q()
    paths = reach_paths(user)
    return _under_any(paths, "committee__path") if paths else Q(pk__in=[])


# --- A cell's printed registers ---------------------------------------------------------------
# The roster, the minutes of a meeting, the list of checks and supervision and the book of
# registrations print what the cell's pages show: whoever may see those pages prints them.


def can_print_cell_registers(user, cell: Unit) -> bool:
    """Print a cell's registers and order (or render again) its book of registrations: anyone
    whose reach covers the cell, as for its pages."""
    return bool(user and user.is_authenticated) and cell.kind.is_cell and can_view_unit(user, cell)


def registration_book_visibility(user) -> Q:
    """The books of registrations `user` may read: those of cells in reach."""
    if is_administrator(user):
        return Q()
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    paths = reach_paths(user)
    return _under_any(paths, "cell__path") if paths else Q(pk__in=[])


# --- Roster imports ---------------------------------------------------------------------------
# A roster is imported from a file for a unit and the cells below it: by administrators for any
# unit, by a committee's secretary, deputy or officers for their committee's sub-tree. A cell's
# own leaders add people one by one on the roster; nobody else imports.


def can_import_roster(user, unit: Unit) -> bool:
    if unit.kind.is_group:
        return False
    if is_administrator(user):
        return True
    return any(
        unit.path.startswith(role.unit.path)
        and role.role in ACTING_ABOVE_ROLES
        and not role.unit.kind.is_cell
        for role in roles_of(user)
    )
