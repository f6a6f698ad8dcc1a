"""The figures of cells for a period, looked at on a day: what the cell overview shows and
what a review prints and adds up the tree. The counts of people, plans, items and reports
come from `pledges.standing`; the cell's own records (checks, supervisions, ratings) are
added here. A fixed number of queries, whatever the number of cells."""

import datetime

from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from registry.core.charts import Series, stacked_bars
from registry.core.periods import Period, roman
from registry.pledges import standing
from registry.pledges.models import ProgressReport
from registry.programmes.selectors import programmes_for_many
from registry.units.models import Unit

from . import kept
from .models import Supervision, YearRating

# Every figure a period has: the kept ones, with unfinished quarters split by the deadline.
COUNTED = [
    *kept.STANDING_FIELDS,
    "reports_missing",
    "reports_not_due",
    *kept.CELL_FIELDS,
    *kept.RATING_FIELDS,
]


def empty() -> dict:
    return {key: 0 for key in COUNTED} | {"by_quarter": {}}


def cells_under(unit: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(path__startswith=unit.path, kind__is_cell=True).order_by("path")
    )


def quarter_standings(
    *, cells: list[Unit], period: Period, on: datetime.date
) -> dict[int, dict[int, standing.CellStanding]]:
    """{quarter: {cell id: standing}} for each quarter up to the period's last, each quarter
    counted in the cells of its own day."""
    programmes = programmes_for_many(units=cells, year=period.year)
    return {
        quarter.quarter: standing.standing_of_cells(
            cells=cells, period=quarter, on=on, programmes=programmes
        )
        for quarter in standing.quarters_up_to(period)
    }


def period_figures(*, cells: list[Unit], period: Period, on: datetime.date) -> dict[int, dict]:
    """{cell id: figures} for the period: the standing of its last quarter (for a year, the
    fourth), one chart column per quarter up to it, the checks and supervisions recorded in
    the period and, for a year, the ratings the cells proposed. Read from the kept figures
    (`kept`) when looked at today; counted the same way, not stored, for another day."""
    return {pk: with_percentages(f) for pk, f in kept.figures_of_cells(cells, period, on).items()}


def counted_figures(*, cells: list[Unit], period: Period, on: datetime.date) -> dict[int, dict]:
    """`period_figures` counted from the standing directly, on any day: the recount that
    the kept figures are checked against."""
    return figures_from(
        quarter_standings(cells=cells, period=period, on=on), cells=cells, period=period, on=on
    )


def figures_from(
    standings: dict[int, dict[int, standing.CellStanding]],
    *,
    cells: list[Unit],
    period: Period,
    on: datetime.date,
) -> dict[int, dict]:
    figures = {cell.pk: empty() for cell in cells}
    if not cells:
        return figures
    for cell in cells:
        by_quarter = {q: standings[q][cell.pk].counts() for q in standings}
        figures[cell.pk].update(by_quarter[period.last_quarter])
        figures[cell.pk]["by_quarter"] = standing.chart_series(by_quarter)
    start, end = period.start, period.as_of(on)
    for cell_id, kind, n in (
        Supervision.objects.filter(cell__in=cells, date__range=(start, end))
        .values_list("cell_id", "kind")
        .annotate(n=Count("id"))
    ):
        figures[cell_id]["checks" if kind == Supervision.Kind.CHECK else "supervisions"] += n
    if period.is_year:
        for cell_id, level, n in (
            YearRating.objects.filter(cell__in=cells, year=period.year)
            .values_list("cell_id", "level")
            .annotate(n=Count("id"))
        ):
            figures[cell_id][f"rating_{level}"] = n
    return {pk: with_percentages(f) for pk, f in figures.items()}


def add_up(parts) -> dict:
    """The sum of several cells' figures (a unit above them), with its percentage."""
    total = empty()
    for f in parts:
        for key in COUNTED:
            total[key] += f.get(key, 0)
        for q, counts in f["by_quarter"].items():
            slot = total["by_quarter"].setdefault(q, {})
            for status, n in counts.items():
                slot[status] = slot.get(status, 0) + n
    return with_percentages(total)


def with_percentages(f: dict) -> dict:
    f["registered_pct"] = round(f["registered"] * 100 / f["members"], 1) if f["members"] else None
    return f


def on_time_pct(f: dict) -> float | None:
    """The share of the plans whose quarter's report is due or in (on time, late or overdue)
    that reported on time; None while none is due yet (a quarter not ended says nothing)."""
    due = f["reports_on_time"] + f["reports_late"] + f["reports_missing"]
    return round(f["reports_on_time"] * 100 / due, 1) if due else None


LATE_OVERDUE = "overdue"
LATE_REGISTRATION = "registration"


def late_reasons(
    f: dict, *, registration_closes: datetime.date | None, as_of: datetime.date
) -> tuple[str, ...]:
    """Why a unit is late with these figures of a period (empty: it is not), the one
    definition every roll-up reads: reports overdue (the quarter's deadline has passed and
    plans still miss their report: `reports_missing`, split by the deadline when read), or
    registration below the programme's expectation (every party member registered once its
    registration window closed, by the period's as-of day)."""
    reasons = []
    if f["reports_missing"]:
        reasons.append(LATE_OVERDUE)
    window_closed = standing.deadline_passed(registration_closes, as_of)
    if window_closed and f["registered"] < f["members"]:
        reasons.append(LATE_REGISTRATION)
    return tuple(reasons)


CHART_COLOURS = {
    "done": "#1e7b34",
    "in_progress": "#3b78c4",
    "not_started": "#9e9e9e",
    "not_done": "#b3261e",
    standing.NOT_REPORTED: "#f2c230",
}


def progress_chart(
    by_quarter: dict, *, last_quarter: int, font_family: str = "system-ui, sans-serif"
):
    """The chart of a page and of its PDF alike: items by progress in each quarter up to
    `last_quarter`, the items not reported included. Labels in the active language."""
    labels = dict(ProgressReport.Status.choices) | {standing.NOT_REPORTED: _("Not reported")}
    quarters = [str(q) for q in range(1, last_quarter + 1)]
    return stacked_bars(
        categories=[_("Quarter %(q)s") % {"q": roman(int(q))} for q in quarters],
        series=[
            Series(str(labels[key]), colour, [by_quarter.get(q, {}).get(key, 0) for q in quarters])
            for key, colour in CHART_COLOURS.items()
        ],
        title=_("Progress of the items, quarter by quarter"),
        font_family=font_family,
    )


def chart_caption(*, as_of: datetime.date) -> str:
    return _(
        "Each column counts the items of the approved plans of the members in the cell at the "
        "end of that quarter, by the progress reported; “Not reported” are items with no "
        "report for the quarter. Figures as of %(date)s."
    ) % {"date": formats.date_format(as_of, "SHORT_DATE_FORMAT")}
