"""The figures of a review, for any unit: computed per cell with grouped queries (a fixed
number, whatever the size of the sub-tree), then added up for the unit and for each of its
child units."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from registry.cells.models import Supervision, YearRating
from registry.members.models import Member, Membership
from registry.pledges.models import Plan, PlanItem, ProgressReport, Rating
from registry.units.models import Unit

STATUSES = ["done", "in_progress", "not_started", "not_done"]
COUNTED = [
    "members",
    "registered",
    "approved_plans",
    "items",
    "breakthrough",
    "reports_on_time",
    "reports_late",
    "reports_missing",
    "checks",
    "supervisions",
    *[f"items_{s}" for s in STATUSES],
    "items_not_reported",
    *[f"rating_{r}" for r in Rating.values],
]


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = (
        datetime.date(year, 12, 31)
        if quarter == 4
        else datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)
    )
    return start, end


def _empty() -> dict:
    return {key: 0 for key in COUNTED} | {"by_quarter": {}}


def figures_by_cell(*, root: Unit, year: int, quarter: int, whole_year: bool = False):
    """{cell_id: figures} for every cell under `root` (root included)."""
    cells = list(
        Unit.objects.filter(path__startswith=root.path, kind__is_cell=True).only("id", "path")
    )
    ids = [c.pk for c in cells]
    start, end = quarter_bounds(year, quarter)
    if whole_year:  # the year-end review: checks of the whole year, and the ratings
        start = datetime.date(year, 1, 1)
    with_ratings = whole_year
    end_of_day = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    figures = {cell_id: _empty() for cell_id in ids}

    # Party members of each cell on the last day of the period, and those of them who had
    # registered by then: the percentage can never pass 100.
    at_end = Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=end),
        start_date__lte=end,
        member__category=Member.Category.PARTY_MEMBER,
    )
    for cell_id, n in at_end.filter(cell_id__in=ids).values_list("cell_id").annotate(n=Count("id")):
        figures[cell_id]["members"] = n
    counted = Exists(at_end.filter(cell_id=OuterRef("cell_id"), member_id=OuterRef("member_id")))
    for cell_id, registered, approved in (
        Plan.objects.filter(cell_id__in=ids, year=year)
        .values_list("cell_id")
        .annotate(
            registered=Count("id", filter=Q(submitted_at__lte=end_of_day) & Q(counted)),
            approved=Count("id", filter=Q(approved_at__lte=end_of_day)),
        )
    ):
        figures[cell_id]["registered"] = registered
        figures[cell_id]["approved_plans"] = approved

    approved = Plan.objects.filter(cell_id__in=ids, year=year, approved_at__lte=end_of_day)
    items_per_plan = dict(
        PlanItem.objects.filter(plan__in=approved).values_list("plan_id").annotate(n=Count("id"))
    )
    plan_cell = dict(approved.values_list("id", "cell_id"))
    for cell_id, n, breakthrough in (
        PlanItem.objects.filter(plan__in=approved)
        .values_list("plan__cell_id")
        .annotate(n=Count("id"), b=Count("id", filter=Q(is_breakthrough=True)))
    ):
        figures[cell_id]["items"] = n
        figures[cell_id]["breakthrough"] = breakthrough
    reports = ProgressReport.objects.filter(item__plan__in=approved, quarter__lte=quarter)
    per_plan = defaultdict(lambda: [0, False])
    for cell_id, plan_id, q, status, late, n in reports.values_list(
        "item__plan__cell_id", "item__plan_id", "quarter", "status", "is_late"
    ).annotate(n=Count("id")):
        by_q = figures[cell_id]["by_quarter"].setdefault(str(q), Counter())
        by_q[status] += n
        if q == quarter:
            figures[cell_id][f"items_{status}"] += n
            per_plan[plan_id][0] += n
            per_plan[plan_id][1] |= late
    for plan_id, cell_id in plan_cell.items():
        total = items_per_plan.get(plan_id, 0)
        done, late = per_plan.get(plan_id, [0, False])
        if not total:
            continue
        if done >= total:
            figures[cell_id]["reports_late" if late else "reports_on_time"] += 1
        else:
            figures[cell_id]["reports_missing"] += 1
    for f in figures.values():
        reported = sum(f[f"items_{s}"] for s in STATUSES)
        f["items_not_reported"] = max(f["items"] - reported, 0)
        f["by_quarter"] = {q: dict(c) for q, c in f["by_quarter"].items()}

    for cell_id, kind, n in (
        Supervision.objects.filter(cell_id__in=ids, date__range=(start, end))
        .values_list("cell_id", "kind")
        .annotate(n=Count("id"))
    ):
        figures[cell_id]["checks" if kind == Supervision.Kind.CHECK else "supervisions"] += n
    if with_ratings:
        for cell_id, level, n in (
            YearRating.objects.filter(cell_id__in=ids, year=year)
            .values_list("cell_id", "level")
            .annotate(n=Count("id"))
        ):
            figures[cell_id][f"rating_{level}"] = n
    return {cell.path: figures[cell.pk] for cell in cells}


def add_up(parts) -> dict:
    total = _empty()
    for f in parts:
        for key in COUNTED:
            total[key] += f[key]
        for q, counts in f["by_quarter"].items():
            slot = total["by_quarter"].setdefault(q, {})
            for status, n in counts.items():
                slot[status] = slot.get(status, 0) + n
    total["registered_pct"] = (
        round(total["registered"] * 100 / total["members"], 1) if total["members"] else None
    )
    return total


def unit_figures(*, unit: Unit, year: int, quarter: int, whole_year: bool = False):
    """(figures of the unit, [(child unit, its figures)] for the table of a roll-up)."""
    by_path = figures_by_cell(root=unit, year=year, quarter=quarter, whole_year=whole_year)
    total = add_up(by_path.values())
    if unit.kind.is_cell:
        return total, []
    rows = []
    for child in Unit.objects.get_children(unit).select_related("kind"):
        mine = [f for path, f in by_path.items() if path.startswith(child.path)]
        if mine:
            rows.append((child, add_up(mine)))
    return total, rows
