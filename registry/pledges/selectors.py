"""Read-side queries for plans. Each runs a fixed number of SQL queries whatever the number
of items, reports, files or members."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from registry.programmes.selectors import EffectiveProgramme

from .models import (
    ROMAN,
    Evidence,
    Plan,
    PlanComment,
    PlanItem,
    PlanSnapshot,
    PlanTransition,
    ProgressReport,
)

QUARTERS = (1, 2, 3, 4)


def with_content(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Items (with standards, reports and their files) in one go: five queries in all."""
    reports = ProgressReport.objects.select_related("reviewed_by").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id"))
    )
    items = PlanItem.objects.order_by("position", "id").prefetch_related(
        "standards", Prefetch("reports", queryset=reports)
    )
    return plans.select_related("member", "cell", "cell__kind", "approved_by").prefetch_related(
        Prefetch("items", queryset=items)
    )


def plan_full(*, plans: QuerySet[Plan], pk) -> Plan:
    return (
        with_content(plans)
        .prefetch_related(
            Prefetch("transitions", queryset=PlanTransition.objects.select_related("by")),
            Prefetch("comments", queryset=PlanComment.objects.select_related("author", "item")),
            "snapshots",
        )
        .get(pk=pk)
    )


@dataclass
class QuarterCell:
    quarter: int
    report: ProgressReport | None
    is_open: bool

    @property
    def label(self) -> str:
        return ROMAN[self.quarter]


@dataclass
class ItemRow:
    item: PlanItem
    by_quarter: dict[int, ProgressReport | None]
    cells: list[QuarterCell]


def progress_rows(plan: Plan, today: datetime.date | None = None) -> list[ItemRow]:
    """Items with their report for each quarter (and whether the quarter has started, when
    `today` is given). Uses the prefetched items and reports; no query."""
    rows = []
    for item in plan.items.all():
        reports = {r.quarter: r for r in item.reports.all()}
        by_quarter = {q: reports.get(q) for q in QUARTERS}
        cells = [
            QuarterCell(
                q, by_quarter[q], bool(today and today >= datetime.date(plan.year, 3 * q - 2, 1))
            )
            for q in QUARTERS
        ]
        rows.append(ItemRow(item=item, by_quarter=by_quarter, cells=cells))
    return rows


@dataclass
class NextDue:
    text: str
    date: datetime.date | None = None
    overdue: bool = False


def next_due(
    plan: Plan | None, programme: EffectiveProgramme, today: datetime.date
) -> NextDue | None:
    """The one thing the member should do next, for the "my plan" page. No query."""
    closes = programme.registration_closes
    if plan is None:
        return NextDue(_("Register your plan"), closes, bool(closes and today > closes))
    if plan.status in (Plan.Status.DRAFT, Plan.Status.RETURNED, Plan.Status.AMENDING):
        text = (
            _("Revise and submit your plan again")
            if plan.status == Plan.Status.RETURNED
            else _("Submit your plan")
        )
        date = closes if plan.submitted_at is None else None
        return NextDue(text, date, bool(date and today > date))
    if plan.status == Plan.Status.SUBMITTED:
        return NextDue(_("Wait for the cell to approve your plan"))
    rows = progress_rows(plan)
    for quarter in QUARTERS:
        if today < datetime.date(plan.year, 3 * quarter - 2, 1):
            break
        if any(row.by_quarter[quarter] is None for row in rows):
            deadline = programme.quarter_deadlines[quarter - 1]
            return NextDue(
                _("Report your progress for quarter %(q)s") % {"q": ROMAN[quarter]},
                deadline,
                bool(deadline and today > deadline),
            )
    if today >= datetime.date(plan.year, 10, 1) and not plan.self_assessed_at:
        return NextDue(_("Write your year-end self-assessment"))
    return None


def cell_board(*, cell, year: int) -> list[tuple[Plan, list[ItemRow], dict | None]]:
    """Approved plans of the cell for the year (transparency inside the cell). A plan being
    amended shows its last approved version, not the changes the cell has not approved."""
    plans = with_content(
        Plan.objects.filter(cell=cell, year=year, approved_at__isnull=False)
    ).prefetch_related(
        Prefetch("snapshots", queryset=PlanSnapshot.objects.order_by("-approved_at"))
    )
    result = []
    for plan in plans.order_by("member__sort_name", "id"):
        if plan.status == Plan.Status.APPROVED:
            result.append((plan, progress_rows(plan), None))
        else:
            snapshots = list(plan.snapshots.all())
            result.append((plan, [], snapshots[0].content if snapshots else None))
    return result


def plan_years_for(member) -> list[int]:
    return list(member.plans.order_by("-year").values_list("year", flat=True))
