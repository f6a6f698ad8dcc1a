"""The figures of a review, for any unit: each cell's figures added up for the unit and for
each of its child units. Looked at today, they are one sum over the kept figures of the
cells under the unit (`cells.kept`); on another day, counted from the raw rows
(`cells.figures`). Either way a fixed number of queries, whatever the size of the sub-tree."""

import datetime

from django.utils import timezone

from registry.cells import kept
from registry.cells.figures import add_up, cells_under, counted_figures, with_percentages
from registry.core.periods import Period
from registry.units.models import Unit


def unit_figures(*, unit: Unit, period: Period, on: datetime.date) -> tuple[dict, list]:
    """(figures of the unit, [(child unit, its figures)] for the table of a roll-up). A
    member is counted in the cell they belong to on the quarter's day, so a unit above two
    cells counts a member who moved between them once."""
    if on == timezone.localdate():
        total, by_path = kept.figures_of_unit(unit, period, on)
        if unit.kind.is_cell:
            return with_percentages(total), []
        children = Unit.objects.get_children(unit).select_related("kind")
        return with_percentages(total), [
            (child, with_percentages(by_path[child.path]))
            for child in children
            if child.path in by_path
        ]
    return counted_unit_figures(unit=unit, period=period, on=on)


def cell_figures(cells: list[Unit], *, period: Period, on: datetime.date) -> dict[int, dict]:
    """`unit_figures`' figures of each of `cells`, {cell id: figures}: looked at today, the
    kept rows of all of them in one query."""
    today = bool(cells) and on == timezone.localdate()
    kept_rows = kept.figures_of_cells(cells, period, on) if today else {}
    return {
        cell.pk: with_percentages(kept_rows[cell.pk])
        if cell.pk in kept_rows
        else unit_figures(unit=cell, period=period, on=on)[0]
        for cell in cells
    }


def counted_unit_figures(*, unit: Unit, period: Period, on: datetime.date) -> tuple[dict, list]:
    """`unit_figures` counted from the raw rows, on any day."""
    cells = cells_under(unit)
    by_cell = counted_figures(cells=cells, period=period, on=on)
    total = add_up(by_cell.values())
    if unit.kind.is_cell:
        return total, []
    paths = {cell.pk: cell.path for cell in cells}
    rows = []
    for child in Unit.objects.get_children(unit).select_related("kind"):
        mine = [f for pk, f in by_cell.items() if paths[pk].startswith(child.path)]
        if mine:
            rows.append((child, add_up(mine)))
    return total, rows
