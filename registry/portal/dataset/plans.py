"""The plans of the generated province, written as the pledge services would have left them:
each plan's life is a dated sequence of steps (created, submitted, returned, approved,
reopened for amendment …) cut at the day before the dataset's day, and every column the
services keep follows from it: `submitted_at` (the first submission), `last_submitted_at`,
`first_approved_at`, `approved_at`/`approved_by`, items' `approved_at` and `pending_change`,
one snapshot per approval, one transition per step. Reports are filed only on items that
count, from the later of the quarter's start and the item's approval, late when first filed
after the deadline (`standing.is_filed_late`), accepted by the cell that follows the plan."""

import datetime
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from registry.core.periods import Period, end_of_day, quarter_end, quarter_start
from registry.pledges import standing
from registry.pledges.models import (
    Plan,
    PlanItem,
    PlanSnapshot,
    PlanTransition,
    ProgressReport,
    RegistrationExtension,
)
from registry.pledges.services import default_commitment
from registry.programmes.selectors import EffectiveProgramme

from . import words
from .people import ACCOUNT_SHARE, People, Person
from .writer import Ids, Writer

D = datetime.date
S = Plan.Status
R = ProgressReport.Review
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
PLAN_SHARE = 0.88
INDICATOR_SHARE = 0.15  # items that count in a standard indicator of the catalogue
FLUSH_EVERY = 4000  # plans

PATHS = {  # the steps of a plan's life, and how common each life is
    ("create",): 8,
    ("create", "submit"): 4,
    ("create", "submit", "return"): 4,
    ("create", "submit", "return", "submit"): 2,
    ("create", "submit", "approve"): 60,
    ("create", "submit", "return", "submit", "approve"): 8,
    ("create", "submit", "approve", "amend"): 4,
    ("create", "submit", "approve", "amend", "submit"): 3,
    ("create", "submit", "approve", "amend", "submit", "approve"): 7,
}
GAPS = {"submit": (0, 15), "return": (1, 7), "approve": (1, 14), "amend": (20, 150)}  # days
RESUBMIT_GAP = (1, 8)
STATUS_AFTER = {
    "create": S.DRAFT,
    "submit": S.SUBMITTED,
    "return": S.RETURNED,
    "approve": S.APPROVED,
    "amend": S.AMENDING,
}


class Weighted:
    """Values and their weights, ready for `random.choices`."""

    def __init__(self, pairs):
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))


REPORT_STATUSES = Weighted(
    (("done", 45), ("in_progress", 40), ("not_started", 10), ("not_done", 5))
)
LIVES = Weighted(PATHS.items())
PAST_DEADLINE = Weighted((("on_time", 70), ("late", 14), ("partial", 6), ("none", 10)))
BEFORE_DEADLINE = Weighted((("on_time", 25), ("partial", 10), ("none", 65)))


@dataclass
class Item:
    id: int
    position: int
    content: dict
    approved_at: datetime.datetime | None = None
    pending_change: bool = False
    blocked: tuple | None = None  # (from, until) when a change waited for approval


@dataclass
class Quarter:
    """What the reports of one quarter are filed against, computed once."""

    number: int
    opens: datetime.datetime  # its first day, early morning
    cutoff: datetime.datetime  # items approved by then count (`standing.counts_on`)
    deadline: datetime.date | None
    closing: datetime.datetime | None  # the evening of the deadline
    passed: bool  # the deadline is over on the dataset's day


@dataclass
class Context:
    year: int
    on: datetime.date
    last_moment: datetime.datetime
    programme: EffectiveProgramme
    people: People
    rng: random.Random
    ids: Ids
    tz: datetime.tzinfo
    commitment: str = ""
    indicators: list[tuple[int, str]] = field(default_factory=list)  # (id, unit)
    tables: dict = field(default_factory=dict)
    quarters: list[Quarter] = field(default_factory=list)

    def started_quarters(self) -> list[Quarter]:
        """The quarters of the year that began before the dataset's day."""
        result = []
        for q in (1, 2, 3, 4):
            first = quarter_start(self.year, q)
            if first > self.last_moment.date():
                break
            deadline = self.programme.quarter_deadline(q)
            result.append(
                Quarter(
                    q,
                    datetime.datetime.combine(first, datetime.time(7), self.tz),
                    end_of_day(Period(self.year, q).as_of(self.on)),
                    deadline,
                    datetime.datetime.combine(deadline, datetime.time(22), self.tz)
                    if deadline
                    else None,
                    standing.deadline_passed(deadline, self.on),
                )
            )
        return result

    def at(self, day: datetime.date) -> datetime.datetime:
        """A moment of office hours on `day`."""
        minutes = 420 + int(self.rng.random() * 840)
        return datetime.datetime(day.year, day.month, day.day, tzinfo=self.tz) + datetime.timedelta(
            minutes=minutes
        )

    def pick(self, weighted: "Weighted"):
        return self.rng.choices(weighted.values, cum_weights=weighted.cumulative)[0]


def _declare(writer: Writer) -> dict:
    return {
        "plans": writer.table(
            Plan,
            "id", "member", "year", "cell", "status", "study_content", "commitment",
            "committed_at", "submitted_at", "last_submitted_at", "first_approved_at",
            "approved_at", "approved_by", "self_assessment", "proposed_rating",
            "self_assessed_at", "created_at", "updated_at",
        ),
        "extensions": writer.table(
            RegistrationExtension, "id", "member", "year", "until", "granted_by", "granted_at"
        ),
        "items": writer.table(
            PlanItem,
            "id", "plan", "position", "action", "measures", "expected_result", "indicator",
            "target_value", "target_unit", "deadline", "quarter", "is_breakthrough",
            "approved_at", "pending_change",
        ),
        "snapshots": writer.table(
            PlanSnapshot, "id", "plan", "approved_at", "approved_by", "content"
        ),
        "transitions": writer.table(
            PlanTransition, "id", "plan", "from_status", "to_status", "at", "by", "comment"
        ),
        "reports": writer.table(
            ProgressReport,
            "id", "item", "quarter", "status", "value_reached", "account", "reason", "is_late",
            "first_filed_at", "filed_at", "filed_by", "review", "reviewed_at", "reviewed_by",
            "review_comment",
        ),
    }  # fmt: skip


def _item_content(ctx: Context, breakthrough: bool) -> dict:
    rng = ctx.rng
    unit, low, high = rng.choice(words.TARGETS)
    quarter = rng.choice((None, 2, 3, 4))
    indicator = None
    if ctx.indicators and rng.random() < INDICATOR_SHARE:
        # The item counts in an indicator: its target is in the indicator's unit.
        indicator, unit = rng.choice(ctx.indicators)
    return {
        "action": rng.choice(words.ACTIONS),
        "measures": rng.choice(words.MEASURES),
        "expected_result": rng.choice(words.RESULTS),
        "indicator": indicator,
        "target_value": str(rng.randint(low, high)),
        "target_unit": unit,
        "deadline": quarter_end(ctx.year, quarter or 4).isoformat(),
        "quarter": quarter,
        "is_breakthrough": breakthrough,
    }


def _decider(ctx: Context, person: Person, day: datetime.date) -> int | None:
    cell = person.cell_on(day)
    leaders = ctx.people.leaders.get(cell.id) if cell else None
    return leaders.decider_for(person.user_id) if leaders else None


def _steps(ctx: Context, person: Person) -> list[tuple[str, datetime.datetime, int | None]]:
    """The plan's life up to the last moment: (step, when, who decided)."""
    rng, programme = ctx.rng, ctx.programme
    path = ctx.pick(LIVES)
    opens, closes = programme.registration_opens, programme.registration_closes
    day = opens - 5 * DAY + rng.randint(0, max(0, (closes - opens).days - 5)) * DAY
    done: list[tuple[str, datetime.datetime, int | None]] = []
    for step in path:
        if step != "create":
            again = step == "submit" and done[-1][0] != "create"
            low, high = RESUBMIT_GAP if again else GAPS[step]
            day = day + rng.randint(low, high) * DAY
        if step == "submit" and len(done) == 1:
            day = max(day, opens)
            if day > closes and rng.random() < 0.9:
                day = closes  # most who are late submit on the last day; the rest ask
        when = ctx.at(day)
        if done and when <= done[-1][1]:  # the same day: a little later than the step before
            when = done[-1][1] + rng.randint(5, 120) * MINUTE
        if when > ctx.last_moment:
            break
        by = person.user_id
        if step in ("approve", "return"):
            by = _decider(ctx, person, day)
            if by is None:
                break
        done.append((step, when, by))
    return done


def _extension(ctx: Context, person: Person, first_submit: datetime.datetime) -> None:
    """A first submission after the window closed needs the secretary's late registration."""
    day = first_submit.date()
    by = _decider(ctx, person, day)
    ctx.tables["extensions"].add(
        ctx.ids.take(RegistrationExtension),
        person.member_id,
        ctx.year,
        day + 3 * DAY,
        by,
        first_submit - DAY,
    )


def _snapshot(ctx: Context, plan_id: int, items: list[Item], at, by, study: str) -> None:
    content = {
        "study_content": study,
        "commitment": ctx.commitment,
        "items": [{"id": i.id, "position": i.position, **i.content} for i in items],
    }
    ctx.tables["snapshots"].add(ctx.ids.take(PlanSnapshot), plan_id, at, by, content)


def _items_through(ctx: Context, plan_id: int, steps, study: str) -> list[Item]:
    """The plan's items, following its steps: base items at creation; an amendment adds one
    and may change another (a change waits for the next approval)."""
    rng = ctx.rng
    n = rng.randint(2, 4)
    breakthrough = rng.random() < 0.2
    first = ctx.ids.take(PlanItem, n + 1)
    items = [Item(first + k, k + 1, _item_content(ctx, breakthrough and k == 0)) for k in range(n)]
    amended_at = None
    changed: Item | None = None
    for step, when, by in steps:
        if step == "amend":
            amended_at = when
            items.append(Item(first + n, n + 1, _item_content(ctx, False)))
            if rng.random() < 0.5:
                changed = items[1]
                changed.content = {**changed.content, "target_value": str(rng.randint(2, 30))}
                changed.pending_change = True
        elif step == "approve":
            for item in items:
                if item.approved_at is None:
                    item.approved_at = when
            if changed is not None and changed.pending_change:
                changed.pending_change = False
                changed.blocked = (amended_at, when)
            _snapshot(ctx, plan_id, items, when, by, study)
    if changed is not None and changed.pending_change:
        changed.blocked = (amended_at, None)
    return items


def _write_items(ctx: Context, plan_id: int, items: list[Item]) -> None:
    for item in items:
        c = item.content
        ctx.tables["items"].add(
            item.id, plan_id, item.position, c["action"], c["measures"], c["expected_result"],
            c["indicator"], Decimal(c["target_value"]), c["target_unit"],
            D.fromisoformat(c["deadline"]), c["quarter"], c["is_breakthrough"], item.approved_at,
            item.pending_change,
        )  # fmt: skip


def _write_plan(ctx: Context, person: Person, plan_id: int, steps, study: str) -> None:
    submits = [when for step, when, _by in steps if step == "submit"]
    approvals = [(when, by) for step, when, by in steps if step == "approve"]
    created = steps[0][1]
    cell = person.cell_on(created.date())
    ctx.tables["plans"].add(
        plan_id, person.member_id, ctx.year, cell.id, STATUS_AFTER[steps[-1][0]], study,
        ctx.commitment, submits[-1] if submits else None, submits[0] if submits else None,
        submits[-1] if submits else None, approvals[0][0] if approvals else None,
        approvals[-1][0] if approvals else None, approvals[-1][1] if approvals else None,
        "", "", None, created, steps[-1][1],
    )  # fmt: skip
    previous = ""
    for step, when, by in steps:
        to = STATUS_AFTER[step]
        comment = ""
        if step == "return":
            comment = ctx.rng.choice(words.RETURN_COMMENTS)
        elif step == "amend":
            comment = ctx.rng.choice(words.AMEND_REASONS)
        ctx.tables["transitions"].add(
            ctx.ids.take(PlanTransition), plan_id, previous, to, when, by, comment
        )
        previous = to
    if submits and submits[0].date() > ctx.programme.registration_closes:
        _extension(ctx, person, submits[0])


def _filing_window(ctx: Context, item: Item, q: Quarter, late: bool):
    """(earliest, latest) moment a report of the item for quarter `q` can be first filed, on
    time or late; None when there is no such moment."""
    earliest = max(q.opens, item.approved_at + HOUR)
    latest = ctx.last_moment
    if q.closing is not None:
        if late:
            earliest = max(earliest, q.closing + DAY)
            latest = min(latest, q.closing + 40 * DAY)
        else:
            latest = min(latest, q.closing)
    if item.blocked and item.blocked[1] is None:
        latest = min(latest, item.blocked[0])
    return (earliest, latest) if earliest < latest else None


def _moment(ctx: Context, item: Item, window) -> datetime.datetime | None:
    """A moment in the window, outside the time a change of the item waited for approval."""
    earliest, latest = window
    span = (latest - earliest).total_seconds()
    moment = earliest + datetime.timedelta(seconds=int(ctx.rng.random() * span))
    if item.blocked and item.blocked[1] and item.blocked[0] <= moment < item.blocked[1]:
        moment = item.blocked[1] + HOUR
    return moment if moment <= latest else None


def _behaviour(ctx: Context, q: Quarter) -> str:
    return ctx.pick(PAST_DEADLINE if q.passed else BEFORE_DEADLINE)


def _report(ctx: Context, person: Person, item: Item, q: Quarter, first_filed) -> None:
    rng = ctx.rng
    status = ctx.pick(REPORT_STATUSES)
    target = Decimal(item.content["target_value"])
    value = None
    if status in ("done", "in_progress"):
        value = (target * Decimal(rng.randint(30, 110)) / 100).quantize(Decimal("1"))
    late = standing.is_filed_late(first_filed.date(), q.deadline)
    filed = first_filed
    review, reviewed_at, reviewed_by, comment = R.PENDING, None, None, ""
    roll = rng.random()
    if roll < 0.69:
        moment = first_filed + rng.randint(1, 12) * DAY
        decider = _decider(ctx, person, moment.date())
        if moment <= ctx.last_moment and decider is not None:
            review, reviewed_at, reviewed_by = R.ACCEPTED, moment, decider
            if roll < 0.04:
                review, comment = R.MORE_NEEDED, rng.choice(words.MORE_NEEDED)
    elif roll > 0.95:
        filed = min(first_filed + rng.randint(1, 10) * DAY, ctx.last_moment)
    ctx.tables["reports"].add(
        ctx.ids.take(ProgressReport), item.id, q.number, status, value, rng.choice(words.ACCOUNTS),
        rng.choice(words.NOT_DONE_REASONS) if status == "not_done" else "", late, first_filed,
        filed, person.user_id, review, reviewed_at, reviewed_by, comment,
    )  # fmt: skip


def _reports(ctx: Context, person: Person, items: list[Item]) -> None:
    for q in ctx.quarters:
        counting = [i for i in items if i.approved_at is not None and i.approved_at <= q.cutoff]
        behaviour = _behaviour(ctx, q)
        for n, item in enumerate(counting):
            if behaviour == "none" or (behaviour == "partial" and n == 0):
                continue
            window = _filing_window(ctx, item, q, late=behaviour == "late")
            if window is None and behaviour != "late":
                window = _filing_window(ctx, item, q, late=True)
            moment = _moment(ctx, item, window) if window else None
            if moment is not None:
                _report(ctx, person, item, q, moment)


def _plan(ctx: Context, person: Person) -> None:
    steps = _steps(ctx, person)
    if not steps:
        return
    plan_id = ctx.ids.take(Plan)
    study = f"Chuyên đề năm {ctx.year}; Chỉ thị 05-CT/TW và các văn bản của chi bộ."
    items = _items_through(ctx, plan_id, steps, study)
    _write_plan(ctx, person, plan_id, steps, study)
    _write_items(ctx, plan_id, items)
    if any(step == "approve" for step, _w, _b in steps):
        _reports(ctx, person, items)


def build(*, ctx: Context, writer: Writer) -> None:
    ctx.tables = _declare(writer)
    ctx.commitment = default_commitment(ctx.year)
    ctx.quarters = ctx.started_quarters()
    made = 0
    for person in ctx.people.persons:
        if person.user_id is None or ctx.rng.random() > PLAN_SHARE / ACCOUNT_SHARE:
            continue
        _plan(ctx, person)
        made += 1
        if made % FLUSH_EVERY == 0:
            writer.flush()
    writer.flush()
