from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from registry.units.models import Unit

from .models import Programme


@dataclass
class EffectiveProgramme:
    """The programme that applies to one unit in one year, after inheritance."""

    year: int
    name: str = ""
    directive: str = ""
    theme: str = ""
    term_theme: str = ""
    registration_opens: date | None = None
    registration_closes: date | None = None
    key_officials_first: bool | None = None
    others_register_from: date | None = None
    q1_deadline: date | None = None
    q2_deadline: date | None = None
    q3_deadline: date | None = None
    q4_deadline: date | None = None
    sources: dict[str, Unit | None] = field(default_factory=dict)
    exists: bool = False

    @property
    def quarter_deadlines(self) -> list[date | None]:
        return [self.q1_deadline, self.q2_deadline, self.q3_deadline, self.q4_deadline]

    def quarter_deadline(self, quarter: int) -> date | None:
        """The day by which a quarter's reports are due (None when the programme sets none)."""
        return self.quarter_deadlines[quarter - 1]

    @property
    def others_wait(self) -> date | None:
        """Trên trước, dưới sau: the day from which people who are not key officials may first
        submit their plan, when key officials register first (None otherwise)."""
        if self.key_officials_first and self.others_register_from:
            return self.others_register_from
        return None

    def registration_opens_for(self, *, key_official: bool) -> date | None:
        """The one rule of who may register from when: the window opens for key officials on
        `registration_opens`; for the others, when key officials register first, on the later
        of that day and `others_register_from`."""
        opens = self.registration_opens
        wait = None if key_official else self.others_wait
        if wait is None or opens is None:
            return opens
        return max(opens, wait)

    def registration_state(self, today: date) -> str:
        """'unset', 'upcoming', 'open' or 'closed'."""
        if not (self.registration_opens and self.registration_closes):
            return "unset"
        if today < self.registration_opens:
            return "upcoming"
        if today > self.registration_closes:
            return "closed"
        return "open"


def _resolve(rows: list[Programme], year: int, paths: set[str]) -> EffectiveProgramme:
    """Field by field, the nearest row wins: the unit's own, then its ancestors', then the
    nationwide row."""
    applicable = [r for r in rows if r.scope is None or r.scope.path in paths]
    applicable.sort(key=lambda row: row.scope.depth if row.scope else 0, reverse=True)
    result = EffectiveProgramme(year=year, exists=bool(applicable))
    for name in Programme.INHERITED_FIELDS:
        for row in applicable:
            value = getattr(row, name)
            if value not in (None, ""):
                setattr(result, name, value)
                result.sources[name] = row.scope
                break
    return result


def _rows(year: int, paths: set[str]) -> list[Programme]:
    return list(
        Programme.objects.filter(year=year)
        .filter(Q(scope__isnull=True) | Q(scope__path__in=paths))
        .select_related("scope")
    )


def programme_for(*, unit: Unit | None, year: int) -> EffectiveProgramme:
    """The programme that applies to `unit` in `year`. One query."""
    paths = {*unit.ancestor_paths(), unit.path} if unit else set()
    return _resolve(_rows(year, paths), year, paths)


def programmes_for_many(*, units, year: int) -> dict[int, EffectiveProgramme]:
    """`programme_for` for many units at once: one query, whatever their number."""
    units = list(units)
    own = {u.pk: {*u.ancestor_paths(), u.path} for u in units}
    rows = _rows(year, set().union(*own.values()) if own else set())
    return {u.pk: _resolve(rows, year, own[u.pk]) for u in units}
