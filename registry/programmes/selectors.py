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
    q1_deadline: date | None = None
    q2_deadline: date | None = None
    q3_deadline: date | None = None
    q4_deadline: date | None = None
    sources: dict[str, Unit | None] = field(default_factory=dict)
    exists: bool = False

    @property
    def quarter_deadlines(self) -> list[date | None]:
        return [self.q1_deadline, self.q2_deadline, self.q3_deadline, self.q4_deadline]

    def registration_state(self, today: date) -> str:
        """'unset', 'upcoming', 'open' or 'closed'."""
        if not (self.registration_opens and self.registration_closes):
            return "unset"
        if today < self.registration_opens:
            return "upcoming"
        if today > self.registration_closes:
            return "closed"
        return "open"


def programme_for(*, unit: Unit | None, year: int) -> EffectiveProgramme:
    """Field by field, the nearest row wins: the unit's own, then its ancestors', then the
    nationwide row. One query."""
    paths = [*unit.ancestor_paths(), unit.path] if unit else []
    rows = list(
        Programme.objects.filter(year=year)
        .filter(Q(scope__isnull=True) | Q(scope__path__in=paths))
        .select_related("scope")
    )
    rows.sort(key=lambda row: row.scope.depth if row.scope else 0, reverse=True)
    result = EffectiveProgramme(year=year, exists=bool(rows))
    for name in Programme.INHERITED_FIELDS:
        for row in rows:
            value = getattr(row, name)
            if value not in (None, ""):
                setattr(result, name, value)
                result.sources[name] = row.scope
                break
    return result
