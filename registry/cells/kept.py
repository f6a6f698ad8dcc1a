"""Kept figures: each cell's figures for each quarter, stored (`QuarterFigures`) as the
standing counts them, so that a page reads its cell's rows and a unit's figures are one
indexed sum over the rows of the cells under it.

- **Written** only here, by `recompute`, from `pledges.standing` (the one definition of every
  figure) and the cell's records. A service that changes what the figures count marks the
  cell and year (`core.stale.mark`) in its own transaction; after commit the marked rows are
  recomputed at once (`on_marked`), and whatever a crash leaves marked is recomputed by the
  periodic job or by the next reader (`fresh`), before it reads.
- **As of today**: a row counts as the standing does on the day it was computed; only the
  split of unfinished quarters into missing and not yet due depends on the day, and it is made
  when reading (`standing.deadline_passed`). Figures looked at on another day are counted
  from the raw rows (`cells.figures.period_figures`).
- **Checked**: `reconcile` recomputes every row and reports those that differed
  (`manage.py recompute_figures`, and nightly).
"""

import datetime
import logging
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Exists, JSONField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from registry.core.compiled import Compiled
from registry.core.models import StaleFigures
from registry.core.periods import QUARTERS, Period
from registry.core.stale import figures_marked, mark
from registry.members.models import Membership
from registry.pledges import standing
from registry.pledges.models import Rating
from registry.programmes.selectors import programmes_for_many
from registry.units.models import Unit

from .models import QuarterFigures, QuarterPeople, SubtreeStamp, Supervision, YearRating

log = logging.getLogger(__name__)

STANDING_FIELDS = [
    "members",
    "registered",
    "participants",
    "participants_registered",
    "approved_plans",
    "items",
    "breakthrough",
    *[f"items_{s}" for s in standing.REPORT_STATUSES],
    "items_not_reported",
    "reports_on_time",
    "reports_late",
]
CELL_FIELDS = ["checks", "supervisions"]
RATING_FIELDS = [f"rating_{r}" for r in Rating.values]
FIGURE_FIELDS = ["deadline", *STANDING_FIELDS, "reports_open", *CELL_FIELDS, *RATING_FIELDS]
VALUE_FIELDS = [*FIGURE_FIELDS, "people"]  # `people`: kept in `QuarterPeople`
SUMMED = [*STANDING_FIELDS, "reports_open", *CELL_FIELDS, *RATING_FIELDS]
BATCH = 300  # cells recomputed together: a fixed number of queries per batch


# --- Writing ---------------------------------------------------------------------------------


def count(cells: list[Unit], year: int, on: datetime.date) -> list[QuarterFigures]:
    """The rows of these cells for the four quarters of `year`, as counted on `on` (unsaved).
    About twenty queries, whatever the number of cells."""
    programmes = programmes_for_many(units=cells, year=year)
    at = timezone.now()
    rows = []
    for quarter in QUARTERS:
        period = Period(year, quarter)
        standings = standing.standing_of_cells(
            cells=cells, period=period, on=on, programmes=programmes
        )
        records = defaultdict(int)
        if period.has_started(on):
            for cell_id, kind, n in (
                Supervision.objects.filter(
                    cell__in=cells, date__range=(period.start, period.as_of(on))
                )
                .values_list("cell_id", "kind")
                .annotate(n=Count("id"))
                .order_by()
            ):
                key = "checks" if kind == Supervision.Kind.CHECK else "supervisions"
                records[cell_id, key] += n
        if quarter == 4:
            for cell_id, level, n in (
                YearRating.objects.filter(cell__in=cells, year=year)
                .values_list("cell_id", "level")
                .annotate(n=Count("id"))
                .order_by()
            ):
                records[cell_id, f"rating_{level}"] += n
        for cell in cells:
            s = standings[cell.pk]
            c = s.counts()
            row = QuarterFigures(
                cell=cell,
                year=year,
                quarter=quarter,
                deadline=s.deadline,
                **{key: c[key] for key in STANDING_FIELDS},
                reports_open=c["reports_missing"] + c["reports_not_due"],
                **{key: records[cell.pk, key] for key in CELL_FIELDS + RATING_FIELDS},
                computed_at=at,
            )
            row.people = s.compact()  # stored in `QuarterPeople`
            rows.append(row)
    return rows


def _batches(ids: list[int]):
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def recompute(cell_ids, year: int, on: datetime.date | None = None) -> int:
    """Count and store the rows of these cells for the year. Returns the rows written."""
    on = on or timezone.localdate()
    written = 0
    for ids in _batches(sorted(set(cell_ids))):
        cells = list(Unit.objects.filter(pk__in=ids, kind__is_cell=True).order_by("pk"))
        written += _store(count(cells, year, on))
    return written


def _store(rows: list[QuarterFigures]) -> int:
    """Store counted rows (`count`), their figures and whom they count, together."""
    key = ["cell", "year", "quarter"]
    with transaction.atomic():
        QuarterFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=key,
            update_fields=[*FIGURE_FIELDS, "computed_at"],
        )
        QuarterPeople.objects.bulk_create(
            [
                QuarterPeople(cell_id=r.cell_id, year=r.year, quarter=r.quarter, people=r.people)
                for r in rows
            ],
            update_conflicts=True,
            unique_fields=key,
            update_fields=["people"],
        )
        _stamp_subtrees(rows)
    return len(rows)


def _stamp_subtrees(rows: list[QuarterFigures]) -> None:
    """The cells of `rows` changed for the rows' years: `touch` them."""
    if rows:
        touch([row.cell for row in rows], {row.year for row in rows})


def touch(units, years) -> None:
    """What pages show of these units, and of every unit above them, changed for these years:
    a new `SubtreeStamp` token for each (two queries). Called with the kept rows, and by the
    services of unit-level records (`core.stale.touch`) inside their transaction."""
    paths = set()
    for unit in units:
        paths.update([*unit.ancestor_paths(), unit.path])
    if not paths or not years:
        return
    at, token = timezone.now(), uuid.uuid4()
    ids = Unit.objects.filter(path__any=sorted(paths)).values_list("pk", flat=True)
    SubtreeStamp.objects.bulk_create(
        [SubtreeStamp(unit_id=u, year=y, changed_at=at, token=token) for u in ids for y in years],
        update_conflicts=True,
        unique_fields=["unit", "year"],
        update_fields=["changed_at", "token"],
    )


def _settle(marks: list[StaleFigures]) -> None:
    """Recompute the marked rows, then remove each mark unless an event marked it again."""
    by_year = defaultdict(set)
    for m in marks:
        by_year[m.year].add(m.cell_id)
    for year, cell_ids in sorted(by_year.items()):
        recompute(cell_ids, year)
    _forget(marks)


def _forget(marks: list[StaleFigures]) -> None:
    """Remove these marks, except those an event has marked again since they were read."""
    if marks:
        seen = Q(pk__in=[])
        for m in marks:
            seen |= Q(pk=m.pk, token=m.token)
        StaleFigures.objects.filter(seen).delete()


def settle_marked(*, marks=None, limit: int = 1000) -> int:
    """Recompute marked rows (those in `marks` {(cell id, year)}, or any), at most `limit`
    marks, skipping those another process holds. Returns the marks settled."""
    with transaction.atomic():
        qs = StaleFigures.objects.select_for_update(skip_locked=True).order_by("cell_id", "year")
        if marks is not None:
            qs = qs.filter(cell_id__in={c for c, _y in marks}, year__in={y for _c, y in marks})
        taken = list(qs[:limit])
        if marks is not None:
            taken = [m for m in taken if (m.cell_id, m.year) in marks]
        _settle(taken)
    return len(taken)


def settle_all(*, limit: int = 1000) -> int:
    """What the periodic job runs: every mark left, in bounded transactions."""
    total = 0
    while n := settle_marked(limit=limit):
        total += n
    return total


def on_marked(sender, marks, **kwargs) -> None:
    """After an event's commit: recompute what it marked now, so the next page is current.
    A failure here loses nothing: the marks stay for the periodic job or the next reader."""
    try:
        settle_marked(marks=marks)
    except Exception:
        log.exception("kept figures: recompute after commit failed; left for the periodic job")


figures_marked.connect(on_marked, dispatch_uid="cells.kept.on_marked")


def fresh(cells, year: int, *, complete: bool = False) -> None:
    """Before reading the rows of `cells` (a queryset of units) for `year`: recompute those
    an event marked stale (one query over the few marks when nothing is marked). Unless the
    caller saw a row for every cell (`complete`), also count the cells never counted (a new
    cell, a year never read)."""
    cells = cells.filter(kind__is_cell=True)
    due = set(
        StaleFigures.objects.filter(year=year, cell_id__in=cells.values("pk")).values_list(
            "cell_id", flat=True
        )
    )
    if not complete:
        due |= set(
            cells.filter(
                ~Exists(QuarterFigures.objects.filter(cell=OuterRef("pk"), year=year, quarter=4))
            ).values_list("pk", flat=True)
        )
    if not due:
        return
    with transaction.atomic():
        marks = list(StaleFigures.objects.filter(cell_id__in=due, year=year))
        recompute(due, year)
        _forget(marks)


def _stamps(*, cell_ids, year: int):
    return (
        SubtreeStamp.objects.filter(unit_id__in=cell_ids, year=year)
        .annotate(
            marked=Exists(StaleFigures.objects.filter(cell_id=OuterRef("unit_id"), year=year))
        )
        .values_list("unit_id", "token", "marked")
    )


def _one_stamp(*, cell_id, year: int):
    return _stamps(cell_ids=[cell_id], year=year)


_ONE_STAMP = Compiled(_one_stamp, "cell_id", "year")  # `core.compiled`


def stamp(cell_ids, year: int) -> str | None:
    """What changes whenever the kept rows of these cells for `year` are recomputed, or a
    record shown with them changes (`touch`): the key under which their pages' parts are kept
    (`core.pagecache`). None while any of them is marked stale or was never counted (one
    query): the page then reads afresh, not kept."""
    cell_ids = sorted(set(cell_ids))
    if not cell_ids:
        return None
    if len(cell_ids) == 1:  # a cell's pages, a person's in one cell: compiled once
        rows = _ONE_STAMP.all(cell_id=cell_ids[0], year=year)
    else:
        rows = list(_stamps(cell_ids=cell_ids, year=year))
    if len(rows) < len(cell_ids) or any(marked for _c, _t, marked in rows):
        return None
    return f"{year}|" + ";".join(f"{c}:{token}" for c, token, _m in sorted(rows))


def subtree_stamp(unit: Unit, year: int) -> str | None:
    """`stamp` of every cell under `unit` (itself included) and of the records shown with
    them (`SubtreeStamp`), or None while a cell below is marked or none was counted. One
    indexed query (its test reads the few marks), whatever the size of the sub-tree."""
    marked = StaleFigures.objects.filter(year=year).values("cell_id")
    row = (
        SubtreeStamp.objects.filter(unit=unit, year=year)
        .annotate(marked=Exists(Unit.objects.filter(pk__in=marked, path__startswith=unit.path)))
        .values_list("token", "marked")
        .first()
    )
    if row is None or row[1]:
        return None
    return f"{year}|{unit.pk}:{row[0]}"


def mark_day_changes(day: datetime.date) -> int:
    """Periods that start or end on `day` move people without an event that day (a transfer
    recorded ahead): mark their cells. Run each morning."""
    cells = set(
        Membership.objects.filter(Q(start_date=day) | Q(end_date=day)).values_list(
            "cell_id", flat=True
        )
    )
    mark(cells, [day.year])
    return len(cells)


def open_years(today: datetime.date) -> list[int]:
    """The years whose figures can still change: this one, last one until its reports close
    (`standing.year_closes`), and next one (plans registered ahead)."""
    years = [today.year, today.year + 1]
    if today <= standing.year_closes(today.year - 1):
        years.insert(0, today.year - 1)
    return years


def all_cells() -> list[int]:
    return list(Unit.objects.filter(kind__is_cell=True).order_by("pk").values_list("pk", flat=True))


def reconcile(
    *, years, fix: bool = True, on: datetime.date | None = None, cell_ids=None
) -> list[dict]:
    """Recompute the rows of these cells (every cell by default) for these years from the raw
    rows and compare with the kept ones. Returns the differences [{cell, year, quarter, field,
    kept, counted}] (field "*": a row never counted); with `fix`, stores the recomputed rows.
    Batches of `BATCH` cells, each a fixed number of queries."""
    on = on or timezone.localdate()
    differences = []
    ids_to_check = sorted(cell_ids) if cell_ids is not None else all_cells()
    for year in years:
        for ids in _batches(ids_to_check):
            cells = list(Unit.objects.filter(pk__in=ids).order_by("pk"))
            counted = {(r.cell_id, r.quarter): r for r in count(cells, year, on)}
            kept = {
                (r.cell_id, r.quarter): r
                for r in QuarterFigures.objects.filter(cell_id__in=ids, year=year)
            }
            for cell_id, quarter, people in QuarterPeople.objects.filter(
                cell_id__in=ids, year=year
            ).values_list("cell_id", "quarter", "people"):
                if (cell_id, quarter) in kept:
                    kept[cell_id, quarter].people = people
            for row in kept.values():
                if not hasattr(row, "people"):
                    row.people = None  # never written: differs from any count
            for key, row in counted.items():
                old = kept.get(key)
                if old is None:  # never counted yet: one line for the row
                    differences.append(
                        {"cell": key[0], "year": year, "quarter": key[1], "field": "*"}
                    )
                    continue
                for name in VALUE_FIELDS:
                    was, now = getattr(old, name), getattr(row, name)
                    if was != now:
                        if name == "people":
                            was, now = _people_difference(was, now)
                        differences.append(
                            {
                                "cell": key[0],
                                "year": year,
                                "quarter": key[1],
                                "field": name,
                                "kept": was,
                                "counted": now,
                            }
                        )
            if fix:  # the rows just counted: not counted a second time
                _store(list(counted.values()))
    return differences


def _people_difference(kept: list, counted: list) -> tuple[str, str]:
    """Two compact standings that differ, said shortly: the members whose entry differs."""
    kept, counted = kept or [], counted or []
    members = sorted({r[0] for r in {tuple(r) for r in kept} ^ {tuple(r) for r in counted}})
    shown = ", ".join(map(str, members[:10])) + (" …" if len(members) > 10 else "")
    return f"{len(kept)} people", f"{len(counted)} people; members {shown} differ"


# --- Reading ---------------------------------------------------------------------------------


def _add(into: dict, row: dict, on: datetime.date) -> None:
    """Add a row (or a grouped sum of rows sharing a deadline) to a quarter's sums, splitting
    its unfinished plans into missing and not yet due as seen on `on`."""
    for key in SUMMED:
        into[key] = into.get(key, 0) + (row[key] or 0)
    if standing.deadline_passed(row["deadline"], on):
        into["reports_missing"] = into.get("reports_missing", 0) + (row["reports_open"] or 0)


def _figures(by_quarter: dict[int, dict], period: Period) -> dict:
    """The figures of a period from the summed rows of each quarter up to its last: the
    shape `cells.figures` gives (its `empty()` keys and `by_quarter`)."""
    last = by_quarter.get(period.last_quarter) or {}
    f = {key: last.get(key) or 0 for key in STANDING_FIELDS}
    f["reports_missing"] = last.get("reports_missing") or 0
    f["reports_not_due"] = (last.get("reports_open") or 0) - f["reports_missing"]
    quarters = by_quarter.values() if period.is_year else [last]
    for key in CELL_FIELDS:
        f[key] = sum(q.get(key) or 0 for q in quarters)
    for key in RATING_FIELDS:
        f[key] = (last.get(key) or 0) if period.is_year else 0
    f["by_quarter"] = standing.chart_series(
        {
            q: {
                **{f"items_{s}": sums.get(f"items_{s}") or 0 for s in standing.REPORT_STATUSES},
                "items_not_reported": sums.get("items_not_reported") or 0,
            }
            for q, sums in sorted(by_quarter.items())
            if q <= period.last_quarter
        }
    )
    return f


def year_of_cells(cells: list[Unit], year: int, on: datetime.date) -> dict[int, dict]:
    """{cell id: {quarter: figures of the row}} of the year as seen on `on`: today, the kept
    rows (made current first; two queries when current); another day, rows counted for that
    day and not stored."""
    by_cell: dict[int, dict[int, dict]] = {c.pk: {} for c in cells}
    if on == timezone.localdate():
        units = Unit.objects.filter(pk__in=[c.pk for c in cells])
        fresh(units, year, complete=True)
        fields = ["cell_id", "quarter", "deadline", *SUMMED]
        rows = list(QuarterFigures.objects.filter(cell__in=cells, year=year).values(*fields))
        if len(rows) < len(QUARTERS) * len(cells):  # some never counted
            fresh(units, year)
            rows = QuarterFigures.objects.filter(cell__in=cells, year=year).values(*fields)
    else:
        fields = ["cell_id", "quarter", "deadline", *SUMMED]
        rows = [{k: getattr(r, k) for k in fields} for r in count(list(cells), year, on)]
    for row in rows:
        _add(by_cell[row["cell_id"]].setdefault(row["quarter"], {}), row, on)
    return by_cell


def period_of(quarters: dict[int, dict], period: Period) -> dict:
    """The figures of the period from `year_of_cells`' quarters of one cell."""
    return _figures({q: f for q, f in quarters.items() if q <= period.last_quarter}, period)


def figures_of_cells(cells: list[Unit], period: Period, on: datetime.date) -> dict[int, dict]:
    """{cell id: figures} of the period, from the kept rows."""
    return {
        pk: period_of(quarters, period)
        for pk, quarters in year_of_cells(cells, period.year, on).items()
    }


def standing_of(cell: Unit, period: Period, on: datetime.date) -> standing.CompactStanding:
    """Who the cell's figures of the quarter count and how, as seen on `on`: today, read from
    the kept row (one query; call after `year_of_cells`, which makes it current); another
    day, counted for that day."""
    as_of = standing.quarter_day(period, on)
    if on == timezone.localdate():
        people = QuarterPeople.objects.filter(
            cell=OuterRef("cell"), year=OuterRef("year"), quarter=OuterRef("quarter")
        ).values("people")[:1]
        row = (
            QuarterFigures.objects.filter(cell=cell, year=period.year, quarter=period.quarter)
            .annotate(people=Subquery(people, output_field=JSONField()))
            .values("deadline", "people")
            .first()
        )
        if row is not None and row["people"] is None:
            row = None
    else:
        row = None
    if row is None:
        counted = standing.standing_of_cells(cells=[cell], period=period, on=on)[cell.pk]
        row = {"deadline": counted.deadline, "people": counted.compact()}
    return standing.CompactStanding(
        cell_id=cell.pk,
        period=period,
        as_of=as_of,
        on=on,
        deadline=row["deadline"],
        rows=row["people"],
    )


def quarters_with_missing(quarters: dict[int, dict]) -> list[int]:
    """The quarters, in order, with reports missing (from `year_of_cells`' quarters)."""
    return [q for q, f in sorted(quarters.items()) if f.get("reports_missing")]


def figures_of_unit(
    unit: Unit, period: Period, on: datetime.date, *, chart: bool = True
) -> tuple[dict, dict[str, dict]]:
    """(figures of the unit, {path of each child unit: its figures}), summed over the kept
    rows of the cells under it: three queries whatever the sub-tree (the marks, one grouped
    sum, the number of cells). Without `chart`, a quarter's figures read that quarter's rows
    only (no column per earlier quarter)."""
    cells = Unit.objects.filter(path__startswith=unit.path, kind__is_cell=True)
    fresh(cells, period.year, complete=True)
    only_last = not chart and not period.is_year
    rows = _unit_sums(unit, period, only_last=only_last)
    counted = sum(row["n"] for row in rows if row["quarter"] == period.last_quarter)
    if counted < cells.count():  # some cells never counted
        fresh(cells, period.year)
        rows = _unit_sums(unit, period, only_last=only_last)
    by_child: dict[str, dict[int, dict]] = defaultdict(lambda: defaultdict(dict))
    whole: dict[int, dict] = defaultdict(dict)
    for row in rows:
        _add(by_child[row["child"]][row["quarter"]], row, on)
        _add(whole[row["quarter"]], row, on)
    return _figures(whole, period), {
        child: _figures(quarters, period) for child, quarters in by_child.items()
    }


def _unit_sums(unit: Unit, period: Period, *, only_last: bool = False) -> list[dict]:
    """The rows of the cells under `unit`, summed by child unit, quarter and deadline (the
    cells of a child mostly share one deadline), with the number of rows `n`."""
    prefix = len(unit.path) + (0 if unit.kind.is_cell else unit.steplen)
    quarters = Q(quarter=period.last_quarter) if only_last else Q(quarter__lte=period.last_quarter)
    return list(
        QuarterFigures.objects.filter(
            quarters,
            cell__path__startswith=unit.path,
            year=period.year,
        )
        .annotate(child=Substr("cell__path", 1, prefix))
        .values("child", "quarter", "deadline")
        .annotate(n=Count("id"), **{key: Sum(key) for key in SUMMED})
        .order_by()
    )
