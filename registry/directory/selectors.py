"""Reads for the organisation's pages: a unit above the cells shows, for itself and for each
unit directly below, the people and registrations counted today, from the kept figures
(`cells.kept`): a fixed number of queries whatever the size of the sub-tree. Its roll-up page
(`unit_rollup`) adds, per unit below, the quarter's reports, the collective registrations and
the commendations approved, and which units are late."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from registry.cells import kept
from registry.cells.figures import empty, late_reasons, on_time_pct, with_percentages
from registry.collective.selectors import RollupRow as CollectiveRow
from registry.collective.selectors import collective_rollup, indicator_totals
from registry.commendations.selectors import Counts, commendation_counts
from registry.core.charts import horizontal_bars
from registry.core.numbers import format_number
from registry.core.periods import Period, current_quarter
from registry.core.text import fold
from registry.pledges.selectors import key_officials_standing
from registry.programmes.selectors import programmes_for_many
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


CHILD_ROWS = 20  # units below per page of a unit's page


@dataclass
class ChildUnits:
    """The units directly below, as the unit page lists them: a page of (unit, row) among
    those of the kind and name asked for, and the kinds there are to choose from."""

    page: Page
    kinds: list[tuple[str, str]]  # (code, name) of the kinds of the units below
    kind: str
    query: str

    @property
    def narrowed(self) -> bool:
        return bool(self.kind or self.query)

    def __iter__(self):  # (unit, row) of the page shown
        return iter(self.page)


def child_units(children: list, *, kind: str = "", query: str = "", page=1) -> ChildUnits:
    """Narrow `unit_overview`'s children (already read: no query) to a kind (its code; an
    unknown code is no filter) and a name typed without accents (every word must start a
    word of the name), and take a page of them."""
    kinds = list({c.kind.code: c.kind.name for c, _row in children}.items())
    kind = kind if kind in dict(kinds) else ""
    words = fold(query).split()
    shown = [
        (child, row)
        for child, row in children
        if (not kind or child.kind.code == kind)
        and all(any(n.startswith(w) for n in fold(child.name).split()) for w in words)
    ]
    return ChildUnits(
        page=Paginator(shown, CHILD_ROWS).get_page(page), kinds=kinds, kind=kind, query=query
    )


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


def rollup_indicators(*, unit: Unit, year: int, today: datetime.date) -> list[dict]:
    """The standard indicators added up under the unit for the roll-up's year, as the unit
    page and the year's review count them (values reached as of today, or the year's end)."""
    on = min(today, datetime.date(year, 12, 31))
    return indicator_totals(unit=unit, period=Period(year), on=on)


# --- The committee's roll-up page ----------------------------------------------------------


@dataclass
class RollupLine:
    """One line of the roll-up: a unit directly below (`unit`), the whole unit (the total,
    `unit` None and `total` true) or the committee's own records (`unit` None: commendations
    it proposed itself). `f`: the kept figures of the quarter (`cells.figures`' keys)."""

    unit: Unit | None
    f: dict
    collective: CollectiveRow
    deeds: Counts
    late: tuple[str, ...] = ()
    total: bool = False

    @property
    def on_time_pct(self) -> float | None:
        return on_time_pct(self.f)

    @property
    def is_late(self) -> bool:
        return bool(self.late)


def _value(key: str):
    return lambda line: line.f[key]


# The columns the page may be sorted by (`?sort=`), and the value each sorts on.
ROLLUP_SORTS = {
    "name": lambda line: line.unit.name.casefold(),
    "kind": lambda line: (line.unit.kind.position, line.unit.kind.name),
    "members": _value("members"),
    "registered": _value("registered"),
    "registered_pct": _value("registered_pct"),
    "approved": _value("approved_plans"),
    "on_time": _value("reports_on_time"),
    "late": _value("reports_late"),
    "overdue": _value("reports_missing"),
    "on_time_pct": lambda line: line.on_time_pct,
    "breakthrough": _value("breakthrough"),
    "organisations": lambda line: line.collective.registered,
    "models": lambda line: line.collective.models,
    "contents": lambda line: line.collective.breakthrough,
    "collectives": lambda line: line.deeds.approved_collectives,
    "persons": lambda line: line.deeds.approved_persons,
}


@dataclass
class UnitRollup:
    unit: Unit
    period: Period
    as_of: datetime.date
    collective_mode: str | None
    lines: list[RollupLine]  # every unit directly below, in the tree's order
    total: RollupLine
    own: RollupLine | None  # the committee's own commendations, when it has any
    kinds: list[tuple[str, str]] = field(default_factory=list)  # (code, name) of the lines

    def shown(self, *, sort: str = "", descending: bool = False, kind: str = "", late=False):
        """The lines asked for: of one kind, only the late ones, sorted by a column of
        `ROLLUP_SORTS` (lines without a value last, then the tree's order)."""
        lines = [
            line
            for line in self.lines
            if (not kind or line.unit.kind.code == kind) and (not late or line.is_late)
        ]
        key = ROLLUP_SORTS.get(sort)
        if key is None:
            return lines
        known = [line for line in lines if key(line) is not None]
        unknown = [line for line in lines if key(line) is None]
        return sorted(known, key=key, reverse=descending) + unknown


def _less(total: Counts, parts) -> Counts:
    left = total.as_dict()
    for part in parts:
        for name, n in part.as_dict().items():
            left[name] -= n
    return Counts(**left)


def unit_rollup(*, unit: Unit, period: Period, today: datetime.date) -> UnitRollup:
    """For a unit above the cells and a quarter, looked at today: per unit directly below and
    in all, the kept figures of people, plans and the quarter's reports, the collective
    registrations of the year, the commendations approved in the quarter, and whether it is
    late (`cells.figures.late_reasons`, with the registration window of the programme that
    applies to it). A fixed number of queries, whatever the number of units below."""
    as_of = period.as_of(today)
    total_f, by_path = kept.figures_of_unit(unit, period, today, chart=False)
    children = list(
        Unit.objects.get_children(unit).filter(kind__is_group=False).select_related("kind")
    )
    programmes = programmes_for_many(units=[unit, *children], year=period.year)
    collective = collective_rollup(unit=unit, year=period.year)
    collective_rows = dict((child.pk, row) for child, row in collective.children)
    deeds_total, deeds_by_path = commendation_counts(unit=unit, period=period, on=today)

    def late(u: Unit, f: dict) -> tuple[str, ...]:
        closes = programmes[u.pk].registration_closes
        return late_reasons(f, registration_closes=closes, as_of=as_of)

    lines = []
    for child in children:
        f = with_percentages(by_path.get(child.path) or empty())
        lines.append(
            RollupLine(
                unit=child,
                f=f,
                collective=collective_rows.get(child.pk) or CollectiveRow(),
                deeds=deeds_by_path.get(child.path, Counts()),
                late=late(child, f),
            )
        )
    total_f = with_percentages(total_f)
    own_deeds = _less(deeds_total, [line.deeds for line in lines])
    own = RollupLine(None, empty(), CollectiveRow(), own_deeds) if own_deeds.approved else None
    kinds = {line.unit.kind.code: line.unit.kind for line in lines}
    return UnitRollup(
        unit=unit,
        period=period,
        as_of=as_of,
        collective_mode=collective.mode,
        lines=lines,
        total=RollupLine(
            None, total_f, collective.total, deeds_total, late(unit, total_f), total=True
        ),
        own=own,
        kinds=[(k.code, k.name) for k in sorted(kinds.values(), key=lambda k: k.position)],
    )


def rollup_chart(lines: list[RollupLine]):
    """Registration share and on-time share per unit below, as horizontal bars (the table of
    the page holds the same figures). Labels in the active language."""
    registered = [line.f["registered_pct"] for line in lines]
    return horizontal_bars(
        categories=[line.unit.name for line in lines],
        series=[
            (_("Party members registered"), "#3b78c4", registered),
            (_("Share reported on time"), "#1e7b34", [line.on_time_pct for line in lines]),
        ],
        title=_("Registration and reports on time, per unit below"),
        number=lambda v: format_number(round(v, 1)),
    )
