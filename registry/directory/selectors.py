"""Reads for the organisation's pages: a unit above the cells shows, for itself and for each
unit directly below, the people and registrations counted today, from the kept figures
(`cells.kept`): a fixed number of queries whatever the size of the sub-tree."""

import datetime
from dataclasses import dataclass

from registry.cells import kept
from registry.cells.figures import empty, with_percentages
from registry.core.periods import Period, current_quarter
from registry.pledges.selectors import indicator_totals, key_officials_standing
from registry.units.models import Unit


@dataclass(frozen=True)
class UnitRow:
    """People in a sub-tree today and how many registered their plan of the year."""

    party_members: int = 0
    participants: int = 0
    registered: int = 0
    registered_pct: float | None = None
    reports_missing: int = 0

    @property
    def total(self) -> int:
        return self.party_members + self.participants

    @classmethod
    def of(cls, f: dict) -> "UnitRow":
        return cls(
            f["members"],
            f["participants"],
            f["registered"],
            f["registered_pct"],
            f["reports_missing"],
        )


def unit_overview(
    *, unit: Unit, today: datetime.date
) -> tuple[UnitRow, list[tuple[Unit, UnitRow]]]:
    """(the unit's row, [(each unit directly below, its row)]) for the current quarter."""
    total, by_path = kept.figures_of_unit(unit, current_quarter(today), today, chart=False)
    children = Unit.objects.get_children(unit).select_related("kind")
    return UnitRow.of(with_percentages(total)), [
        (child, UnitRow.of(with_percentages(by_path.get(child.path) or empty())))
        for child in children
    ]


def unit_stamp(*, unit: Unit, year: int) -> str | None:
    """The stamp under which a unit's page is kept (`core.pagecache`): its cells' figures."""
    return kept.subtree_stamp(unit, year)


def unit_year_results(*, unit: Unit, today: datetime.date) -> dict:
    """The year so far under the unit: each standard indicator's targets and values reached
    (in all and per unit below), and the registration and reports of its key officials."""
    year = Period(today.year)
    return {
        "year": today.year,
        "indicators": indicator_totals(unit=unit, period=year, on=today),
        "key_officials": key_officials_standing(unit=unit, period=year, on=today),
    }
