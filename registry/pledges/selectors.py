"""Read-side queries for plans. Each runs a fixed number of SQL queries whatever the number
of items, reports, files or members. What a figure means is `standing`'s business."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.access import policy
from registry.core import stale, tree
from registry.core.numbers import format_number, whole_number
from registry.core.periods import QUARTERS, Period, roman
from registry.core.tree import PathRows
from registry.indicators.models import Indicator
from registry.members.models import Member, Membership
from registry.programmes.selectors import EffectiveProgramme, programme_for, programmes_for_many
from registry.units.models import Unit

from . import standing
from .models import (
    ITEM_FIELDS,
    Evidence,
    Plan,
    PlanComment,
    PlanItem,
    PlanSnapshot,
    PlanTransition,
    ProgressReport,
    RegistrationExtension,
)
from .standing import ReportState


def plans_visible_to(user) -> QuerySet[Plan]:
    return Plan.objects.filter(policy.plan_visibility(user))


def plans_owned_by(user) -> QuerySet[Plan]:
    if not (user and user.is_authenticated):
        return Plan.objects.none()
    return Plan.objects.filter(member__user=user)


def with_content(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Items (with standards, reports and their files) in one go: five queries in all."""
    reports = ProgressReport.objects.select_related("reviewed_by").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id"))
    )
    items = (
        PlanItem.objects.order_by("position", "id")
        .select_related("indicator")
        .prefetch_related("standards", Prefetch("reports", queryset=reports))
    )
    return plans.select_related("member", "cell", "cell__kind", "approved_by").prefetch_related(
        Prefetch("items", queryset=items)
    )


def plan_full(*, plans: QuerySet[Plan], pk=None) -> Plan:
    """The plan with everything its page shows (`pk` None: the only one among `plans`)."""
    plans = plans if pk is None else plans.filter(pk=pk)
    return (
        with_content(plans)
        .prefetch_related(
            Prefetch("transitions", queryset=PlanTransition.objects.select_related("by")),
            Prefetch("comments", queryset=PlanComment.objects.select_related("author", "item")),
            Prefetch("snapshots", queryset=PlanSnapshot.objects.order_by("-approved_at", "-id")),
        )
        .get()
    )


def plan_of_year(*, plans: QuerySet[Plan], year: int) -> Plan | None:
    """`plan_full` of the plan of `year` among `plans`, if there is one."""
    try:
        return plan_full(plans=plans.filter(year=year), pk=None)
    except Plan.DoesNotExist:
        return None


def member_stamp(*, member, year: int, membership=None) -> str | None:
    """The stamp under which the person's pages for `year` are kept (`core.pagecache`): that
    of the cells they were in during the year, which every change to their plan marks
    (`services._counts_changed`). One query when `membership`, their period now, covers the
    whole year up to now; two otherwise."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if membership is not None and membership.start_date <= first and membership.end_date is None:
        return stale.stamp({membership.cell_id}, year)
    cells = Membership.objects.during(first, last).filter(member=member).values_list("cell_id")
    return stale.stamp({c for (c,) in cells}, year)


@dataclass
class PlanProgrammes:
    """The programmes a plan's page needs, read together."""

    programme: EffectiveProgramme  # that of the cell where the plan was made
    deadlines: dict[int, datetime.date | None]  # by quarter started: the counting cell's
    cell_now: EffectiveProgramme | None  # that of the member's cell today, if asked for


def plan_programmes(plan: Plan, today: datetime.date, cell_now: Unit | None = None):
    """The plan's programme, its report deadline for each quarter that has started (that of
    the programme of the cell counting the quarter), and the programme of `cell_now`: two
    queries."""
    started = [Period(plan.year, q) for q in QUARTERS if Period(plan.year, q).has_started(today)]
    cells = standing.counting_cells(plan, started, today)
    units = {plan.cell.pk: plan.cell, **{c.pk: c for c in cells.values()}}
    if cell_now is not None:
        units[cell_now.pk] = cell_now
    programmes = programmes_for_many(units=units.values(), year=plan.year)
    return PlanProgrammes(
        programme=programmes[plan.cell.pk],
        deadlines={
            p.quarter: programmes[c.pk].quarter_deadline(p.quarter) for p, c in cells.items()
        },
        cell_now=programmes[cell_now.pk] if cell_now is not None else None,
    )


def quarter_deadlines(plan: Plan, today: datetime.date) -> dict[int, datetime.date | None]:
    """The plan's report deadline for each quarter that has started (`plan_programmes`)."""
    return plan_programmes(plan, today).deadlines


@dataclass
class QuarterCell:
    quarter: int
    report: ProgressReport | None
    state: str  # a `standing.ReportState`, or "" for a quarter that has not started
    can_report: bool

    @property
    def label(self) -> str:
        return roman(self.quarter)

    @property
    def not_required(self) -> bool:
        return self.state == ReportState.NOT_REQUIRED


@dataclass
class ItemRow:
    item: PlanItem
    by_quarter: dict[int, ProgressReport | None]
    cells: list[QuarterCell]


def progress_rows(
    plan: Plan, today: datetime.date, deadlines: dict[int, datetime.date | None] | None = None
) -> list[ItemRow]:
    """Items with, for each quarter, the report and its state today (`standing`). Uses the
    prefetched items and reports; `deadlines` from `quarter_deadlines`."""
    deadlines = deadlines or {}
    rows = []
    for item in plan.items.all():
        reports = {r.quarter: r for r in item.reports.all()}
        cells = []
        for q in QUARTERS:
            period = Period(plan.year, q)
            if not period.has_started(today) or not plan.was_approved:
                cells.append(QuarterCell(q, reports.get(q), "", False))
                continue
            state = standing.item_quarter_state(
                item, reports.get(q), period, deadlines.get(q), today
            )
            allowed, _why = standing.reportable(item, period, today)
            cells.append(QuarterCell(q, reports.get(q), state, allowed))
        rows.append(ItemRow(item, {c.quarter: c.report for c in cells}, cells))
    return rows


# --- What the member has to do ----------------------------------------------------------------


@dataclass
class Todo:
    text: str
    url: str
    date: datetime.date | None = None
    overdue: bool = False


def _plan_step(plan: Plan, closes: datetime.date | None, today: datetime.date) -> Todo | None:
    url = reverse("pledges:my_plan_year", args=[plan.year])
    if plan.status == Plan.Status.RETURNED:
        return Todo(
            _("The cell returned your %(year)s plan: revise it and submit it again")
            % {"year": plan.year},
            url,
        )
    if plan.status == Plan.Status.AMENDING:
        return Todo(_("Submit your amended %(year)s plan to the cell") % {"year": plan.year}, url)
    if plan.status == Plan.Status.DRAFT:
        return Todo(
            _("Submit your %(year)s plan to the cell") % {"year": plan.year},
            url,
            closes,
            standing.deadline_passed(closes, today),
        )
    return None


def _todo_plans(member, years: list[int]) -> dict[int, Plan]:
    """The member's plans of `years` with what the to-do list reads of their items and
    reports (no standards, files or reviewers): three queries."""
    reports = ProgressReport.objects.only(
        "item_id", "quarter", "first_filed_at", "is_late", "review"
    ).order_by()
    items = (
        PlanItem.objects.only("plan_id", "action", "approved_at", "pending_change")
        .order_by("position", "id")
        .prefetch_related(Prefetch("reports", queryset=reports))
    )
    plans = (
        Plan.objects.filter(member=member, year__in=years)
        .select_related("cell")
        .prefetch_related(Prefetch("items", queryset=items))
    )
    return {p.year: p for p in plans}


def member_todo(
    *,
    member,
    today: datetime.date,
    years: list[int] | None = None,
    membership=None,
    plans: dict[int, Plan] | None = None,
    deadlines: dict[int, dict] | None = None,
    programmes: dict[int, EffectiveProgramme] | None = None,
) -> list[Todo]:
    """The member's to-do list: the plan to register or submit, the reports due or overdue,
    the reports the cell asked more on, the self-assessment. A bounded number of queries; a
    page that has already read the member's period (`membership`), plans with their items and
    reports (`plans`, by year), their deadlines (`deadlines`, by year) or the programmes of
    the member's cell (`programmes`, by year) passes them on."""
    if membership is None:
        membership = member.memberships.current().select_related("cell").first()
    if membership is None:
        return []
    years = years or [today.year - 1, today.year, today.year + 1]
    if plans is None:
        plans = _todo_plans(member, years)
    deadlines = deadlines or {}
    extensions = {
        e.year: e.until for e in RegistrationExtension.objects.filter(member=member, year__in=years)
    }
    todo: list[Todo] = []
    for year in years:
        plan = plans.get(year)
        programme = (programmes or {}).get(year) or programme_for(unit=membership.cell, year=year)
        closes = extensions.get(year) or programme.registration_closes
        if plan is None:
            state = programme.registration_state(today)
            if state == "open" or (year == today.year and programme.exists):
                todo.append(
                    Todo(
                        _("Register your %(year)s plan") % {"year": year},
                        reverse("pledges:my_plan_year", args=[year]),
                        closes,
                        standing.deadline_passed(closes, today),
                    )
                )
            continue
        step = _plan_step(plan, closes, today)
        if step:
            todo.append(step)
        if not plan.was_approved:
            continue
        url = reverse("pledges:my_plan_year", args=[year])
        if year not in deadlines:
            deadlines[year] = quarter_deadlines(plan, today)
        for row_q in QUARTERS:
            period = Period(year, row_q)
            if not period.has_started(today):
                break
            waiting = 0
            for item in plan.items.all():
                report = next((r for r in item.reports.all() if r.quarter == row_q), None)
                state = standing.item_quarter_state(
                    item, report, period, deadlines[year][row_q], today
                )
                waiting += state in (ReportState.MISSING, ReportState.NOT_DUE)
            if waiting and today <= standing.year_closes(year):
                overdue = standing.deadline_passed(deadlines[year][row_q], today)
                todo.append(
                    Todo(
                        ngettext(
                            "Report quarter %(q)s/%(year)s: %(n)s item",
                            "Report quarter %(q)s/%(year)s: %(n)s items",
                            waiting,
                        )
                        % {"q": roman(row_q), "year": year, "n": waiting},
                        url,
                        deadlines[year][row_q],
                        overdue,
                    )
                )
        for item in plan.items.all():
            for report in item.reports.all():
                if report.review == ProgressReport.Review.MORE_NEEDED:
                    todo.append(
                        Todo(
                            _("The cell asked for more on your quarter %(q)s report: %(item)s")
                            % {"q": roman(report.quarter), "item": item.action[:60]},
                            reverse("pledges:report", args=[plan.pk, item.pk, report.quarter]),
                        )
                    )
        if year == today.year and today >= Period(year, 4).start and not plan.self_assessed_at:
            todo.append(
                Todo(
                    _("Write your year-end self-assessment"),
                    reverse("pledges:self_assessment", args=[plan.pk]),
                )
            )
    todo.sort(key=lambda t: (not t.overdue, t.date or datetime.date.max))
    return todo


# --- The amendment, as the approver sees it -------------------------------------------------


def item_content(item: PlanItem) -> dict:
    """What the member wrote for an item, as the approved snapshot keeps it."""
    content = {name: getattr(item, name) for name in ITEM_FIELDS}
    content["indicator"] = item.indicator_id
    if content["target_value"] is not None:
        content["target_value"] = str(Decimal(content["target_value"]).normalize())
    if content["deadline"] is not None:
        content["deadline"] = content["deadline"].isoformat()
    return content


def _normalised(entry: dict) -> dict:
    content = {name: entry.get(name) for name in ITEM_FIELDS}
    if content["target_value"] is not None:
        content["target_value"] = str(Decimal(content["target_value"]).normalize())
    return content


def approved_items_by_id(plan: Plan) -> dict[int, dict]:
    """{item id: content} of the plan's last approved version (empty before any approval).
    Snapshots written before item ids were kept are matched by the items' positions."""
    snapshot = plan.snapshots.order_by("-approved_at", "-id").first()
    if snapshot is None:
        return {}
    entries = snapshot.content.get("items", [])
    if all("id" in e for e in entries):
        return {e["id"]: _normalised(e) for e in entries}
    by_position = {e.get("position"): e for e in entries}
    return {
        item.pk: _normalised(by_position[item.position])
        for item in plan.items.filter(approved_at__isnull=False)
        if item.position in by_position
    }


@dataclass
class Change:
    kind: str  # "added", "changed", "removed"
    position: int
    now: PlanItem | None
    before: dict | None
    fields: list[str]

    @property
    def rows(self) -> list[dict]:
        """Each changed field with its label, the approved value and the new one."""
        now = item_content(self.now) if self.now else {}
        before = _normalised(self.before or {})
        return [
            {
                "label": PlanItem._meta.get_field(name).verbose_name,
                "before": _shown(name, before.get(name)),
                "after": _shown(name, now.get(name)),
            }
            for name in self.fields
        ]


def _shown(name: str, value):
    """A snapshot value as the page shows it (dates, quarters and yes/no in Vietnamese)."""
    from django.utils import formats

    if value in (None, ""):
        return ""
    if name == "deadline":
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if name == "quarter":
        return roman(int(value))
    if name == "is_breakthrough":
        return _("yes") if value else _("no")
    if name == "target_value":
        return format_number(value)
    if name == "indicator":  # only when an indicator changed: rare, and a handful at most
        return Indicator.objects.filter(pk=value).values_list("name", flat=True).first() or ""
    return value


def plan_changes(plan: Plan) -> list[Change]:
    """What the member changed against the approved version: items added, changed (and which
    fields), removed. Empty for a plan never approved. Uses the prefetched items and snapshots."""
    snapshots = list(plan.snapshots.all())
    if not snapshots:
        return []
    last = snapshots[0].content.get("items", [])
    before_by_id = {e["id"]: e for e in last if "id" in e}
    before_by_position = {e.get("position"): e for e in last}
    changes, seen = [], set()
    for item in plan.items.all():
        before = before_by_id.get(item.pk) if before_by_id else None
        if before is None and not before_by_id and item.approved_at:
            before = before_by_position.get(item.position)
        if item.approved_at is None or before is None:
            changes.append(Change("added", item.position, item, None, []))
            continue
        seen.add(id(before))
        now = item_content(item)
        fields = [
            name
            for name in ITEM_FIELDS
            if str(now.get(name) or "") != str(_normalised(before).get(name) or "")
        ]
        if fields:
            changes.append(Change("changed", item.position, item, before, fields))
    for entry in last:
        if id(entry) not in seen and entry.get("id") not in {i.pk for i in plan.items.all()}:
            changes.append(Change("removed", entry.get("position") or 0, None, entry, []))
    return sorted(changes, key=lambda c: (c.position, c.kind))


def cell_board(*, cell, year: int) -> list[tuple[Plan, list[ItemRow], dict | None]]:
    """Approved plans of the members now in the cell, for the year (transparency inside the
    cell). A plan being amended shows its last approved version, not the changes the cell has
    not approved."""
    plans = with_content(
        Plan.objects.filter(
            standing.approved_q(),
            year=year,
            member__in=standing.current_members().filter(cell=cell).values("member_id"),
        )
    ).prefetch_related(
        Prefetch("snapshots", queryset=PlanSnapshot.objects.order_by("-approved_at"))
    )
    result = []
    for plan in plans.order_by("member__sort_name", "id"):
        if plan.status == Plan.Status.APPROVED:
            result.append((plan, progress_rows(plan, datetime.date.min), None))
        else:
            snapshots = list(plan.snapshots.all())
            result.append((plan, [], snapshots[0].content if snapshots else None))
    return result


def plan_years_for(member) -> list[int]:
    return list(member.plans.order_by("-year").values_list("year", flat=True))


def item_of(*, plan: Plan, pk) -> PlanItem | None:
    pk = whole_number(pk)
    if pk is None:
        return None
    return PlanItem.objects.filter(plan=plan, pk=pk).first()


def report_visible_to(user, pk) -> ProgressReport | None:
    return (
        ProgressReport.objects.select_related("item__plan__member", "item__plan__cell__kind")
        .filter(pk=pk, item__plan__in=plans_visible_to(user))
        .first()
    )


def evidence_visible_to(user, pk) -> Evidence | None:
    return (
        Evidence.objects.select_related("report__item__plan")
        .filter(pk=pk, report__item__plan__in=plans_visible_to(user))
        .first()
    )


def comment_visible_to(user, pk) -> PlanComment | None:
    return PlanComment.objects.filter(pk=pk, plan__in=plans_visible_to(user)).first()


def withdrawable_comments(user, comments, *, now) -> set[int]:
    """The ids, among comments already read, that `user` may still take back."""
    return {c.pk for c in comments if policy.can_withdraw_comment(user, c, now=now)}


def unit_of(*, pk) -> Unit | None:
    return Unit.objects.select_related("kind").filter(pk=pk).first()


# --- Figures of a sub-tree beyond the kept ones: indicators and key officials --------------


SUM_FIELD = DecimalField(max_digits=20, decimal_places=2)


def _plain(value) -> str:
    """A sum as stored with a review's figures (JSON): "1234.5", never "1.2345E+3"."""
    return format(Decimal(value or 0).normalize(), "f")


def _cell_on(day: datetime.date, member: str, field: str = "cell__path") -> Subquery:
    """The cell (its `field`) of the member that the row's `member` names on `day`
    (`members_on`): where the row counts."""
    return Subquery(
        standing.members_on(day).filter(member_id=OuterRef(member)).order_by().values(field)[:1]
    )


def item_indicator_rows(*, scope: Unit, period: Period, on: datetime.date) -> PathRows:
    """The plan items' part of the indicator sums, per cell of `scope`'s sub-tree and
    indicator: (cell path, {indicator_id, n, target, reached}) (`indicator_rows_of` gives
    them to a unit; the drafts read them once for many units).

    Counted as the standing counts (`standing`): the items that count on the quarter's day
    (for a year, its last day or `on`), each in the member's cell on that day (`members_on`,
    as a quarter is counted); an item's value reached is that of its latest report of the
    period's quarters (I … the period's last) filed by `on`, since a report says what was
    reached so far. Two queries (one if no item chose an indicator), whatever the size of
    the sub-tree."""
    # Whether any item chose an indicator, through their partial index: where none is used,
    # no other query runs.
    if not PlanItem.objects.filter(indicator__isnull=False).exists():
        return PathRows([])
    as_of = standing.quarter_day(period, on)
    cell = scope.kind.is_cell
    # The sub-tree's people on that day first (a cell's few through its index), so that the
    # cost follows the sub-tree, not the province.
    in_subtree = Q(cell=scope) if cell else Q(cell__path__startswith=scope.path)
    people = standing.members_on(as_of).filter(in_subtree).values("member_id")
    place = _cell_on(as_of, "plan__member_id", "cell_id" if cell else "cell__path")
    reached = Subquery(
        ProgressReport.objects.filter(
            standing.filed_by_q(on), item=OuterRef("pk"), quarter__lte=period.last_quarter
        )
        .order_by("-quarter")
        .values("value_reached")[:1]
    )
    rows = (
        PlanItem.objects.filter(
            standing.item_counts_q(as_of),
            indicator__isnull=False,
            plan__year=period.year,
            plan__member_id__in=people,
        )
        .annotate(place=place)
        # A cell's own rows through its index; a sub-tree by its paths' prefix.
        .filter(Q(place=scope.pk) if cell else Q(place__startswith=scope.path))
        .annotate(value=reached)
        .values("indicator_id", "place")
        .annotate(
            n=Count("id"),
            target=Coalesce(Sum("target_value"), Value(0), output_field=SUM_FIELD),
            reached=Coalesce(Sum("value"), Value(0), output_field=SUM_FIELD),
        )
        .order_by()
    )
    return PathRows((scope.path if cell else row.pop("place"), row) for row in rows)


def indicator_rows_of(rows: PathRows, unit: Unit) -> list[dict]:
    """The rows of `item_indicator_rows` (or of another kind of entry that counts in
    indicators) under `unit`, each with its branch directly below `unit` ("" for a cell): the
    rows `indicator_table` lays out."""
    return [
        {
            "indicator_id": row["indicator_id"],
            "branch": tree.branch(path, unit, steplen=Unit.steplen),
            "n": row["n"],
            "target": row["target"],
            "reached": row["reached"],
        }
        for path, row in rows.under(unit.path)
    ]


def indicator_table(
    *,
    unit: Unit,
    rows: list[dict],
    children: list[Unit] | None = None,
    catalogue: list[Indicator] | None = None,
) -> list[dict]:
    """Sums per indicator and branch (`indicator_rows_of`' rows, of the plan items and of other
    kinds of entry that count in indicators) laid out per standard indicator, in all and per unit
    directly below: [{indicator_id, name, unit, items, target, reached, children: [{unit_id,
    name, items, target, reached}]}], in the catalogue's order; numbers as plain strings (kept
    as they are with a review's figures). Rows whose branch is no unit below (the unit's own
    entries) count in all only. Two queries (none without rows; none either with the units
    directly below as `children` and the indicators, in their order, as `catalogue`)."""
    by_indicator: dict[int, dict[str, dict]] = {}
    for row in rows:
        branch = by_indicator.setdefault(row["indicator_id"], {}).setdefault(
            row["branch"], {"n": 0, "target": Decimal(0), "reached": Decimal(0)}
        )
        branch["n"] += row["n"]
        branch["target"] += Decimal(row["target"] or 0)
        branch["reached"] += Decimal(row["reached"] or 0)
    if not by_indicator:
        return []
    if children is None:
        children = (
            []
            if unit.kind.is_cell
            else list(Unit.objects.get_children(unit).only("id", "name", "path"))
        )
    if catalogue is None:
        catalogue = Indicator.objects.filter(pk__in=by_indicator).only("id", "name", "unit")
    result = []
    for indicator in (i for i in catalogue if i.pk in by_indicator):
        per_branch = by_indicator[indicator.pk]
        mine = per_branch.values()
        result.append(
            {
                "indicator_id": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "items": sum(r["n"] for r in mine),
                "target": _plain(sum((r["target"] for r in mine), Decimal(0))),
                "reached": _plain(sum((r["reached"] for r in mine), Decimal(0))),
                "children": [
                    {
                        "unit_id": child.pk,
                        "name": child.name,
                        "items": per_branch[child.path]["n"],
                        "target": _plain(per_branch[child.path]["target"]),
                        "reached": _plain(per_branch[child.path]["reached"]),
                    }
                    for child in children
                    if child.path in per_branch
                ],
            }
        )
    return result


KEY_OFFICIAL_FIGURES = ("counted", "registered", "items", "reports", "reports_on_time")


def _no_key_officials() -> dict:
    return dict.fromkeys(KEY_OFFICIAL_FIGURES, 0)


def _add_figures(a: dict, b: dict) -> dict:
    return {k: a[k] + b[k] for k in KEY_OFFICIAL_FIGURES}


def key_official_rows(*, scope: Unit, period: Period, on: datetime.date) -> PathRows:
    """Key officials (cán bộ chủ chốt) per cell of `scope`'s sub-tree, counted as everyone is
    (`standing`): (cell path, {counted, registered, items, reports, reports_on_time}). Those
    in the cell on the quarter's day; registered by then (`registered_q`); the items of their
    plans that count (`item_counts_q`); their reports of the period's quarters filed by `on`
    (`filed_by_q`), and of those the ones on time; each counted in the member's cell on the
    quarter's day. Five queries (one where nobody is a key official), whatever the size of
    the sub-tree."""
    as_of = standing.quarter_day(period, on)
    # Whether anybody is a key official, through their partial index; none: no other query.
    if not Member.objects.filter(is_key_official=True).exists():
        return PathRows([])
    cell = scope.kind.is_cell
    in_subtree = Q(cell=scope) if cell else Q(cell__path__startswith=scope.path)
    people = standing.members_on(as_of).filter(in_subtree, member__is_key_official=True)

    plans = Plan.objects.filter(year=period.year, member_id__in=people.values("member_id"))
    first = 1 if period.is_year else period.last_quarter
    counts: dict[str, dict] = {}

    def put(rows, **names):
        for row in rows:
            figures = counts.setdefault(row["path"], _no_key_officials())
            for name, column in names.items():
                figures[name] += row[column]

    put(people.values(path=F("cell__path")).annotate(n=Count("pk")).order_by(), counted="n")
    put(
        plans.filter(standing.registered_q(as_of))
        .values(path=_cell_on(as_of, "member_id"))
        .annotate(n=Count("pk"))
        .order_by(),
        registered="n",
    )
    put(
        PlanItem.objects.filter(standing.item_counts_q(as_of), plan__in=plans)
        .values(path=_cell_on(as_of, "plan__member_id"))
        .annotate(n=Count("pk"))
        .order_by(),
        items="n",
    )
    put(
        ProgressReport.objects.filter(
            standing.filed_by_q(on),
            standing.item_counts_q(as_of, "item__"),
            item__plan__in=plans,
            quarter__gte=first,
            quarter__lte=period.last_quarter,
        )
        .values(path=_cell_on(as_of, "item__plan__member_id"))
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(is_late=False)))
        .order_by(),
        reports="n",
        reports_on_time="on_time",
    )
    return PathRows(
        (path, figures) for path, figures in counts.items() if path.startswith(scope.path)
    )


def key_officials_of(rows: PathRows, unit: Unit) -> dict:
    """`key_official_rows` added up for `unit`."""
    total, _by_branch = tree.fold(rows, unit, _add_figures, _no_key_officials, steplen=Unit.steplen)
    return total


def key_officials_standing(*, unit: Unit, period: Period, on: datetime.date) -> dict:
    """Key officials under `unit` (`key_official_rows` added up): {counted, registered,
    items, reports, reports_on_time}."""
    return key_officials_of(key_official_rows(scope=unit, period=period, on=on), unit)
