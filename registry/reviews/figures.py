"""The figures of a review, for any unit: each cell's figures (`cells.figures`, from
`pledges.standing`), added up for the unit and for each of its child units. A fixed number
of queries, whatever the size of the sub-tree."""

import datetime

from registry.cells.figures import add_up, cells_under, period_figures
from registry.core.periods import Period
from registry.units.models import Unit


def unit_figures(*, unit: Unit, period: Period, on: datetime.date) -> tuple[dict, list]:
    """(figures of the unit, [(child unit, its figures)] for the table of a roll-up). A
    member is counted in the cell they belong to on the quarter's day, so a unit above two
    cells counts a member who moved between them once."""
    cells = cells_under(unit)
    by_cell = period_figures(cells=cells, period=period, on=on)
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
