"""What a long list of a cell may be filtered by, read from the query string (`?q=&group=…`)
in one place, so that the page and its export filter the same way.

A value that is not one of the choices is ignored (the list shows unfiltered), an id that is
not a whole number too (`core.numbers.whole_number`); a year out of the programme answers 404
(`core.periods.year_or_404`), as on every page. Nothing here ever raises anything else."""

from dataclasses import dataclass, field

from registry.core.numbers import whole_number
from registry.core.periods import year_or_404

QUERY_LENGTH = 100

# Who a roster shows, by what they are.
STATUSES = ("full", "probationary", "others")
YES_NO = ("yes", "no")
CHECK_KINDS = ("kiem_tra", "giam_sat")


def text(params, name: str = "q") -> str:
    """A search typed in a box: at most `QUERY_LENGTH` characters, spaces trimmed."""
    return str(params.get(name) or "")[:QUERY_LENGTH].strip()


def choice(params, name: str, allowed) -> str:
    value = str(params.get(name) or "")
    return value if value in allowed else ""


def number(params, name: str) -> int | None:
    return whole_number(params.get(name))


def year(params, name: str = "year") -> int | None:
    return year_or_404(params.get(name))


@dataclass(frozen=True)
class RosterFilter:
    """The roster: a search (name or card), a party group, status (full, probationary, not a
    party member), registered this year or not, key officials only."""

    query: str = ""
    group: int | None = None
    status: str = ""
    registered: str = ""
    key: bool = False

    @classmethod
    def of(cls, params) -> "RosterFilter":
        return cls(
            query=text(params, "q"),
            group=number(params, "group"),
            status=choice(params, "status", STATUSES),
            registered=choice(params, "registered", YES_NO),
            key=params.get("key") == "1",
        )

    @property
    def narrowed(self) -> bool:
        """Anything but the search narrows the list."""
        return bool(self.group or self.status or self.registered or self.key)

    @property
    def active(self) -> int:
        """How many of the search and the filters are in use (the folded form says it)."""
        return sum(map(bool, (self.query, self.group, self.status, self.registered, self.key)))


@dataclass(frozen=True)
class RatingFilter:
    """The ratings of a year: a search, a party group, rated or not, a level."""

    query: str = ""
    group: int | None = None
    rated: str = ""
    level: str = ""

    @classmethod
    def of(cls, params, levels) -> "RatingFilter":
        return cls(
            query=text(params, "q"),
            group=number(params, "group"),
            rated=choice(params, "rated", YES_NO),
            level=choice(params, "level", levels),
        )

    @property
    def narrowed(self) -> bool:
        return bool(self.query or self.group or self.rated or self.level)

    @property
    def active(self) -> int:
        """How many of the search and the filters are in use (the folded form says it)."""
        return sum(map(bool, (self.query, self.group, self.rated, self.level)))


@dataclass(frozen=True)
class DatedFilter:
    """Meetings and checks: a year (none: every year), for checks a kind."""

    year: int | None = None
    kind: str = ""
    kinds: tuple = field(default=(), compare=False)

    @classmethod
    def of(cls, params, kinds=()) -> "DatedFilter":
        return cls(year=year(params), kind=choice(params, "kind", kinds), kinds=tuple(kinds))

    @property
    def narrowed(self) -> bool:
        return bool(self.year or self.kind)
