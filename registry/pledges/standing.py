"""The standing of people, plans and reports at a date: the one definition of each notion.

The cell overview, the reviews and their charts (page and PDF), the reminders, the member's
to-do list and every export ask here; nothing else derives these notions.

- **In a cell on a day**: a membership period covering the day (`Membership.objects.at`);
  the party group is the period's. A transfer or a change of party group starts a new period.
- **Registered by a day**: the plan of the year was submitted at least once by the end of that
  day (a returned plan stays registered; a draft does not).
- **Approved by a day**: the plan's first approval happened by then (an amendment under way
  does not undo it).
- **An item counts from the approval that included it** (`PlanItem.approved_at`): an item
  added in an amendment counts, and can be reported, once the amendment is approved. An item
  changed in an amendment keeps counting as the version the cell approved, but cannot be
  reported until the change is approved (`PlanItem.pending_change`).
- **A quarter's report of an item**, looked at on a day: *not required* if the item did not
  count by the end of the quarter (or by that day, if earlier); *on time* or *late* once filed
  (late = first filed after the quarter's deadline); else *missing* once the deadline has
  passed; else *not yet due*. A plan's quarter is on time when every item that counts is
  reported and none late, late when all are reported and one late, missing when the deadline
  has passed with one unreported, not yet due otherwise.
- **Where a quarter is counted**: in the cell the member belonged to at the quarter's end (or
  on the day the figures are taken, if earlier). So a quarter closed before a transfer stays
  with the sending cell, later quarters go with the member, and a unit above both counts the
  member once.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q

from registry.core.periods import QUARTERS, Period, end_of_day
from registry.members.models import Member, Membership
from registry.programmes.selectors import programme_for, programmes_for_many
from registry.units.models import Unit

from .models import Plan, PlanItem, ProgressReport

REPORT_STATUSES = [s for s, _label in ProgressReport.Status.choices]
NOT_REPORTED = "none"  # the chart's series for items that count but have no report


class ReportState:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_DUE = "not_due"
    NOT_REQUIRED = "not_required"

    ORDER = (ON_TIME, LATE, MISSING, NOT_DUE)  # the states a plan's quarter is counted in


# --- People --------------------------------------------------------------------------------


def members_on(day: datetime.date):
    """Membership periods covering `day`: who was in which cell and party group."""
    return Membership.objects.at(day)


def current_members():
    """Membership periods open today."""
    return Membership.objects.current()


# --- Plans ---------------------------------------------------------------------------------


def registered_q(by: datetime.date | None = None) -> Q:
    """Plans registered by the end of `by` (by now when None), as a filter on plans."""
    if by is None:
        return Q(submitted_at__isnull=False)
    return Q(submitted_at__lte=end_of_day(by))


def _by(moment: datetime.datetime | None, cutoff: datetime.datetime) -> bool:
    return moment is not None and moment <= cutoff


def is_registered(submitted_at: datetime.datetime | None, by: datetime.date) -> bool:
    return _by(submitted_at, end_of_day(by))


def approved_q(by: datetime.date | None = None, prefix: str = "") -> Q:
    """Plans approved (at least once) by the end of `by` (by now when None), as a filter."""
    if by is None:
        return Q(**{f"{prefix}first_approved_at__isnull": False})
    return Q(**{f"{prefix}first_approved_at__lte": end_of_day(by)})


def is_approved(first_approved_at: datetime.datetime | None, by: datetime.date) -> bool:
    return _by(first_approved_at, end_of_day(by))


# --- Items and reports ---------------------------------------------------------------------


def counts_on(approved_at: datetime.datetime | None, day: datetime.date) -> bool:
    """An item counts from the approval that included it."""
    return _by(approved_at, end_of_day(day))


def item_counts_q(day: datetime.date, prefix: str = "") -> Q:
    """Items that count on `day`, as a filter (on items, or through `prefix`, e.g. "item__")."""
    return Q(**{f"{prefix}approved_at__lte": end_of_day(day)})


def quarter_day(period: Period, on: datetime.date) -> datetime.date:
    """The day that decides which items a quarter requires and which cell counts it."""
    return period.as_of(on)


def counting_cell(plan: Plan, period: Period, on: datetime.date) -> Unit:
    """The cell that counts the plan's quarter: the member's on the quarter's day (the cell
    where the plan was made if the member was in none that day)."""
    return counting_cells(plan, [period], on)[period]


def counting_cells(plan: Plan, periods: list[Period], on: datetime.date) -> dict[Period, Unit]:
    """`counting_cell` for several quarters of the plan's year: one query."""
    days = {period: quarter_day(period, on) for period in periods}
    if not days:
        return {}
    rows = list(
        Membership.objects.during(min(days.values()), max(days.values()))
        .filter(member_id=plan.member_id)
        .select_related("cell")
        .order_by("start_date", "pk")
    )
    return {
        period: next((row.cell for row in rows if row.covers(day)), plan.cell)
        for period, day in days.items()
    }


def quarter_deadline(plan: Plan, period: Period, on: datetime.date) -> datetime.date | None:
    """The plan's deadline for the quarter: that of the programme of the counting cell."""
    cell = counting_cell(plan, period, on)
    return programme_for(unit=cell, year=period.year).quarter_deadline(period.quarter)


def deadline_passed(deadline: datetime.date | None, on: datetime.date) -> bool:
    """The deadline is over on `on` (the day after it). No deadline set: never over."""
    return deadline is not None and on > deadline


def is_filed_late(filed_on: datetime.date, deadline: datetime.date | None) -> bool:
    """A report first filed after its quarter's deadline is late (and stays so)."""
    return deadline_passed(deadline, filed_on)


def year_closes(year: int) -> datetime.date:
    """After this day a year's missing reports are no longer asked for (its year-end review
    is due by then)."""
    return datetime.date(year + 1, 1, 31)


def quarter_state(
    *, required: int, filed: int, late: bool, deadline: datetime.date | None, on: datetime.date
) -> str:
    """The state of a quarter's reports, looked at on `on`, for `required` items that count
    of which `filed` are reported (`late`: one of them was filed late). For one item, pass
    required=1 or 0. The one definition of on time, late, missing and not yet due."""
    if required == 0:
        return ReportState.NOT_REQUIRED
    if filed >= required:
        return ReportState.LATE if late else ReportState.ON_TIME
    if deadline_passed(deadline, on):
        return ReportState.MISSING
    return ReportState.NOT_DUE


def filed_by(report: ProgressReport, on: datetime.date) -> bool:
    """The report existed on `on` (its first filing counts; corrections do not move it)."""
    return _by(report.first_filed_at, end_of_day(on))


def filed_by_q(on: datetime.date, prefix: str = "") -> Q:
    """`filed_by` as a filter (on reports, or through `prefix`, e.g. "reports__")."""
    return Q(**{f"{prefix}first_filed_at__lte": end_of_day(on)})


def item_quarter_state(
    item: PlanItem,
    report: ProgressReport | None,
    period: Period,
    deadline: datetime.date | None,
    on: datetime.date,
) -> str:
    """`quarter_state` for one item (uses loaded objects; no query)."""
    required = counts_on(item.approved_at, quarter_day(period, on))
    filed = report is not None and filed_by(report, on)
    return quarter_state(
        required=int(required),
        filed=int(filed),
        late=bool(filed and report.is_late),
        deadline=deadline,
        on=on,
    )


def reportable(item: PlanItem, period: Period, today: datetime.date) -> tuple[bool, str]:
    """May the member report on `item` for the quarter today? (allowed, why not)."""
    if today < period.start:
        return False, "not_started"
    if not counts_on(item.approved_at, quarter_day(period, today)):
        return False, "not_counted"
    if item.pending_change:
        return False, "changed"
    return True, ""


# --- Many cells at once --------------------------------------------------------------------


@dataclass
class PersonRow:
    member_id: int
    cell_id: int
    group_id: int | None
    is_party: bool


@dataclass
class PlanRow:
    id: int
    member_id: int
    submitted_at: datetime.datetime | None
    first_approved_at: datetime.datetime | None
    items: int = 0  # items that count on the quarter's day
    breakthrough: int = 0
    filed: int = 0
    late: bool = False
    by_status: Counter = field(default_factory=Counter)
    state: str = ReportState.NOT_REQUIRED


@dataclass
class CellStanding:
    """One cell, one quarter, looked at on `on`: the people counted there (those in the cell
    on `as_of`), their plans of the year and each plan's quarter."""

    cell_id: int
    period: Period
    as_of: datetime.date
    on: datetime.date
    deadline: datetime.date | None
    people: list[PersonRow] = field(default_factory=list)
    plans: dict[int, PlanRow] = field(default_factory=dict)  # by member id

    @property
    def party(self) -> list[PersonRow]:
        return [p for p in self.people if p.is_party]

    @cached_property
    def _cutoff(self) -> datetime.datetime:
        return end_of_day(self.as_of)

    def is_registered(self, member_id: int) -> bool:
        """`is_registered` on the quarter's day."""
        plan = self.plans.get(member_id)
        return plan is not None and _by(plan.submitted_at, self._cutoff)

    def approved_plans(self) -> list[PlanRow]:
        """`is_approved` on the quarter's day."""
        return [p for p in self.plans.values() if _by(p.first_approved_at, self._cutoff)]

    def plans_in_state(self, state: str) -> list[PlanRow]:
        return [p for p in self.approved_plans() if p.state == state]

    def plan_ids_in_state(self, state: str) -> list[int]:
        return [p.id for p in self.plans_in_state(state)]

    def compact(self) -> list[list]:
        """Who the figures count and how, as kept beside them (`cells.kept`), by member:
        [member id, party group id, party member (0/1), registered (0/1), plan id,
        the plan's quarter if approved ("" if not; missing and not yet due both "open",
        split when read)]."""
        approved = {p.id for p in self.approved_plans()}
        rows = []
        for person in sorted(self.people, key=lambda p: p.member_id):
            plan = self.plans.get(person.member_id)
            state = ""
            if plan is not None and plan.id in approved:
                state = (
                    OPEN if plan.state in (ReportState.MISSING, ReportState.NOT_DUE) else plan.state
                )
            rows.append([
                person.member_id, person.group_id, int(person.is_party),
                int(self.is_registered(person.member_id)), plan.id if plan else None, state,
            ])  # fmt: skip
        return rows

    def counts(self) -> dict:
        """The figures every page and document shows for this cell and quarter."""
        party = self.party
        participants = [p for p in self.people if not p.is_party]
        approved = self.approved_plans()
        by_status = Counter()
        for plan in approved:
            by_status.update(plan.by_status)
        items = sum(p.items for p in approved)
        reported = sum(by_status.values())
        states = Counter(p.state for p in approved)
        return {
            "members": len(party),
            "registered": sum(self.is_registered(p.member_id) for p in party),
            "participants": len(participants),
            "participants_registered": sum(self.is_registered(p.member_id) for p in participants),
            "approved_plans": len(approved),
            "items": items,
            "breakthrough": sum(p.breakthrough for p in approved),
            **{f"items_{s}": by_status.get(s, 0) for s in REPORT_STATUSES},
            "items_not_reported": max(items - reported, 0),
            **{f"reports_{s}": states.get(s, 0) for s in ReportState.ORDER},
        }


OPEN = "open"  # a compact standing's quarter not reported in full: missing or not yet due


@dataclass
class CompactStanding:
    """A cell's quarter read back from its compact form (`CellStanding.compact`): what the
    overview lists need, without loading the people, plans and reports again."""

    cell_id: int
    period: Period
    as_of: datetime.date
    on: datetime.date
    deadline: datetime.date | None
    rows: list[list]

    @cached_property
    def people(self) -> list[PersonRow]:
        return [PersonRow(r[0], self.cell_id, r[1], bool(r[2])) for r in self.rows]

    @cached_property
    def _registered(self) -> set[int]:
        return {r[0] for r in self.rows if r[3]}

    def is_registered(self, member_id: int) -> bool:
        return member_id in self._registered

    def plan_ids_in_state(self, state: str) -> list[int]:
        """Approved plans whose quarter is in `state` (missing or not yet due: by the deadline
        as seen on `on`)."""
        if state in (ReportState.MISSING, ReportState.NOT_DUE):
            passed = deadline_passed(self.deadline, self.on)
            if passed != (state == ReportState.MISSING):
                return []
            state = OPEN
        return [r[4] for r in self.rows if r[5] == state]


def _load(periods, period: Period, on: datetime.date, programmes=None):
    """People in `periods` (membership periods covering the quarter's day), their plans of the
    year with each plan's quarter, and each cell's deadline. Four queries, and one for the
    programmes unless given ({cell id: EffectiveProgramme})."""
    as_of = quarter_day(period, on)
    people: dict[int, PersonRow] = {}
    for member_id, cell_id, group_id, category in periods.values_list(
        "member_id", "cell_id", "group_id", "member__category"
    ):
        people[member_id] = PersonRow(
            member_id, cell_id, group_id, category == Member.Category.PARTY_MEMBER
        )
    if programmes is None:
        cells = Unit.objects.filter(pk__in={p.cell_id for p in people.values()})
        programmes = programmes_for_many(units=cells, year=period.year)
    deadlines = {pk: p.quarter_deadline(period.quarter) for pk, p in programmes.items()}
    plan_qs = Plan.objects.filter(year=period.year, member_id__in=periods.values("member_id"))
    plans: dict[int, PlanRow] = {}
    by_id: dict[int, PlanRow] = {}
    for row in plan_qs.values_list("id", "member_id", "submitted_at", "first_approved_at"):
        plan = PlanRow(*row)
        plans[plan.member_id] = by_id[plan.id] = plan
    for plan_id, n, breakthrough in (
        PlanItem.objects.filter(item_counts_q(as_of), plan__in=plan_qs)
        .values_list("plan_id")
        .annotate(n=Count("id"), b=Count("id", filter=Q(is_breakthrough=True)))
    ):
        by_id[plan_id].items, by_id[plan_id].breakthrough = n, breakthrough
    for plan_id, status, late, n in (
        ProgressReport.objects.filter(
            item_counts_q(as_of, "item__"),
            item__plan__in=plan_qs,
            quarter=period.quarter,
            first_filed_at__lte=end_of_day(on),
        )
        .values_list("item__plan_id", "status", "is_late")
        .annotate(n=Count("id"))
    ):
        plan = by_id[plan_id]
        plan.filed += n
        plan.late |= late
        plan.by_status[status] += n
    for plan in plans.values():
        plan.state = quarter_state(
            required=plan.items,
            filed=plan.filed,
            late=plan.late,
            deadline=deadlines.get(people[plan.member_id].cell_id),
            on=on,
        )
    return people, plans, deadlines


def standing_of_cells(
    *, cells: list[Unit], period: Period, on: datetime.date, programmes=None
) -> dict[int, CellStanding]:
    """The standing of every cell in `cells` for the quarter `period`, looked at on `on`.
    A fixed number of queries, whatever the number of cells, people, plans and reports
    (`programmes`, {cell id: EffectiveProgramme} of the year, saves one when given)."""
    assert not period.is_year, "a quarter"
    if not cells:
        return {}
    cells = list(cells)
    as_of = quarter_day(period, on)
    programmes = programmes or programmes_for_many(units=cells, year=period.year)
    people, plans, deadlines = _load(
        members_on(as_of).filter(cell_id__in=[c.pk for c in cells]), period, on, programmes
    )
    result = {
        cell.pk: CellStanding(
            cell_id=cell.pk, period=period, as_of=as_of, on=on, deadline=deadlines[cell.pk]
        )
        for cell in cells
    }
    for person in people.values():
        result[person.cell_id].people.append(person)
    for plan in plans.values():
        result[people[plan.member_id].cell_id].plans[plan.member_id] = plan
    return result


@dataclass
class MemberQuarter:
    """One member's quarter: the cell counting it, its deadline, the plan (if any)."""

    person: PersonRow
    deadline: datetime.date | None
    plan: PlanRow | None


def standing_of_members(
    *, member_ids, period: Period, on: datetime.date
) -> dict[int, MemberQuarter]:
    """The quarter of each of these members (those in a cell on the quarter's day)."""
    people, plans, deadlines = _load(
        members_on(quarter_day(period, on)).filter(member_id__in=member_ids), period, on
    )
    return {
        member_id: MemberQuarter(person, deadlines.get(person.cell_id), plans.get(member_id))
        for member_id, person in people.items()
    }


def unreported(period: Period, on: datetime.date):
    """Items that the quarter requires (they count on its day) and that have no report filed
    by `on`, of every plan: the set-based form of a plan's quarter being *missing* or *not yet
    due* (`quarter_state`), which is exactly having one of these. Filter it by plan, or use it
    as a subquery (`Exists`, a count) over many plans at once."""
    filed = ProgressReport.objects.filter(
        item=OuterRef("pk"), quarter=period.quarter, first_filed_at__lte=end_of_day(on)
    )
    return PlanItem.objects.filter(item_counts_q(quarter_day(period, on)), ~Exists(filed))


def unreported_items(*, user_id: int, year: int, quarter: int, on: datetime.date) -> list[int]:
    """Items of the person's plan that the quarter requires and that have no report filed by
    `on` (what a "report due" reminder is about)."""
    return list(
        unreported(Period(year, quarter), on)
        .filter(plan__member__user_id=user_id, plan__year=year)
        .values_list("id", flat=True)
    )


def quarters_up_to(period: Period) -> list[Period]:
    """The quarters a review of `period` charts: I … its last quarter."""
    return [Period(period.year, q) for q in QUARTERS if q <= period.last_quarter]


def chart_series(counts_by_quarter: dict[int, dict]) -> dict[str, dict[str, int]]:
    """{quarter: {status: n, "none": n}} from each quarter's `counts()`: what the chart of a
    page and of its PDF both draw (the items not reported included)."""
    return {
        str(q): {
            **{s: c[f"items_{s}"] for s in REPORT_STATUSES},
            NOT_REPORTED: c["items_not_reported"],
        }
        for q, c in counts_by_quarter.items()
    }
