"""Periods: quarters and years, their first and last days, Roman labels and "as of" dates.
The one place that does quarter arithmetic; everything else asks here. Imports nothing of
the registry's apps (a quarter's report deadline is programme data: `EffectiveProgramme`)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .numbers import whole_number

QUARTERS = (1, 2, 3, 4)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def roman(quarter: int) -> str:
    """1 → "I" … 4 → "IV"; anything else → "?" (never a crash on a bad stored value)."""
    return ROMAN.get(quarter, "?")


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return quarter_start(year, quarter + 1) - datetime.timedelta(days=1)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of `day` in the site's time zone: "by day D" means "at or before this"."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Period:
    """A quarter (quarter 1–4) or a whole year (quarter None) of one year."""

    year: int
    quarter: int | None = None

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> "Period":
        if quarter not in QUARTERS:
            raise ValueError(f"no quarter {quarter!r}")
        return cls(year, quarter)

    @classmethod
    def of_year(cls, year: int) -> "Period":
        return cls(year, None)

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def start(self) -> datetime.date:
        return (
            datetime.date(self.year, 1, 1)
            if self.is_year
            else quarter_start(self.year, self.quarter)
        )

    @property
    def end(self) -> datetime.date:
        return (
            datetime.date(self.year, 12, 31)
            if self.is_year
            else quarter_end(self.year, self.quarter)
        )

    @property
    def last_quarter(self) -> int:
        """The quarter whose reports a review of this period counts (IV for a year)."""
        return 4 if self.is_year else self.quarter

    @property
    def roman(self) -> str:
        return roman(self.last_quarter)

    @property
    def label_vi(self) -> str:
        """How a Party document names the period: "quý III năm 2026", "năm 2026"."""
        if self.is_year:
            return f"năm {self.year}"
        return f"quý {self.roman} năm {self.year}"

    def as_of(self, taken_on: datetime.date) -> datetime.date:
        """The day whose standing the figures describe ("tính đến ngày …"): the period's last
        day once it is over, else the day the figures are taken."""
        return min(self.end, taken_on)

    def has_started(self, today: datetime.date) -> bool:
        return today >= self.start


def current_quarter(today: datetime.date) -> Period:
    return Period(today.year, quarter_of(today))


def previous_quarter(period: Period) -> Period:
    if period.last_quarter == 1:
        return Period(period.year - 1, 4)
    return Period(period.year, period.last_quarter - 1)


# --- Years and quarters typed by people (query strings, forms, URLs) ----------------------
# The programme's years: Directive 05-CT/TW began in 2016; the last year is a bound on typing
# mistakes, not a forecast. Every view and form reads a year or a quarter through these.
FIRST_YEAR = 2016
LAST_YEAR = 2100


def is_programme_year(year) -> bool:
    return isinstance(year, int) and FIRST_YEAR <= year <= LAST_YEAR


def validate_programme_year(value) -> None:
    """The validator of every year field people type (the programme's year in the admin)."""
    if not is_programme_year(value):
        raise ValidationError(
            _("Give a year from %(first)s to %(last)s."),
            code="year",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def parse_year(raw) -> int | None:
    """A year of the programme from what was typed ("2026", 2026), else None ("0", "-5",
    "99999", "abc", "2026.0")."""
    year = whole_number(raw)
    return year if year is not None and is_programme_year(year) else None


def parse_quarter(raw) -> int | None:
    """A quarter 1–4 from what was typed, else None ("0", "7", "IV", "abc")."""
    quarter = whole_number(raw)
    return quarter if quarter in QUARTERS else None


def year_or_404(raw, *, default: int | None = None) -> int | None:
    """The year a page was asked for: `default` when none was given, 404 for one out of range
    or not a number (never a crash and never a plan for year 99999)."""
    if raw is None or raw == "":
        return default
    year = parse_year(raw)
    if year is None:
        raise Http404("no such year")
    return year


def quarter_or_404(raw, *, default: int | None = None) -> int | None:
    """The quarter a page was asked for: `default` when none was given, 404 for anything but
    1–4."""
    if raw is None or raw == "":
        return default
    quarter = parse_quarter(raw)
    if quarter is None:
        raise Http404("no such quarter")
    return quarter
