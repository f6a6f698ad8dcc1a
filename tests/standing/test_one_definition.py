"""Each notion is defined once. The rules themselves, read as a table; and a search of the code
for a second definition of "registered", "approved", "late", "missing", "in a cell", or of
quarter arithmetic, outside the modules that own them."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from registry.core.periods import Period, quarter_end, quarter_of, roman
from registry.pledges.standing import ReportState, deadline_passed, quarter_state

from ..factories import D

S = ReportState


@pytest.mark.parametrize(
    ("required", "filed", "late", "deadline", "on", "state"),
    [
        (0, 0, False, D(2026, 6, 25), D(2026, 7, 1), S.NOT_REQUIRED),
        (2, 2, False, D(2026, 6, 25), D(2026, 7, 1), S.ON_TIME),
        (2, 2, True, D(2026, 6, 25), D(2026, 7, 1), S.LATE),
        (2, 1, False, D(2026, 6, 25), D(2026, 6, 25), S.NOT_DUE),  # the deadline day itself
        (2, 1, False, D(2026, 6, 25), D(2026, 6, 26), S.MISSING),
        (2, 0, False, None, D(2026, 12, 31), S.NOT_DUE),  # no deadline set: never missing
    ],
)
def test_the_state_of_a_quarter(required, filed, late, deadline, on, state):
    assert quarter_state(required=required, filed=filed, late=late, deadline=deadline, on=on) == (
        state
    )


def test_a_deadline_is_over_the_day_after():
    assert not deadline_passed(D(2026, 6, 25), D(2026, 6, 25))
    assert deadline_passed(D(2026, 6, 25), D(2026, 6, 26))
    assert not deadline_passed(None, D(2030, 1, 1))


def test_periods():
    assert [quarter_of(D(2026, m, 1)) for m in (1, 3, 4, 9, 10, 12)] == [1, 1, 2, 3, 4, 4]
    assert quarter_end(2026, 1) == D(2026, 3, 31) and quarter_end(2026, 4) == D(2026, 12, 31)
    assert [roman(q) for q in (1, 2, 3, 4, 7)] == ["I", "II", "III", "IV", "?"]
    assert Period(2026, 3).label_vi == "quý III năm 2026" and Period(2026).label_vi == "năm 2026"
    assert Period(2026, 3).as_of(D(2026, 10, 5)) == D(2026, 9, 30)
    assert Period(2026).as_of(D(2026, 11, 26)) == D(2026, 11, 26)


REGISTRY = Path(settings.BASE_DIR) / "registry"
# A pattern, what it means, and the only files allowed to spell it.
NOTIONS = [
    (r"(?<!last_)submitted_at__(isnull|lte|lt|gte|gt)", "registered", {"pledges/standing.py"}),
    (r"first_approved_at__", "approved", {"pledges/standing.py"}),
    (r"end_date__(isnull|gt|gte)", "in a cell", {"members/models.py"}),
    (
        r"(today|on|day) (>|<=) deadline|deadline (<|>=) (today|on|day)",
        "late / missing",
        {"pledges/standing.py"},
    ),
    (r"3 \* q|month - 1\) // 3", "quarter arithmetic", {"core/periods.py"}),
    (r'\{1: "I", 2: "II"', "Roman quarters", {"core/periods.py"}),
]


@pytest.mark.parametrize(("pattern", "notion", "owners"), NOTIONS, ids=[n[1] for n in NOTIONS])
def test_no_second_definition(pattern, notion, owners):
    found = set()
    for path in REGISTRY.rglob("*.py"):
        relative = str(path.relative_to(REGISTRY))
        if "/migrations/" in relative or relative in owners:
            continue
        if re.search(pattern, path.read_text(encoding="utf-8")):
            found.add(relative)
    assert found == set(), f"{notion} is defined again in {sorted(found)}"
