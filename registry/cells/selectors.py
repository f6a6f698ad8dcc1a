"""Reads for the cell's pages. The overview's figures are the review's figures (`figures`,
from `pledges.standing`); the lists behind them are read through the same standing (its
filters, or the plans it put in each state): on the overview their first rows and their
count, on a list's own page in full, a page at a time. A fixed number of queries, and rows
read only for what is shown, whatever the number of members, plans, items or reports."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from registry.access import policy
from registry.access.models import RoleAssignment
from registry.audit.services import audit_events_for
from registry.core.periods import Period, quarter_of
from registry.core.text import fold
from registry.members.models import Member, Membership
from registry.members.selectors import cell_roster, matching_members
from registry.pledges import standing
from registry.pledges.feedback import Feedback
from registry.pledges.models import Plan, PlanItem, ProgressReport, Rating
from registry.units.models import Unit

from . import figures as cell_figures
from . import kept
from .filters import DatedFilter, RatingFilter, RosterFilter
from .models import CellMeeting, RegistrationBook, Supervision, YearRating

LIFE_CYCLE = [
    Plan.Status.DRAFT,
    Plan.Status.SUBMITTED,
    Plan.Status.RETURNED,
    Plan.Status.APPROVED,
    Plan.Status.AMENDING,
]


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


# --- People of the cell ----------------------------------------------------------------------


def cell_people(cell: Unit) -> QuerySet[Member]:
    """Everyone now in the cell, party members or not: the roster."""
    return Member.objects.filter(
        pk__in=standing.current_members().filter(cell=cell).values("member_id")
    )


def cell_party_members(cell: Unit) -> QuerySet[Member]:
    """Party members now in the cell: who attends meetings, is checked and is rated."""
    return cell_people(cell).filter(category=Member.Category.PARTY_MEMBER).order_by("sort_name")


def cell_groups(cell: Unit) -> QuerySet[Unit]:
    return Unit.objects.get_children(cell)


def roster_rows(
    *, cell: Unit, filters: RosterFilter, groups: list[Unit], today: datetime.date
) -> QuerySet[Membership]:
    """The cell's roster as its page and its export show it: the people now in the cell
    (`members.selectors.cell_roster`, searched by name or card) narrowed by `filters`, each
    with `registered` (their plan of this year registered by `today`). One query for a page;
    a party group that is not one of `groups` (the cell's) is no filter."""
    group = next((g for g in groups if g.pk == filters.group), None)
    rows = cell_roster(cell=cell, query=filters.query, group=group)
    party = Q(member__category=Member.Category.PARTY_MEMBER)
    if filters.status == "full":
        rows = rows.filter(party, member__status=Member.Status.FULL)
    elif filters.status == "probationary":
        rows = rows.filter(party, member__status=Member.Status.PROBATIONARY)
    elif filters.status == "others":
        rows = rows.exclude(party)
    if filters.key:
        rows = rows.filter(member__is_key_official=True)
    plans = Plan.objects.filter(year=today.year, member=OuterRef("member_id")).filter(
        standing.registered_q(today)
    )
    rows = rows.annotate(registered=Exists(plans))
    if filters.registered:
        rows = rows.filter(registered=filters.registered == "yes")
    return rows


def current_period_of(*, cell: Unit, member: Member) -> Membership | None:
    return (
        standing.current_members().filter(cell=cell, member=member).select_related("group").first()
    )


# --- Transfers: where a person can be sent -----------------------------------------------------


@dataclass
class Destinations:
    areas: list[Unit]  # where the search may look, narrowest first (`policy.transfer_search_areas`)
    area: Unit | None  # where it looked
    level: int
    query: str
    cells: list[Unit]  # at most `policy.TRANSFER_SEARCH_LIMIT`
    more: bool  # more cells matched than are shown: type more of the name


def _name_matches(folded: str, words: list[str]) -> bool:
    """The roster search's rule: every word whole, the last may be the start of one."""
    names = folded.split()
    return all(
        w in names if i < len(words) - 1 else any(n.startswith(w) for n in names)
        for i, w in enumerate(words)
    )


def transfer_destinations(*, from_cell: Unit, query: str = "", level=0) -> Destinations:
    """Active cells a transfer from `from_cell` may be addressed to, inside one of the areas
    the policy allows (`level` 0: under the cell's parent committee, 1: one level up …),
    matching `query` accent-insensitively. Two queries; names are folded in Python, so the
    widest area (a province) costs one read of its cells' names."""
    areas = policy.transfer_search_areas(from_cell)
    try:
        level = min(max(int(level), 0), len(areas) - 1)
    except (TypeError, ValueError):
        level = 0
    query = (query or "")[:100].strip()
    if not areas:
        return Destinations(areas, None, 0, query, [], False)
    area = areas[level]
    words = fold(query).split()
    candidates = (
        Unit.objects.filter(path__startswith=area.path, kind__is_cell=True, is_active=True)
        .exclude(pk=from_cell.pk)
        .only("id", "name", "path")
        .order_by("path")
    )
    limit = policy.TRANSFER_SEARCH_LIMIT
    found: list[Unit] = []
    for cell in candidates.iterator(chunk_size=2000):
        if not words or _name_matches(fold(cell.name), words):
            found.append(cell)
            if len(found) > limit:
                break
    return Destinations(areas, area, level, query, found[:limit], len(found) > limit)


# --- The overview ----------------------------------------------------------------------------
# Every list behind a figure is shown as its first rows and its count (`Rows`), with a link to
# the full list (`cell_list`, paginated). Lists are read with the columns they show, counted in
# SQL, and filtered through the cell (never over the province); what a notion means is
# `standing`'s business.

OVERVIEW_ROWS = 10  # rows of each list on the overview
LIST_ROWS = 50  # rows per page of a full list


@dataclass
class Rows:
    """The first rows of a list, and how many it holds in all."""

    rows: list
    count: int

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class GroupCoverage:
    group: Unit | None
    total: int = 0
    registered: int = 0

    @property
    def pct(self) -> float | None:
        return percent(self.registered, self.total)


@dataclass
class Dashboard:
    cell: Unit
    period: Period
    today: datetime.date
    as_of: datetime.date
    deadline: datetime.date | None
    attention: bool  # opened on a past quarter that still has missing reports
    f: dict  # the same figures as the review of this cell and period
    groups: list[GroupCoverage]
    group: int | None  # the party group the list of people not registered is filtered by
    not_registered: Rows  # party members (`Membership`, with `has_draft`), of `group` if set
    not_registered_total: int  # party members not registered, whatever their group
    participants_not_registered: Rows
    life_cycle: dict[str, Rows]  # plans now, by status
    reports: dict[str, Rows]  # plans of the quarter, by `standing.ReportState`
    to_review: Rows  # reports waiting to be accepted (with `can_decide`)
    items_by_status: dict[str, Rows]  # items of the quarter, by progress (or not reported)
    breakthrough: Rows
    chart: str
    chart_caption: str
    last_meeting: CellMeeting | None
    meeting_this_month: bool

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def quarter(self) -> int:
        return self.period.quarter

    @property
    def items_total(self) -> int:
        return sum(rows.count for rows in self.items_by_status.values())


def dashboard_quarter(year: int, today: datetime.date) -> int:
    """The last quarter of `year` that has started by `today` (IV for a past year)."""
    if year < today.year:
        return 4
    if year > today.year:
        return 1
    return quarter_of(today)


def _figures(*, cell: Unit, year: int, quarter: int | None, today: datetime.date):
    """The quarter to show (None: the one that needs attention, else the current one), whether
    it was chosen for attention, its standing and the figures (the review's)."""
    latest = dashboard_quarter(year, today)
    # The figures: the cell's kept rows. The lists: the same standing, counted for the quarter.
    quarters = kept.year_of_cells([cell], year, today)[cell.pk]
    attention = False
    if quarter is None:
        flagged = [q for q in kept.quarters_with_missing(quarters) if q < latest]
        attention = bool(flagged)
        quarter = flagged[-1] if flagged else latest
    period = Period(year, quarter)
    f = cell_figures.with_percentages(kept.period_of(quarters, period))
    return period, attention, kept.standing_of(cell, period, today), f


def _first_rows(qs: QuerySet, *, key, order_by: list, n: int) -> dict[str, Rows]:
    """{key value: Rows} with the first `n` rows of each value of `key` (an expression) and how
    many rows each value has: one query, however long the lists."""
    ranked = qs.annotate(
        list_key=key,
        list_rank=Window(RowNumber(), partition_by=[key], order_by=order_by),
        list_total=Window(Count("pk"), partition_by=[key]),
    ).filter(list_rank__lte=n)
    result: dict[str, Rows] = {}
    for row in ranked.order_by("list_key", "list_rank"):
        result.setdefault(row.list_key, Rows([], row.list_total)).rows.append(row)
    return result


def _first(qs: QuerySet, n: int) -> Rows:
    """The first `n` rows of an ordered queryset and how many it holds: one query."""
    rows = list(qs.annotate(list_total=Window(Count("pk")))[:n])
    return Rows(rows, rows[0].list_total if rows else 0)


def not_registered(
    *, cell: Unit, year: int, as_of: datetime.date, party: bool, group: int | None = None
) -> QuerySet[Membership]:
    """People in the cell on `as_of` (party members, or participants who are not) who had not
    registered their plan of the year by then, by name; `has_draft`: a plan not submitted yet."""
    plans = Plan.objects.filter(year=year, member=OuterRef("member_id"))
    people = (
        standing.members_on(as_of)
        .filter(cell=cell)
        .exclude(Exists(plans.filter(standing.registered_q(as_of))))
    )
    is_party = Q(member__category=Member.Category.PARTY_MEMBER)
    people = people.filter(is_party) if party else people.exclude(is_party)
    if group is not None:
        people = people.filter(group_id=group)
    return (
        people.annotate(has_draft=Exists(plans.exclude(standing.registered_q())))
        .select_related("member", "group")
        .only("member", "group", "member__full_name", "group__name")
        .order_by("member__sort_name", "member_id")
    )


PLAN_ORDER = [F("last_submitted_at").asc(nulls_last=True), F("member__sort_name"), F("id")]


def plans_now(*, cell: Unit, year: int, status: str | None = None) -> QuerySet[Plan]:
    """Plans of the year the cell follows up (`policy.followed_up_by`: after a transfer the
    receiving cell follows the plan of that year and later ones), oldest submission first,
    with what the lists show."""
    plans = Plan.objects.filter(year=year, member__in=policy.followed_up_by(cell, year))
    if status is not None:
        plans = plans.filter(status=status)
    return plans.select_related("member", "cell").only(
        "status",
        "cell",
        "member",
        "last_submitted_at",
        "first_approved_at",
        "member__full_name",
        "cell__name",
    )


def with_item_counts(plans: list[Plan]) -> list[Plan]:
    """`n_items` on each plan: one query for all."""
    counts = dict(
        PlanItem.objects.filter(plan__in=plans)
        .values_list("plan_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for plan in plans:
        plan.n_items = counts.get(plan.pk, 0)
    return plans


def reports_to_accept(*, cell: Unit, year: int) -> QuerySet[ProgressReport]:
    """Reports waiting to be accepted, of the plans of the year the cell follows up, oldest
    filing first."""
    return (
        ProgressReport.objects.filter(
            review=ProgressReport.Review.PENDING,
            item__plan__year=year,
            item__plan__member__in=policy.followed_up_by(cell, year),
        )
        .select_related("item__plan__member")
        .only(
            "item",
            "quarter",
            "status",
            "is_late",
            "filed_at",
            "item__plan",
            "item__action",
            "item__plan__member",
            "item__plan__member__full_name",
            "item__plan__member__user_id",
        )
        .order_by("filed_at", "id")
    )


def with_decisions(reports, *, cell: Unit, user) -> list[ProgressReport]:
    """`can_decide` on each report: may `user` accept it (the policy, for the plan that this
    cell follows up)."""
    reports = list(reports)
    for report in reports:
        plan = report.item.plan
        plan.follow_up_cell_cached = cell
        report.can_decide = user is not None and policy.can_decide_on_plan(user, plan)
    return reports


def approved_plans(*, cell: Unit, period: Period, as_of: datetime.date) -> QuerySet[Plan]:
    """The plans a quarter counts in the cell: of the people in it on the quarter's day,
    approved by then."""
    return Plan.objects.filter(
        standing.approved_q(as_of),
        year=period.year,
        member__in=standing.members_on(as_of).filter(cell=cell).values("member_id"),
    )


def items_of_quarter(
    *, cell: Unit, period: Period, as_of: datetime.date, today: datetime.date
) -> QuerySet[PlanItem]:
    """Items that count in the quarter (of the approved plans it counts, approved by its day),
    each with `progress`: its report's status if filed by `today`, else "none"; by member."""
    return (
        PlanItem.objects.filter(
            standing.item_counts_q(as_of),
            plan__in=approved_plans(cell=cell, period=period, as_of=as_of),
        )
        .annotate(
            report=FilteredRelation(
                "reports",
                condition=Q(reports__quarter=period.quarter)
                & standing.filed_by_q(today, "reports__"),
            )
        )
        .annotate(
            progress=Coalesce(F("report__status"), Value(standing.NOT_REPORTED)),
            member_name=F("plan__member__full_name"),
        )
        .only("plan_id", "action", "is_breakthrough")
        .order_by("plan__member__sort_name", "plan_id", "position", "id")
    )


def plans_in_state(*, selected: standing.CompactStanding, states) -> QuerySet[Plan]:
    """The plans of the standing's quarter in one of `states`, by member, each with `state`."""
    ids = {state: selected.plan_ids_in_state(state) for state in states}
    return (
        Plan.objects.filter(pk__any=[pk for group in ids.values() for pk in group])
        .annotate(
            state=Case(
                *[When(pk__any=group, then=Value(state)) for state, group in ids.items() if group],
                output_field=CharField(),
            ),
            member_name=F("member__full_name"),
        )
        .only("id")
        .order_by("member__sort_name", "id")
    )


def cell_stamp(*, cell: Unit, year: int) -> str | None:
    """The stamp under which the cell's pages for `year` are kept (`core.pagecache`): the
    kept figures' (`kept.stamp`), which every event that changes what they show marks."""
    return kept.stamp([cell.pk], year)


def cell_dashboard(
    *,
    cell: Unit,
    year: int,
    quarter: int | None,
    today: datetime.date,
    user=None,
    group: int | None = None,
) -> Dashboard:
    """The overview of one cell for a quarter (None: the quarter that needs attention, else
    the current one): its figures and the first rows of each list behind them. A fixed number
    of queries, and a page whose length does not grow with the cell."""
    period, attention, selected, f = _figures(cell=cell, year=year, quarter=quarter, today=today)
    quarter, as_of, n = period.quarter, selected.as_of, OVERVIEW_ROWS

    # Coverage on the quarter's day, by party group (dated periods), from the standing.
    groups = {g.pk: GroupCoverage(g) for g in cell_groups(cell).only("id", "name", "path")}
    no_group = GroupCoverage(None)
    not_registered_count = {True: 0, False: 0}
    not_registered_total = 0
    for person in selected.people:
        registered = selected.is_registered(person.member_id)
        if person.is_party:
            bucket = groups.get(person.group_id, no_group)
            bucket.total += 1
            bucket.registered += registered
        if not registered and (not person.is_party or group in (None, person.group_id)):
            not_registered_count[person.is_party] += 1
        not_registered_total += person.is_party and not registered
    people = {
        party: Rows(
            list(not_registered(cell=cell, year=year, as_of=as_of, party=party, group=group)[:n])
            if not_registered_count[party]
            else [],
            not_registered_count[party],
        )
        for party in (True, False)
    }

    # What waits to be done now: plans of the members in the cell today, their reports to
    # accept.
    life_cycle = _first_rows(
        plans_now(cell=cell, year=year), key=F("status"), order_by=PLAN_ORDER, n=n
    )
    life_cycle = {status: life_cycle.get(status, Rows([], 0)) for status in LIFE_CYCLE}
    with_item_counts(life_cycle[Plan.Status.SUBMITTED].rows)
    to_review = _first(reports_to_accept(cell=cell, year=year), n)
    with_decisions(to_review.rows, cell=cell, user=user)

    # The quarter's lists, from the same standing as the figures.
    reports = _first_rows(
        plans_in_state(selected=selected, states=standing.ReportState.ORDER),
        key=F("state"),
        order_by=[F("member__sort_name"), F("id")],
        n=n,
    )
    items = items_of_quarter(cell=cell, period=period, as_of=as_of, today=today)
    by_status = _first_rows(
        items,
        key=F("progress"),
        order_by=[F("plan__member__sort_name"), F("plan_id"), F("position"), F("id")],
        n=n,
    )

    last_meeting = (
        CellMeeting.objects.filter(cell=cell).select_related("chair").only("date", "chair").first()
    )
    return Dashboard(
        cell=cell,
        period=period,
        today=today,
        as_of=as_of,
        deadline=selected.deadline,
        attention=attention,
        f=f,
        groups=[*groups.values(), *([no_group] if no_group.total else [])],
        group=group,
        not_registered=people[True],
        not_registered_total=not_registered_total,
        participants_not_registered=people[False],
        life_cycle=life_cycle,
        reports={state: reports.get(state, Rows([], 0)) for state in standing.ReportState.ORDER},
        to_review=to_review,
        items_by_status={
            status: by_status.get(status, Rows([], 0))
            for status in [*standing.REPORT_STATUSES, standing.NOT_REPORTED]
        },
        breakthrough=_first(items.filter(is_breakthrough=True), n),
        chart=cell_figures.progress_chart(f["by_quarter"], last_quarter=quarter),
        chart_caption=cell_figures.chart_caption(as_of=as_of),
        last_meeting=last_meeting,
        meeting_this_month=bool(
            last_meeting
            and (last_meeting.date.year, last_meeting.date.month) == (today.year, today.month)
        ),
    )


# --- One list of the overview, in full -------------------------------------------------------

PEOPLE_LISTS = {"not-registered": True, "participants-not-registered": False}
PLAN_LISTS = {f"plans-{status}": status for status in LIFE_CYCLE}
REPORT_LISTS = {f"reports-{state}": state for state in standing.ReportState.ORDER}
ITEM_LISTS = {
    f"items-{status}": status for status in [*standing.REPORT_STATUSES, standing.NOT_REPORTED]
}
LISTS = [
    *PEOPLE_LISTS,
    *PLAN_LISTS,
    *REPORT_LISTS,
    "to-review",
    *ITEM_LISTS,
    "breakthrough",
]


# Where each kind of list names its person, for the search by name.
MEMBER_OF = {
    "people": "member",
    "plans": "member",
    "reports": "member",
    "to-review": "item__plan__member",
    "items": "plan__member",
}


@dataclass
class CellList:
    what: str
    kind: str  # which rows: "people", "plans", "reports", "to-review", "items"
    key: str  # the status or state the list holds, if any
    period: Period
    as_of: datetime.date
    deadline: datetime.date | None
    page: Page

    @property
    def year(self) -> int:
        return self.period.year


def cell_list(
    *,
    cell: Unit,
    what: str,
    year: int,
    quarter: int | None,
    today: datetime.date,
    page=1,
    user=None,
    group: int | None = None,
    query: str = "",
) -> CellList | None:
    """One list of the overview in full, a page at a time (None: no such list), of the people
    whose name matches `query` (accents ignored) if given. The quarter's lists are those of
    `quarter` (the current one if None), read as the overview reads them."""
    period = Period(year, quarter or dashboard_quarter(year, today))
    as_of = standing.quarter_day(period, today)
    deadline = None
    key = ""
    if what in PEOPLE_LISTS:
        kind = "people"
        rows = not_registered(
            cell=cell, year=year, as_of=as_of, party=PEOPLE_LISTS[what], group=group
        )
    elif what in PLAN_LISTS:
        kind, key = "plans", PLAN_LISTS[what]
        rows = plans_now(cell=cell, year=year, status=key).order_by(*PLAN_ORDER)
    elif what in REPORT_LISTS:
        kind, key = "reports", REPORT_LISTS[what]
        kept.fresh(Unit.objects.filter(pk=cell.pk), year)
        selected = kept.standing_of(cell, period, today)
        deadline = selected.deadline
        rows = plans_in_state(selected=selected, states=[key])
    elif what == "to-review":
        kind = "to-review"
        rows = reports_to_accept(cell=cell, year=year)
    elif what in ITEM_LISTS:
        kind, key = "items", ITEM_LISTS[what]
        rows = items_of_quarter(cell=cell, period=period, as_of=as_of, today=today).filter(
            progress=key
        )
    elif what == "breakthrough":
        kind = "items"
        rows = items_of_quarter(cell=cell, period=period, as_of=as_of, today=today).filter(
            is_breakthrough=True
        )
    else:
        return None
    if query:
        rows = rows.filter(**{f"{MEMBER_OF[kind]}__in": matching_members(query).values("pk")})
    shown = Paginator(rows, LIST_ROWS).get_page(page)
    shown.object_list = list(shown.object_list)
    if kind == "to-review":
        with_decisions(shown.object_list, cell=cell, user=user)
    elif key == Plan.Status.SUBMITTED:
        with_item_counts(shown.object_list)
    return CellList(
        what=what, kind=kind, key=key, period=period, as_of=as_of, deadline=deadline, page=shown
    )


# --- Other pages of the cell -----------------------------------------------------------------


RATING_ROWS = 30  # people per page of the ratings


@dataclass
class RatingsPage:
    page: Page  # of (member, plan, rating) for the people the filters select
    distribution: dict[str, int]  # the cell's ratings of the year by level, whatever the filters
    groups: list[Unit]
    group: Unit | None


def rating_rows(*, cell: Unit, year: int, filters: RatingFilter, groups: list[Unit]):
    """Party members now in the cell, by name, narrowed by `filters` (a search, a party
    group, rated or not for `year`, a level): one query however many there are."""
    group = next((g for g in groups if g.pk == filters.group), None)
    rows = Membership.objects.current().filter(
        cell=cell, member__category=Member.Category.PARTY_MEMBER
    )
    if group is not None:
        rows = rows.filter(group=group)
    if filters.query:
        rows = rows.filter(member__in=matching_members(filters.query).values("pk"))
    rated = YearRating.objects.filter(year=year, member=OuterRef("member_id"))
    if filters.level:
        rows = rows.filter(Exists(rated.filter(level=filters.level)))
    elif filters.rated:
        rows = rows.filter(Exists(rated)) if filters.rated == "yes" else rows.exclude(Exists(rated))
    return rows.select_related("member").order_by("member__sort_name", "member_id")


def with_plan_and_rating(memberships, *, year: int) -> list[tuple]:
    """(member, plan of `year`, the cell's rating of `year`) for each: two queries for all."""
    members = [m.member for m in memberships]
    plans = {p.member_id: p for p in Plan.objects.filter(year=year, member__in=members)}
    rated = {
        r.member_id: r
        for r in YearRating.objects.filter(year=year, member__in=members).select_related(
            "rated_by", "decided_unit", "cell__kind"
        )
    }
    return [(m, plans.get(m.pk), rated.get(m.pk)) for m in members]


def ratings_page(
    *, cell: Unit, year: int, filters: RatingFilter | None = None, page=1
) -> RatingsPage:
    """The ratings page: a page of the party members the filters select, each with their plan
    and the cell's rating for the year, and the distribution of the cell's ratings. A fixed
    number of queries, whatever the size of the cell."""
    filters = filters or RatingFilter()
    groups = list(cell_groups(cell).only("id", "name", "path"))
    shown = Paginator(
        rating_rows(cell=cell, year=year, filters=filters, groups=groups), RATING_ROWS
    ).get_page(page)
    shown.object_list = with_plan_and_rating(shown.object_list, year=year)
    counted = (
        YearRating.objects.filter(
            year=year,
            member__in=Membership.objects.current()
            .filter(cell=cell, member__category=Member.Category.PARTY_MEMBER)
            .values("member_id"),
        )
        .values_list("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    distribution = {level: 0 for level in Rating.values}
    distribution.update(dict(counted))
    return RatingsPage(
        page=shown,
        distribution=distribution,
        groups=groups,
        group=next((g for g in groups if g.pk == filters.group), None),
    )


def ratings_to_decide(*, cell: Unit, year: int) -> list[YearRating]:
    """The ratings `cell` proposed for `year`, with the member and who proposed and decided
    them, by name (one query): what its grassroots committee decides on."""
    return list(
        YearRating.objects.filter(cell=cell, year=year)
        .select_related("member", "rated_by", "decided_by", "decided_unit", "cell__kind")
        .order_by("member__sort_name", "pk")
    )


@dataclass(frozen=True)
class CellToDecide:
    cell: Unit
    proposed: int
    decided: int

    @property
    def waiting(self) -> int:
        return self.proposed - self.decided


def cells_to_decide(*, committee: Unit, year: int) -> list[CellToDecide]:
    """The cells whose ratings `committee` decides (`policy.cells_rated_by`), in tree order,
    with how many ratings each proposed for `year` and how many of them are decided (three
    queries)."""
    cells = list(policy.cells_rated_by(committee).order_by("path").only("id", "name", "path"))
    counted = {
        row["cell_id"]: row
        for row in YearRating.objects.filter(cell__in=cells, year=year)
        .values("cell_id")
        .annotate(
            proposed=Count("id"),
            decided=Count("id", filter=Q(decided_version=F("version")) & ~Q(decided_level="")),
        )
        .order_by()
    }
    return [
        CellToDecide(
            cell=c,
            proposed=counted.get(c.pk, {}).get("proposed", 0),
            decided=counted.get(c.pk, {}).get("decided", 0),
        )
        for c in cells
    ]


def rating_of(*, member: Member, year: int) -> YearRating | None:
    return YearRating.objects.filter(member=member, year=year).select_related("rated_by").first()


def plan_of(*, member: Member, year: int) -> Plan | None:
    return Plan.objects.filter(member=member, year=year).first()


def rating_history(*, member: Member, year: int) -> list:
    return [
        (e, Rating(e.data["level"]).label)
        for e in audit_events_for(member).filter(action="rating.set")[:50]
        if e.data.get("year") == year
    ]


DATED_ROWS = 20  # meetings or checks per page


def meetings_of(cell: Unit, filters: DatedFilter | None = None) -> QuerySet[CellMeeting]:
    """The cell's meetings, latest first, of the year the filters name (else of every year),
    with their chair, recorder and attendees (three queries for a page)."""
    rows = CellMeeting.objects.filter(cell=cell)
    if filters and filters.year:
        rows = rows.filter(date__year=filters.year)
    return rows.select_related("chair", "minute_taker", "recorded_by").prefetch_related("attendees")


def meeting_years(cell: Unit) -> list[int]:
    """The years in which the cell recorded a meeting, latest first."""
    return sorted(
        {d.year for d in CellMeeting.objects.filter(cell=cell).dates("date", "year")},
        reverse=True,
    )


def absentees_named(meetings) -> dict[str, str]:
    """{member id as kept in `absence_reasons`: full name} for every member whose absence the
    meetings give a reason for. One query."""
    ids = {int(pk) for m in meetings for pk in (m.absence_reasons or {}) if str(pk).isdigit()}
    if not ids:
        return {}
    return {
        str(pk): name
        for pk, name in Member.objects.filter(pk__in=ids).values_list("pk", "full_name")
    }


def meeting_choices(*, cell: Unit, today: datetime.date):
    """What a meeting can review: plans of the members now in the cell (this year and last),
    and their reports filed in the last twelve months (so a January meeting can review last
    year's fourth quarter), newest first."""
    members = standing.current_members().filter(cell=cell).values("member_id")
    plans = (
        Plan.objects.filter(member__in=members, year__in=[today.year - 1, today.year])
        .select_related("member")
        .order_by("-year", "member__sort_name")
    )
    since = today - datetime.timedelta(days=366)
    reports = (
        ProgressReport.objects.filter(item__plan__member__in=members, filed_at__date__gte=since)
        .select_related("item__plan__member")
        .order_by("-filed_at")
    )
    return plans, reports


def checks_of(cell: Unit, filters: DatedFilter | None = None) -> QuerySet[Supervision]:
    """The cell's checks and supervisions, latest first, of the year and kind the filters
    name (else all), with the member and the recorder (one query for a page)."""
    rows = Supervision.objects.filter(cell=cell)
    if filters and filters.year:
        rows = rows.filter(date__year=filters.year)
    if filters and filters.kind:
        rows = rows.filter(kind=filters.kind)
    return rows.select_related("member", "recorded_by")


def dated_page(rows: QuerySet, page) -> Page:
    """A page of meetings or checks (`DATED_ROWS`), read once."""
    shown = Paginator(rows, DATED_ROWS).get_page(page)
    shown.object_list = list(shown.object_list)
    return shown


def plans_of_cell(*, cell: Unit, ids) -> list[Plan]:
    """Plans among `ids` whose members are now in the cell (what its leaders may act on)."""
    members = standing.current_members().filter(cell=cell).values("member_id")
    return list(
        Plan.objects.filter(pk__in=ids, member__in=members)
        .select_related("member", "cell")
        .order_by("member__sort_name", "id")
    )


# --- Printed registers -------------------------------------------------------------------------
# What the cell's printed registers list (`cells.pdf`), each read with a fixed number of
# queries whatever the size of the cell.


@dataclass
class RosterGroup:
    group: Unit | None  # None: members in no party group
    rows: list[Membership]


def roster_register(cell: Unit) -> list[RosterGroup]:
    """The party members now in the cell (danh sách đảng viên), by party group (in the
    order of the groups, those in none last), by name within a group. One query."""
    rows = (
        Membership.objects.current()
        .filter(cell=cell, member__category=Member.Category.PARTY_MEMBER)
        .select_related("member", "group")
        .order_by(F("group__path").asc(nulls_last=True), "member__sort_name", "member_id")
    )
    groups: list[RosterGroup] = []
    for row in rows:
        if not groups or groups[-1].group != row.group:
            groups.append(RosterGroup(row.group, []))
        groups[-1].rows.append(row)
    return groups


def cell_role_titles(cell: Unit) -> dict[int, str]:
    """The cell office each person holds, by member id, as printed (Bí thư chi bộ, Phó Bí thư
    chi bộ, Chi ủy viên); the highest if several. One query."""
    titles = {
        RoleAssignment.Role.SECRETARY: "Bí thư chi bộ",
        RoleAssignment.Role.DEPUTY_SECRETARY: "Phó Bí thư chi bộ",
        RoleAssignment.Role.COMMITTEE_MEMBER: "Chi ủy viên",
    }
    order = list(titles)
    held: dict[int, str] = {}
    roles = (
        RoleAssignment.objects.filter(unit=cell, role__in=order, user__member__isnull=False)
        .values_list("user__member__id", "role")
        .order_by("user__member__id")
    )
    for member_id, role in sorted(roles, key=lambda r: order.index(r[1])):
        held.setdefault(member_id, titles[role])
    return held


@dataclass
class Minutes:
    meeting: CellMeeting
    total: int  # party members of the cell on the day of the meeting
    present: list[Member]
    absent: list[tuple[Member, str]]  # with the reason recorded, if any
    plans: list[Plan]
    reports: list[ProgressReport]


def meeting_minutes(*, cell: Unit, pk) -> Minutes | None:
    """A meeting of the cell with what its minutes print; None if the cell has no such
    meeting. Five queries."""
    meeting = (
        CellMeeting.objects.filter(cell=cell, pk=pk)
        .select_related("chair", "minute_taker")
        .prefetch_related("attendees")
        .first()
    )
    if meeting is None:
        return None
    present = sorted(meeting.attendees.all(), key=lambda m: (m.sort_name, m.pk))
    on_the_day = Member.objects.filter(
        category=Member.Category.PARTY_MEMBER,
        pk__in=standing.members_on(meeting.date).filter(cell=cell).values("member_id"),
    ).order_by("sort_name", "pk")
    present_ids = {m.pk for m in present}
    reasons = meeting.absence_reasons or {}
    absent = [(m, reasons.get(str(m.pk), "")) for m in on_the_day if m.pk not in present_ids]
    plans = list(
        meeting.plans_reviewed.select_related("member").order_by("member__sort_name", "pk")
    )
    reports = list(
        meeting.reports_reviewed.select_related("item__plan__member").order_by(
            "item__plan__member__sort_name", "quarter", "pk"
        )
    )
    return Minutes(
        meeting=meeting,
        total=len(present) + len(absent),
        present=present,
        absent=absent,
        plans=plans,
        reports=reports,
    )


def checks_register(*, cell: Unit, year: int) -> list[Supervision]:
    """The cell's checks and supervision of a year, by date (danh sách kiểm tra, giám sát).
    One query."""
    return list(
        Supervision.objects.filter(cell=cell, date__year=year)
        .select_related("member")
        .order_by("date", "id")
    )


def checks_years(cell: Unit) -> list[int]:
    """The years in which the cell recorded a check or supervision, latest first."""
    return sorted(
        {d.year for d in Supervision.objects.filter(cell=cell).dates("date", "year")},
        reverse=True,
    )


def book_plans(*, cell: Unit, year: int) -> QuerySet[Plan]:
    """The plans of `year` the cell follows up (`policy.followed_up_by`), by name, with what
    the plan document prints: the book of registrations prints one after another."""
    items = PlanItem.objects.order_by("position", "id").select_related("indicator")
    return (
        Plan.objects.filter(year=year, member__in=policy.followed_up_by(cell, year))
        .select_related("member", "cell", "cell__kind", "approved_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("member__sort_name", "member_id")
    )


def book_unregistered(*, cell: Unit, year: int) -> list[Member]:
    """The people the cell follows up for `year` who have no plan of that year."""
    return list(
        Member.objects.filter(pk__in=policy.followed_up_by(cell, year))
        .exclude(plans__year=year)
        .only("full_name", "sort_name")
        .order_by("sort_name", "pk")
    )


def registration_books(*, cell: Unit) -> list[RegistrationBook]:
    return list(RegistrationBook.objects.filter(cell=cell).order_by("-requested_at", "-id")[:20])


def registration_book_visible_to(user, pk) -> RegistrationBook | None:
    return (
        RegistrationBook.objects.filter(policy.registration_book_visibility(user))
        .select_related("cell__kind")
        .filter(pk=pk)
        .first()
    )


def member_feedback(*, user, member: Member, year: int):
    """The cell's rating of `member` for `year` and the year's checks and supervision about
    them, as far as `user` may read them (`policy.member_record_visibility`): two queries.
    Shown to the member on "my plan" and printed with their self-assessment."""
    visible = policy.member_record_visibility(user)
    rating = (
        YearRating.objects.filter(visible, member=member, year=year)
        .select_related("rated_by", "cell__kind", "decided_unit")
        .first()
    )
    checks = list(
        Supervision.objects.filter(visible, member=member, date__year=year)
        .select_related("recorded_by", "cell")
        .order_by("-date", "-id")
    )
    return Feedback(rating=rating, checks=checks)
