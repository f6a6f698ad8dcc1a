"""The cell dashboard: every figure for one cell, one year and one quarter, computed from a
fixed number of queries (whatever the number of members, plans, items or reports)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from registry.core.charts import Series, stacked_bars
from registry.members.models import Member, Membership
from registry.pledges.models import Plan, PlanItem, ProgressReport, Rating
from registry.pledges.selectors import ROMAN, with_content
from registry.programmes.selectors import programme_for
from registry.units.models import Unit

from .models import CellMeeting, Supervision, YearRating

REPORT_STATUSES = [s for s, _label in ProgressReport.Status.choices]


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@dataclass
class GroupCoverage:
    group: Unit | None
    total: int = 0
    registered: int = 0

    @property
    def pct(self) -> float | None:
        return percent(self.registered, self.total)


@dataclass
class QuarterFigures:
    quarter: int
    deadline: datetime.date | None
    on_time: list[Plan] = field(default_factory=list)
    late: list[Plan] = field(default_factory=list)
    missing: list[Plan] = field(default_factory=list)
    due: list[Plan] = field(default_factory=list)
    to_review: list[ProgressReport] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ROMAN[self.quarter]


@dataclass
class Dashboard:
    cell: Unit
    year: int
    quarter: int
    today: datetime.date
    party_total: int
    party_registered: int
    participants_total: int
    participants_registered: int
    groups: list[GroupCoverage]
    not_registered: list[Membership]
    participants_not_registered: list[Membership]
    drafts: set[int]
    waiting: list[Plan]
    returned: list[Plan]
    amending: list[Plan]
    approved: list[Plan]
    figures: QuarterFigures
    items_by_status: dict[str, list[PlanItem]]
    breakthrough: list[PlanItem]
    chart: str
    last_meeting: CellMeeting | None
    meeting_this_month: bool
    checks: int
    supervisions: int
    ratings: dict[str, int]

    @property
    def party_pct(self) -> float | None:
        return percent(self.party_registered, self.party_total)

    @property
    def items_total(self) -> int:
        return sum(len(v) for v in self.items_by_status.values())


def _latest_status(item: PlanItem, quarter: int) -> str:
    reports = [r for r in item.reports.all() if r.quarter <= quarter]
    return max(reports, key=lambda r: r.quarter).status if reports else "none"


def cell_dashboard(*, cell: Unit, year: int, quarter: int, today: datetime.date) -> Dashboard:
    memberships = list(
        Membership.objects.filter(cell=cell, end_date__isnull=True)
        .select_related("member", "group")
        .order_by("member__sort_name", "member_id")
    )
    member_ids = [m.member_id for m in memberships]
    submitted = set(
        Plan.objects.filter(
            member_id__in=member_ids, year=year, submitted_at__isnull=False
        ).values_list("member_id", flat=True)
    )
    drafts = set(
        Plan.objects.filter(
            member_id__in=member_ids, year=year, submitted_at__isnull=True
        ).values_list("member_id", flat=True)
    )
    plans = list(
        with_content(Plan.objects.filter(cell=cell, year=year)).order_by("submitted_at", "id")
    )
    groups = {
        g.pk: GroupCoverage(g) for g in Unit.objects.get_children(cell).select_related("kind")
    }
    no_group = GroupCoverage(None)
    party_total = party_registered = part_total = part_registered = 0
    for m in memberships:
        registered = m.member_id in submitted
        if m.member.category == Member.Category.PARTY_MEMBER:
            party_total += 1
            party_registered += registered
            bucket = groups.get(m.group_id, no_group)
            bucket.total += 1
            bucket.registered += registered
        else:
            part_total += 1
            part_registered += registered
    group_rows = list(groups.values()) + ([no_group] if no_group.total else [])

    programme = programme_for(unit=cell, year=year)
    deadline = programme.quarter_deadlines[quarter - 1]
    figures = QuarterFigures(quarter=quarter, deadline=deadline)
    items_by_status: dict[str, list[PlanItem]] = {s: [] for s in [*REPORT_STATUSES, "none"]}
    breakthrough = []
    chart_counts = {q: Counter() for q in (1, 2, 3, 4)}
    approved = [p for p in plans if p.approved_at is not None]
    present = set(member_ids)
    for plan in approved:
        if plan.member_id not in present:
            continue  # the member has moved to another cell: followed up there
        items = list(plan.items.all())
        if not items:
            continue
        in_quarter = [
            next((r for r in i.reports.all() if r.quarter == quarter), None) for i in items
        ]
        if all(in_quarter):
            (figures.late if any(r.is_late for r in in_quarter) else figures.on_time).append(plan)
        elif deadline and today > deadline:
            figures.missing.append(plan)
        else:
            figures.due.append(plan)
        for item in items:
            item.plan_cached = plan
            items_by_status[_latest_status(item, quarter)].append(item)
            if item.is_breakthrough:
                breakthrough.append(item)
            for r in item.reports.all():
                chart_counts[r.quarter][r.status] += 1
                if r.review == ProgressReport.Review.PENDING:
                    r.item_cached = item
                    figures.to_review.append(r)
            for q in (1, 2, 3, 4):
                started = today >= datetime.date(year, 3 * q - 2, 1)
                if started and not any(r.quarter == q for r in item.reports.all()):
                    chart_counts[q]["none"] += 1
    figures.to_review.sort(key=lambda r: r.filed_at)

    colors = {
        "done": "#1e7b34",
        "in_progress": "#3b78c4",
        "not_started": "#b0b0b0",
        "not_done": "#b3261e",
        "none": "#f2c230",
    }
    labels = dict(ProgressReport.Status.choices) | {"none": _("Not reported")}
    chart = stacked_bars(
        categories=[_("Quarter %(q)s") % {"q": ROMAN[q]} for q in (1, 2, 3, 4)],
        series=[
            Series(str(labels[s]), colors[s], [chart_counts[q][s] for q in (1, 2, 3, 4)])
            for s in [*REPORT_STATUSES, "none"]
        ],
        title=_("Progress of the items, quarter by quarter"),
    )

    last_meeting = CellMeeting.objects.filter(cell=cell).select_related("chair").first()
    kinds = dict(
        Supervision.objects.filter(cell=cell, date__year=year)
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    ratings = dict(
        YearRating.objects.filter(cell=cell, year=year).values_list("level").annotate(n=Count("id"))
    )
    return Dashboard(
        cell=cell,
        year=year,
        quarter=quarter,
        today=today,
        party_total=party_total,
        party_registered=party_registered,
        participants_total=part_total,
        participants_registered=part_registered,
        groups=group_rows,
        not_registered=[
            m
            for m in memberships
            if m.member_id not in submitted and m.member.category == Member.Category.PARTY_MEMBER
        ],
        participants_not_registered=[
            m
            for m in memberships
            if m.member_id not in submitted and m.member.category != Member.Category.PARTY_MEMBER
        ],
        drafts=drafts,
        waiting=[p for p in plans if p.status == Plan.Status.SUBMITTED],
        returned=[p for p in plans if p.status == Plan.Status.RETURNED],
        amending=[p for p in plans if p.status == Plan.Status.AMENDING],
        approved=approved,
        figures=figures,
        items_by_status=items_by_status,
        breakthrough=breakthrough,
        chart=chart,
        last_meeting=last_meeting,
        meeting_this_month=bool(
            last_meeting
            and (last_meeting.date.year, last_meeting.date.month) == (today.year, today.month)
        ),
        checks=kinds.get(Supervision.Kind.CHECK, 0),
        supervisions=kinds.get(Supervision.Kind.SUPERVISION, 0),
        ratings={level: ratings.get(level, 0) for level in Rating.values},
    )
