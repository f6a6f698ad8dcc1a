"""Reads for the cell's pages. The overview's figures are the review's figures (`figures`,
from `pledges.standing`); the lists behind them are read from the same standing. A fixed
number of queries, whatever the number of members, plans, items or reports."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet

from registry.access import policy
from registry.audit.services import audit_events_for
from registry.core.periods import Period, quarter_of
from registry.members.models import Member, Membership
from registry.pledges import standing
from registry.pledges.models import Plan, PlanItem, ProgressReport, Rating
from registry.pledges.selectors import with_content
from registry.units.models import Unit

from . import figures as cell_figures
from . import kept
from .models import CellMeeting, Supervision, YearRating

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


def current_period_of(*, cell: Unit, member: Member) -> Membership | None:
    return (
        standing.current_members().filter(cell=cell, member=member).select_related("group").first()
    )


# --- The overview ----------------------------------------------------------------------------


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
    not_registered: list[Membership]
    participants_not_registered: list[Membership]
    drafts: set[int]
    life_cycle: dict[str, list[Plan]]
    reports: dict[str, list[Plan]]  # by `standing.ReportState`
    to_review: list[ProgressReport]
    items_by_status: dict[str, list[PlanItem]]
    breakthrough: list[PlanItem]
    chart: str
    chart_caption: str
    last_meeting: CellMeeting | None
    meeting_this_month: bool
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def quarter(self) -> int:
        return self.period.quarter

    @property
    def items_total(self) -> int:
        return sum(len(v) for v in self.items_by_status.values())


def dashboard_quarter(year: int, today: datetime.date) -> int:
    """The last quarter of `year` that has started by `today` (IV for a past year)."""
    if year < today.year:
        return 4
    if year > today.year:
        return 1
    return quarter_of(today)


def cell_dashboard(
    *, cell: Unit, year: int, quarter: int | None, today: datetime.date, user=None
) -> Dashboard:
    """The overview of one cell for a quarter (None: the quarter that needs attention, else
    the current one)."""
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
    selected = standing.standing_of_cells(cells=[cell], period=period, on=today)[cell.pk]

    # Coverage on the quarter's day, by party group (dated periods).
    periods = list(
        standing.members_on(selected.as_of)
        .filter(cell=cell)
        .select_related("member", "group")
        .order_by("member__sort_name", "member_id")
    )
    groups = {
        g.pk: GroupCoverage(g) for g in Unit.objects.get_children(cell).select_related("kind")
    }
    no_group = GroupCoverage(None)
    for m in periods:
        if not m.member.is_party_member:
            continue
        bucket = groups.get(m.group_id, no_group)
        bucket.total += 1
        bucket.registered += selected.is_registered(m.member_id)
    not_registered = [m for m in periods if not selected.is_registered(m.member_id)]

    # What waits to be done now: plans of the members in the cell today (after a transfer the
    # receiving cell follows the plan up), and their reports to accept.
    now_plans = list(
        with_content(
            Plan.objects.filter(
                year=year,
                member__in=standing.current_members().filter(cell=cell).values("member_id"),
            )
        ).order_by(F("last_submitted_at").asc(nulls_last=True), "member__sort_name", "id")
    )
    for plan in now_plans:
        plan.follow_up_cell_cached = cell
    life_cycle = {status: [p for p in now_plans if p.status == status] for status in LIFE_CYCLE}
    to_review = []
    for plan in now_plans:
        for item in plan.items.all():
            item.plan_cached = plan
            for r in item.reports.all():
                if r.review == ProgressReport.Review.PENDING:
                    r.item_cached = item
                    r.can_decide = user is not None and policy.can_decide_on_plan(user, plan)
                    to_review.append(r)
    to_review.sort(key=lambda r: r.filed_at)

    # The quarter's lists, from the same standing as the figures.
    # Mostly the plans of today's members, already loaded; those of members who have left
    # since the quarter's day are read once more.
    counted_plan_ids = {p.id for p in selected.approved_plans()}
    period_plans = {p.pk: p for p in now_plans if p.pk in counted_plan_ids}
    missing = counted_plan_ids - set(period_plans)
    if missing:
        period_plans.update((p.pk, p) for p in with_content(Plan.objects.filter(pk__in=missing)))
    reports = {
        state: [period_plans[p.id] for p in selected.plans_in_state(state) if p.id in period_plans]
        for state in standing.ReportState.ORDER
    }
    for plans in reports.values():
        plans.sort(key=lambda p: p.member.sort_name)
    items_by_status: dict[str, list[PlanItem]] = {
        s: [] for s in [*standing.REPORT_STATUSES, standing.NOT_REPORTED]
    }
    breakthrough = []
    for plan in sorted(period_plans.values(), key=lambda p: (p.member.sort_name, p.pk)):
        for item in plan.items.all():
            if not standing.counts_on(item.approved_at, selected.as_of):
                continue
            item.plan_cached = plan
            report = next((r for r in item.reports.all() if r.quarter == quarter), None)
            filed = report is not None and standing.filed_by(report, today)
            items_by_status[report.status if filed else standing.NOT_REPORTED].append(item)
            if item.is_breakthrough:
                breakthrough.append(item)

    last_meeting = CellMeeting.objects.filter(cell=cell).select_related("chair").first()
    ratings = dict(
        YearRating.objects.filter(cell=cell, year=year).values_list("level").annotate(n=Count("id"))
    )
    return Dashboard(
        cell=cell,
        period=period,
        today=today,
        as_of=selected.as_of,
        deadline=selected.deadline,
        attention=attention,
        f=f,
        groups=[*groups.values(), *([no_group] if no_group.total else [])],
        not_registered=[m for m in not_registered if m.member.is_party_member],
        participants_not_registered=[m for m in not_registered if not m.member.is_party_member],
        drafts={p.member_id for p in now_plans if p.submitted_at is None},
        life_cycle=life_cycle,
        reports=reports,
        to_review=to_review,
        items_by_status=items_by_status,
        breakthrough=breakthrough,
        chart=cell_figures.progress_chart(f["by_quarter"], last_quarter=quarter),
        chart_caption=cell_figures.chart_caption(as_of=selected.as_of),
        last_meeting=last_meeting,
        meeting_this_month=bool(
            last_meeting
            and (last_meeting.date.year, last_meeting.date.month) == (today.year, today.month)
        ),
        ratings={level: ratings.get(level, 0) for level in Rating.values},
    )


# --- Other pages of the cell -----------------------------------------------------------------


def ratings_page(*, cell: Unit, year: int):
    """Party members now in the cell, with their plan and the cell's rating for the year."""
    members = list(cell_party_members(cell))
    plans = {p.member_id: p for p in Plan.objects.filter(year=year, member__in=members)}
    rated = {
        r.member_id: r
        for r in YearRating.objects.filter(year=year, member__in=members).select_related("rated_by")
    }
    rows = [(m, plans.get(m.pk), rated.get(m.pk)) for m in members]
    distribution = {level: 0 for level in Rating.values}
    for rating in rated.values():
        distribution[rating.level] += 1
    return rows, distribution


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


def meetings_of(cell: Unit):
    return (
        CellMeeting.objects.filter(cell=cell)
        .select_related("chair", "recorded_by")
        .prefetch_related("attendees")[:50]
    )


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


def checks_of(cell: Unit):
    return Supervision.objects.filter(cell=cell).select_related("member", "recorded_by")[:100]


def plans_of_cell(*, cell: Unit, ids) -> list[Plan]:
    """Plans among `ids` whose members are now in the cell (what its leaders may act on)."""
    members = standing.current_members().filter(cell=cell).values("member_id")
    return list(
        Plan.objects.filter(pk__in=ids, member__in=members).select_related("member", "cell")
    )
