"""Who is due which reminder on a given day, worked out by the database, batch by batch.

A batch names its people (`in_cells`: the people its cells count; `named`: given members).
Every rule runs a fixed number of queries per batch, whatever its size, and leaves out what
the inbox already holds, so that no row is built twice:

- the member rules (registration closing, a quarter's reports due or overdue) are queries
  that select the new inbox rows themselves, key, step and details included, one for each
  year or quarter for which something can be due today;
  `notifications.services.record_selected` inserts them with one INSERT … SELECT, so no row
  passes through Python. Each condition is a lookup by index for each row (`_one`), in an
  order that asks the inbox first (`_new`);
- the rules for the people who act for a unit (plans waiting, reports to accept, review
  drafts) find few rows: they are worked out from value tuples, and recorded with
  `notifications.services.record_rows`.

Nothing here writes. What "registered", "approved", "missing" or "a quarter's deadline" mean
is `pledges.standing`'s; who may act on a plan or a review is `access.policy`'s; the keys are
their apps' (`*/reminders.py`)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONObject
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils import timezone

from registry.access import policy
from registry.access.models import RoleAssignment
from registry.core.periods import QUARTERS, Period
from registry.members.models import Member, Membership
from registry.notifications.models import Notification
from registry.pledges import reminders as plan_keys
from registry.pledges import standing
from registry.pledges.models import Plan, ProgressReport, RegistrationExtension
from registry.programmes.selectors import programmes_for_many
from registry.reviews import reminders as review_keys
from registry.reviews.models import Review
from registry.units.models import Unit

REGISTRATION_STEPS = (1, 3, 7)  # days before registration closes
REPORT_STEPS = (1, 7)  # days before a quarterly deadline
APPROVAL_WAITING_DAYS = 5
REVIEW_DRAFT_DAYS = 3


@dataclass(frozen=True)
class People:
    """Whom a batch reminds: the people its cells count (`in_cells`), or given members
    (`named`), as a filter on membership periods."""

    cells: frozenset | None = None
    members: tuple | None = None

    def periods(self, periods, cells):
        """The periods among `periods` (in the cells `cells`) that are these people's."""
        if self.cells is not None:
            return periods.filter(cell_id__any=sorted(self.cells.intersection(cells)))
        return periods.filter(member_id__any=list(self.members), cell_id__any=sorted(cells))

    def units(self):
        """The cells these people are, or have been, in."""
        if self.cells is not None:
            return Unit.objects.filter(pk__in=sorted(self.cells), kind__is_cell=True)
        return Unit.objects.filter(
            pk__in=Membership.objects.filter(member_id__in=self.members).values("cell_id")
        )


def in_cells(cell_ids) -> People:
    """The people these cells count: a reminder goes with the membership period that names its
    cell (today's for registration, the quarter's day's for a report), so a batch of cells
    reminds each person about its own cells only, and every reminder falls in one batch."""
    return People(cells=frozenset(cell_ids))


def named(member_ids) -> People:
    """These people, whatever their cells."""
    return People(members=tuple(member_ids))


def _step_before(days_left: int, steps: tuple[int, ...]) -> str | None:
    """The most urgent step that applies: 2 days left → the 3-day step."""
    for step in sorted(steps):
        if 0 <= days_left <= step:
            return f"{step}d"
    return None


def _report_step(deadline: datetime.date | None, today: datetime.date) -> str | None:
    """Before the deadline: the 7-day and 1-day steps; after it, one step a week."""
    if deadline is None:
        return None
    days = (deadline - today).days
    return _step_before(days, REPORT_STEPS) if days >= 0 else plan_keys.overdue_step(-days)


def _by(column: str, values: dict, output_field):
    """A value that depends on the row's `column` (a cell, a day), known for each of its
    values: one constant when they all agree (one programme for the whole batch, the usual
    case), else a CASE."""
    groups = defaultdict(list)
    for key, value in values.items():
        groups[value].append(key)
    if len(groups) <= 1:
        return Value(next(iter(groups), None), output_field=output_field)
    return Case(
        *(
            When(**{f"{column}__in": keys}, then=Value(value, output_field=output_field))
            for value, keys in groups.items()
        ),
        output_field=output_field,
    )


def _one(queryset, field: str = "pk"):
    """A value looked up for each row: a scalar subquery, which the database answers with one
    index probe per row of the batch (an EXISTS or a join may instead be planned as a scan
    of the whole table, which costs as much for a batch of ten as for the province)."""
    return Subquery(queryset.order_by().values(field)[:1])


def _with_account(periods):
    """Membership periods of people who can sign in, with their account (`r_user`)."""
    return periods.annotate(
        r_user=_one(Member.objects.filter(pk=OuterRef("member_id")), "user_id")
    ).filter(r_user__isnull=False)


def _new(rule: str, *conditions):
    """The row's reminder (`r_user`, `r_key`, `r_step`) is not in the inbox yet, and then each
    of `conditions`, in this order: a CASE, so that the database looks in the inbox first and
    asks the dearer conditions only of the rows not there (a second sweep asks nothing more)."""
    in_inbox = _one(
        Notification.objects.filter(
            user_id=OuterRef("r_user"), rule=rule, period=OuterRef("r_key"), step=OuterRef("r_step")
        )
    )
    return Case(
        When(IsNull(in_inbox, False), then=Value(False)),
        *(When(~Q(condition), then=Value(False)) for condition in conditions),
        default=Value(True),
        output_field=BooleanField(),
    )


class Programmes:
    """The programme of each cell the batch's people are or were in, per year: one query for
    the cells, and one per year asked for (shared by the rules of a batch)."""

    def __init__(self, people: People):
        self.cells = list(people.units())
        self.years: dict[int, dict] = {}

    def __call__(self, year: int) -> dict:
        if year not in self.years:
            self.years[year] = programmes_for_many(units=self.cells, year=year)
        return self.years[year]


def member_reminders(
    people: People, today: datetime.date, programmes: Programmes | None = None
) -> list:
    """Registration closing, and quarterly reports due soon or overdue (overdue ones once a
    week until filed, or until the year closes), for `people`. Returns `values()` queries of
    the new inbox rows (`record_selected`'s columns), one for each year and quarter for which
    something can be due today."""
    programmes = programmes or Programmes(people)
    if not programmes.cells:
        return []
    return [*_registration(people, today, programmes), *_reports(people, today, programmes)]


def _registration(people: People, today: datetime.date, programmes: Programmes) -> list:
    window = {today + datetime.timedelta(days=d): d for d in range(max(REGISTRATION_STEPS) + 1)}
    steps = {day: _step_before(days, REGISTRATION_STEPS) for day, days in window.items()}
    result = []
    for year in (today.year, today.year + 1):
        opened = {
            cell_id: p
            for cell_id, p in programmes(year).items()
            if not (p.registration_opens and today < p.registration_opens)
        }
        if not opened:
            continue
        in_opened = people.periods(standing.current_members(), opened)
        registered = Plan.objects.filter(
            standing.registered_q(), member_id=OuterRef("member_id"), year=year
        )
        extension = RegistrationExtension.objects.filter(member_id=OuterRef("member_id"), year=year)
        url = Value(reverse("pledges:my_plan_year", args=[year]))
        # Those whose cell's registration closes within the steps (and no late registration).
        closing = {
            c: p.registration_closes for c, p in opened.items() if p.registration_closes in window
        }
        if closing:
            result.append(
                _with_account(in_opened.filter(cell_id__in=list(closing)))
                .annotate(
                    r_key=plan_keys.registration_key_sql("cell_id", year=year),
                    r_step=_by("cell_id", {c: steps[d] for c, d in closing.items()}, CharField()),
                )
                .filter(
                    _new(
                        plan_keys.REGISTRATION_CLOSING,
                        Q(IsNull(_one(registered), True)),
                        Q(IsNull(_one(extension), True)),
                    )
                )
                .values(
                    user_id=F("r_user"),
                    rule=Value(plan_keys.REGISTRATION_CLOSING),
                    period=F("r_key"),
                    step=F("r_step"),
                    due=_by("cell_id", closing, DateField()),
                    url=url,
                    params=JSONObject(
                        year=Value(year),
                        days=_by(
                            "cell_id", {c: window[d] for c, d in closing.items()}, IntegerField()
                        ),
                    ),
                )
            )
        # Those given a late registration that closes within the steps (a few rows, if any).
        if not RegistrationExtension.objects.filter(year=year, until__in=list(window)).exists():
            continue
        result.append(
            RegistrationExtension.objects.filter(
                year=year,
                until__in=list(window),
                member_id__in=in_opened.values("member_id"),
            )
            .annotate(
                r_user=F("member__user_id"),
                r_key=plan_keys.registration_key_sql(
                    _one(
                        standing.current_members().filter(member_id=OuterRef("member_id")),
                        "cell_id",
                    ),
                    year=year,
                ),
                r_step=_by("until", steps, CharField()),
            )
            .filter(
                _new(plan_keys.REGISTRATION_CLOSING, Q(IsNull(_one(registered), True))),
                r_user__isnull=False,
            )
            .values(
                user_id=F("r_user"),
                rule=Value(plan_keys.REGISTRATION_CLOSING),
                period=F("r_key"),
                step=F("r_step"),
                due=F("until"),
                url=url,
                params=JSONObject(year=Value(year), days=_by("until", window, IntegerField())),
            )
        )
    return result


def _reports(people: People, today: datetime.date, programmes: Programmes) -> list:
    result = []
    for year in (today.year - 1, today.year):
        if today > standing.year_closes(year):
            continue
        url = Value(reverse("pledges:my_plan_year", args=[year]))
        for quarter in QUARTERS:
            period = Period(year, quarter)
            if not period.has_started(today):
                break
            due = {}  # counting cell → (step, deadline), for the cells with a step today
            for cell_id, programme in programmes(year).items():
                deadline = programme.quarter_deadline(quarter)
                if step := _report_step(deadline, today):
                    due[cell_id] = (step, deadline)
            if not due:
                continue
            plan = Plan.objects.filter(
                standing.approved_q(today), member_id=OuterRef("member_id"), year=year
            )
            missing = standing.unreported(period, today).filter(plan_id=OuterRef("r_plan"))
            # Counted where they were on the quarter's day, and in a cell today.
            counted = people.periods(standing.members_on(standing.quarter_day(period, today)), due)
            in_a_cell = standing.current_members().filter(member_id=OuterRef("member_id"))
            result.append(
                _with_account(counted)
                .annotate(
                    r_plan=_one(plan),
                    r_key=plan_keys.quarter_key_sql("cell_id", year=year, quarter=quarter),
                    r_step=_by("cell_id", {c: s for c, (s, _d) in due.items()}, CharField()),
                )
                .filter(
                    _new(
                        plan_keys.REPORT_DUE,
                        Q(IsNull(_one(in_a_cell), False)),
                        Q(Exists(missing)),
                    )
                )
                .values(
                    user_id=F("r_user"),
                    rule=Value(plan_keys.REPORT_DUE),
                    period=F("r_key"),
                    step=F("r_step"),
                    due=_by("cell_id", {c: d for c, (_s, d) in due.items()}, DateField()),
                    url=url,
                    params=JSONObject(
                        year=Value(year),
                        quarter=Value(quarter),
                        items=Subquery(
                            missing.order_by().values("plan_id").annotate(n=Count("pk")).values("n")
                        ),
                    ),
                )
            )
    return result


def _roles_by_unit(unit_ids) -> dict[int, list[tuple[int, str]]]:
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for unit_id, user_id, role in RoleAssignment.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "user_id", "role"
    ):
        roles[unit_id].append((user_id, role))
    return roles


SECRETARY_RULES = (
    plan_keys.APPROVAL_WAITING,
    plan_keys.REPORTS_TO_ACCEPT,
    review_keys.REVIEW_DRAFT,
)


def secretary_reminders(
    unit_ids, today: datetime.date, programmes: "Programmes | None" = None
) -> list[tuple[str, list[tuple]]]:
    """For the people who act for a unit: plans waiting for approval and reports to accept
    (the plans of the members in the cell today), and review drafts waiting to be issued.
    Returns (rule, [(user id, key, step, due, url, details)]) for each rule, leaving out what
    the inbox holds: a fixed number of queries whatever the batch's size; units without role
    holders cost nothing more."""
    roles = _roles_by_unit(list(unit_ids))
    if not roles:
        return []
    units = {u.pk: u for u in Unit.objects.filter(pk__in=roles).select_related("kind")}
    cells = [u for u in units.values() if u.kind.is_cell]
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    # What the role holders have already: a few rows each.
    have = set(
        Notification.objects.filter(
            user_id__in={u for holders in roles.values() for u, _role in holders},
            rule__in=SECRETARY_RULES,
        ).values_list("rule", "user_id", "period")
    )
    result = []
    if cells:
        # The people in these cells today (as many as the batch holds): their cell and account.
        people = {
            member_id: (cell_id, user_id)
            for member_id, cell_id, user_id in standing.current_members()
            .filter(cell__in=cells)
            .annotate(r_user=_one(Member.objects.filter(pk=OuterRef("member_id")), "user_id"))
            .order_by()
            .values_list("member_id", "cell_id", "r_user")
        }
        result += _approvals(people, cells, roles, now, have)
        result += _reports_to_accept(
            people,
            roles,
            today,
            programmes or Programmes(in_cells(u.pk for u in cells)),
            have,
        )
    result += _review_drafts(units, roles, now, have)
    return result


def _in(cells):
    """The people in these cells today, as a subquery (None when there are no cells)."""
    if not cells:
        return None
    return standing.current_members().filter(cell_id__in=list(cells)).values("member_id")


def _link(name: str):
    """`reverse(name, args=[pk])` for the many ids of a batch: reversed once, each id put in
    the marker's place."""
    marker = "2147483647"
    pattern = reverse(name, args=[int(marker)])
    return lambda pk: pattern.replace(marker, str(pk))


def _approvals(people, cells, roles, now, have) -> list:
    rule = plan_keys.APPROVAL_WAITING
    detail = _link("pledges:detail")
    rows = []
    for plan_id, member_id, name, submitted in (
        Plan.objects.filter(
            status=Plan.Status.SUBMITTED,
            last_submitted_at__lte=now - datetime.timedelta(days=APPROVAL_WAITING_DAYS),
            member_id__in=_in([c.pk for c in cells]),
        )
        .annotate(r_name=_one(Member.objects.filter(pk=OuterRef("member_id")), "full_name"))
        .order_by()
        .values_list("pk", "member_id", "r_name", "last_submitted_at")
    ):
        cell_id, owner = people[member_id]
        key = plan_keys.approval_key(
            plan_id=plan_id, submitted_on=timezone.localdate(submitted), cell_id=cell_id
        )
        url = detail(plan_id)
        params = {"name": name, "days": (now - submitted).days}
        for user_id in policy.plan_deciders(roles=roles[cell_id], owner_user_id=owner):
            if (rule, user_id, key) not in have:
                rows.append((user_id, key, f"{APPROVAL_WAITING_DAYS}d", None, url, params))
    return [(rule, rows)]


def _reports_to_accept(people, roles, today, programmes, have) -> list:
    """Reports waiting for the cell to accept, once the quarter's deadline has passed: one
    reminder per decider, cell and quarter, saying how many. Counting pending reports is the
    dear part, so it is done only where a reminder may be missing: in the cells where one of
    those who decide on an ordinary member's plan lacks one of the quarter's reminders, and
    for the plans of the cell's role holders (whose deciders differ)."""
    usual = {cell: policy.plan_deciders(roles=roles[cell], owner_user_id=None) for cell in roles}
    keys = {}  # key → (cell, year, quarter, deadline), for the quarters past their deadline
    for cell in {cell for cell, _user in people.values()}:
        for year in (today.year - 1, today.year):
            for quarter in QUARTERS:
                deadline = programmes(year)[cell].quarter_deadline(quarter)
                if standing.deadline_passed(deadline, today):
                    key = plan_keys.quarter_key(cell_id=cell, year=year, quarter=quarter)
                    keys[key] = (cell, year, quarter, deadline)
    if not keys:
        return []
    rule = plan_keys.REPORTS_TO_ACCEPT
    open_cells = {
        cell
        for key, (cell, *_rest) in keys.items()
        if any((rule, u, key) not in have for u in usual.get(cell, ()))
    }
    # And the role holders' own plans, which may have other deciders (counting a few more
    # plans than needed changes no new reminder). A list of ids: the plans are found by index.
    holders = {u for cell in roles for u, _role in roles[cell]}
    counted = [m for m, (cell, user) in people.items() if cell in open_cells or user in holders]
    # Pending reports by cell, quarter and owner (None for an owner who holds no role in the
    # batch: their plan has the cell's usual deciders), then by decider.
    pending: dict[tuple[int, int, int, int | None], int] = defaultdict(int)
    for member_id, year, quarter, n in (
        ProgressReport.objects.filter(
            item__plan__member_id__any=counted,
            item__plan__year__in=(today.year - 1, today.year),
            review=ProgressReport.Review.PENDING,
        )
        .values_list("item__plan__member_id", "item__plan__year", "quarter")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        cell, owner = people[member_id]
        pending[(cell, year, quarter, owner if owner in holders else None)] += n
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for (cell, year, quarter, owner), n in pending.items():
        key = plan_keys.quarter_key(cell_id=cell, year=year, quarter=quarter)
        if key in keys:
            for user_id in policy.plan_deciders(roles=roles[cell], owner_user_id=owner):
                counts[(user_id, key)] += n
    dashboards = {}
    rows = []
    for (user_id, key), n in counts.items():
        if (rule, user_id, key) in have:
            continue
        cell, year, quarter, deadline = keys[key]
        if cell not in dashboards:
            dashboards[cell] = reverse("cells:dashboard", args=[cell])
        rows.append(
            (
                user_id,
                key,
                "after_deadline",
                deadline,
                f"{dashboards[cell]}?year={year}&q={quarter}#to-review",
                {"quarter": quarter, "count": n, "year": year},
            )
        )
    return [(rule, rows)]


def _review_drafts(units, roles, now, have) -> list:
    rule = review_keys.REVIEW_DRAFT
    rows = []
    for review_id, unit_id, year, quarter, kind in Review.objects.filter(
        unit_id__in=units,
        status=Review.Status.DRAFT,
        created_at__lte=now - datetime.timedelta(days=REVIEW_DRAFT_DAYS),
    ).values_list("pk", "unit_id", "year", "quarter", "kind"):
        key = review_keys.draft_key(review_id=review_id)
        for user_id in policy.review_writers(roles=roles[unit_id], unit=units[unit_id]):
            if (rule, user_id, key) in have:
                continue
            rows.append(
                (
                    user_id,
                    key,
                    f"{REVIEW_DRAFT_DAYS}d",
                    None,
                    reverse("reviews:detail", args=[review_id]),
                    {"year": year, "quarter": quarter, "kind": kind},
                )
            )
    return [(rule, rows)]
