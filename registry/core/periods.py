"""Periods: quarters and years, their first and last days, Roman labels and "as of" dates.
The one place that does quarter arithmetic; everything else asks here. Imports nothing of
the registry's apps (a quarter's report deadline is programme data: `EffectiveProgramme`)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

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
