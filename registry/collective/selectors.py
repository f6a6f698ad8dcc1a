"""Reads of collective registrations, each a fixed number of queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import formats

from registry.access import policy
from registry.core.numbers import format_number
from registry.core.periods import QUARTERS, Period
from registry.core.tree import PathRows
from registry.indicators.models import Indicator
from registry.pledges import standing
from registry.pledges.selectors import (
    SUM_FIELD,
    indicator_rows_of,
    indicator_table,
    item_indicator_rows,
)
from registry.programmes.selectors import programme_for
from registry.units.models import Unit

from . import counting
from .models import CONTENT_FIELDS, Content, Evidence, Progress, Registration, Transition


def registrations_visible_to(user) -> QuerySet[Registration]:
    return Registration.objects.filter(policy.collective_visibility(user)).select_related(
        "unit", "unit__kind", "approved_by"
    )


def units_for_collective(user) -> QuerySet[Unit]:
    """The units whose registration pages `user` may open."""
    return Unit.objects.filter(policy.collective_visibility(user, field="path")).select_related(
        "kind"
    )


def with_content(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """What the registration's page and document show, read at once."""
    return registrations.prefetch_related(
        Prefetch(
            "contents",
            queryset=Content.objects.select_related("responsible", "indicator").prefetch_related(
                Prefetch("progress", queryset=Progress.objects.prefetch_related("evidence"))
            ),
        ),
        "snapshots",
        Prefetch("transitions", queryset=Transition.objects.select_related("by")),
    )


def registration_of(*, unit: Unit, year: int) -> Registration | None:
    return (
        with_content(Registration.objects.select_related("unit", "unit__kind", "approved_by"))
        .filter(unit=unit, year=year)
        .first()
    )


def registration_full(*, registrations: QuerySet[Registration], pk: int) -> Registration:
    return with_content(registrations).get(pk=pk)


def unit_parent(unit: Unit) -> Unit | None:
    if unit.depth <= 1:
        return None
    return Unit.objects.select_related("kind").filter(path=unit.path[: -unit.steplen]).first()


def evidence_visible_to(user, pk) -> Evidence | None:
    return (
        Evidence.objects.filter(
            policy.collective_visibility(user, field="progress__content__registration__unit__path")
        )
        .select_related("progress__content__registration")
        .filter(pk=pk)
        .first()
    )


def waiting_under(*, unit: Unit) -> list[Registration]:
    """The registrations of the units directly under `unit` that wait for its decision."""
    return list(
        Registration.objects.filter(
            status=Registration.Status.SUBMITTED,
            unit__path__startswith=unit.path,
            unit__depth=unit.depth + 1,
        )
        .select_related("unit", "unit__kind")
        .annotate(contents_count=Count("contents"))
        .order_by("last_submitted_at", "id")
    )


# --- Contents, amendments -----------------------------------------------------------------


def content_values(content: Content) -> dict:
    """What the organisation wrote for a content, as the approved snapshot keeps it."""
    values = {
        name: getattr(content, name)
        for name in CONTENT_FIELDS
        if name not in ("responsible", "indicator")
    }
    values["indicator"] = content.indicator_id
    values["responsible"] = content.responsible_id
    values["responsible_label"] = content.in_charge
    if values["target_value"] is not None:
        values["target_value"] = str(Decimal(values["target_value"]).normalize())
    if values["deadline"] is not None:
        values["deadline"] = values["deadline"].isoformat()
    return values


def _normalised(entry: dict) -> dict:
    values = {name: entry.get(name) for name in CONTENT_FIELDS}
    if values["target_value"] is not None:
        values["target_value"] = str(Decimal(values["target_value"]).normalize())
    return values


def approved_contents_by_id(registration: Registration) -> dict[int, dict]:
    snapshot = registration.snapshots.order_by("-approved_at", "-id").first()
    if snapshot is None:
        return {}
    return {e["id"]: _normalised(e) for e in snapshot.content.get("contents", [])}


def _shown(name: str, value, entry: dict):
    if value in (None, ""):
        return ""
    if name == "kind":
        return str(Content.Kind(value).label) if value in Content.Kind.values else value
    if name == "target_value":
        return format_number(Decimal(value))
    if name == "deadline":
        from datetime import date

        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if name == "responsible":
        return entry.get("responsible_label") or ""
    if name == "indicator":  # only when an indicator changed: rare, and a handful at most
        return Indicator.objects.filter(pk=value).values_list("name", flat=True).first() or ""
    return value


@dataclass
class Change:
    kind: str  # "added", "changed", "removed"
    position: int
    now: Content | None
    before: dict | None
    fields: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[dict]:
        now = content_values(self.now) if self.now else {}
        before = self.before or {}
        return [
            {
                "label": Content._meta.get_field(name).verbose_name,
                "before": _shown(name, before.get(name), before),
                "after": _shown(name, now.get(name), now),
            }
            for name in self.fields
        ]


def registration_changes(registration: Registration) -> list[Change]:
    """Contents added, changed (which fields) and removed against the last approved version.
    Uses the prefetched contents and snapshots."""
    snapshots = sorted(registration.snapshots.all(), key=lambda s: (s.approved_at, s.pk))
    if not snapshots:
        return []
    last = snapshots[-1].content.get("contents", [])
    before_by_id = {e["id"]: e for e in last}
    contents = list(registration.contents.all())
    changes = []
    for content in contents:
        before = before_by_id.get(content.pk)
        if content.approved_at is None or before is None:
            changes.append(Change("added", content.position, content, None))
            continue
        now, then = content_values(content), _normalised(before)
        fields = [n for n in CONTENT_FIELDS if str(now.get(n) or "") != str(then.get(n) or "")]
        if fields:
            changes.append(Change("changed", content.position, content, before, fields))
    kept = {c.pk for c in contents}
    for entry in last:
        if entry["id"] not in kept:
            changes.append(Change("removed", entry.get("position") or 0, None, entry))
    return sorted(changes, key=lambda c: (c.position, c.kind))


def content_practices(*, registration: Registration, user) -> dict[int, list]:
    """The practices proposed from the registration's contents that `user` may read
    (`policy.practice_visibility`), per content, oldest first. One query. The practices app
    sits above this one: its model is reached through the relation it declares."""
    practice = Content._meta.get_field("practices").related_model
    by_content: dict[int, list] = {}
    for row in (
        practice.objects.filter(
            policy.practice_visibility(user), content__registration=registration
        )
        .only("id", "title", "status", "content_id")
        .order_by("proposed_at", "id")
    ):
        by_content.setdefault(row.content_id, []).append(row)
    return by_content


# --- Quarterly progress ---------------------------------------------------------------------


@dataclass
class QuarterCell:
    quarter: int
    progress: Progress | None
    state: str
    reportable: bool


def progress_rows(registration: Registration, today) -> list[tuple[Content, list[QuarterCell]]]:
    """Each content with its four quarters: the progress filed and the state of each
    (`pledges.standing.item_quarter_state`, the deadline of the unit's programme)."""
    programme = programme_for(unit=registration.unit, year=registration.year)
    rows = []
    for content in registration.contents.all():
        by_quarter = {p.quarter: p for p in content.progress.all()}
        cells = []
        for q in QUARTERS:
            period = Period(registration.year, q)
            progress = by_quarter.get(q)
            state = standing.item_quarter_state(
                content, progress, period, programme.quarter_deadline(q), today
            )
            allowed, _why = standing.reportable(content, period, today)
            cells.append(QuarterCell(q, progress, state, allowed))
        rows.append((content, cells))
    return rows


# --- The roll-up ----------------------------------------------------------------------------


@dataclass
class RollupRow:
    organisations: int = 0  # "y": the organisations that should register
    registered: int = 0  # "x"
    approved: int = 0
    models: int = 0  # "n"
    breakthrough: int = 0  # "m"
    other: int = 0

    def add(self, other: "RollupRow") -> None:
        for name in ("organisations", "registered", "approved", "models", "breakthrough", "other"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Rollup:
    unit: Unit
    year: int
    mode: str | None
    total: RollupRow
    children: list[tuple[Unit, RollupRow]]


def collective_rollup(*, unit: Unit, year: int) -> Rollup:
    """For `unit` and `year`: per unit directly below and in all, the organisations it counts
    (`counting`), how many registered and were approved, and the models and breakthrough
    contents of the approved registrations. Five queries whatever the size of the sub-tree:
    each figure is one `GROUP BY` on the prefix of the path that names the child."""
    kinds = (
        []
        if unit.kind.code in counting.GRASSROOTS_KINDS
        else list(
            Unit.objects.filter(path__in=unit.ancestor_paths()).values_list("kind__code", flat=True)
        )
    )
    mode = counting.counting_mode(unit, kinds)
    total = RollupRow()
    if mode is None:
        return Rollup(unit, year, None, total, [])
    children = list(
        Unit.objects.get_children(unit).filter(kind__is_group=False).select_related("kind")
    )
    length = len(unit.path) + unit.steplen
    rows = {child.path: RollupRow() for child in children}

    def grouped(queryset, path_field: str, *values, **aggregates):
        return (
            queryset.annotate(child=Substr(path_field, 1, length))
            .order_by()
            .values("child", *values)
            .annotate(**aggregates)
        )

    for row in grouped(
        Unit.objects.filter(counting.counted_units_q(unit, mode)), "path", n=Count("pk")
    ):
        rows.setdefault(row["child"], RollupRow()).organisations = row["n"]
    registrations = Registration.objects.filter(
        counting.counted_units_q(unit, mode, field="unit__"), year=year
    )
    for row in grouped(
        registrations,
        "unit__path",
        registered=Count("pk", filter=counting.registered_q()),
        approved=Count("pk", filter=counting.approved_q()),
    ):
        target = rows.setdefault(row["child"], RollupRow())
        target.registered, target.approved = row["registered"], row["approved"]
    contents = Content.objects.filter(
        counting.counted_content_q(),
        counting.counted_units_q(unit, mode, field="registration__unit__"),
        registration__year=year,
    )
    names = {
        Content.Kind.MODEL: "models",
        Content.Kind.BREAKTHROUGH: "breakthrough",
        Content.Kind.OTHER: "other",
    }
    for row in grouped(contents, "registration__unit__path", "kind", n=Count("pk")):
        target = rows.setdefault(row["child"], RollupRow())
        setattr(target, names[row["kind"]], row["n"])
    for row in rows.values():
        total.add(row)
    return Rollup(unit, year, mode, total, [(child, rows[child.path]) for child in children])


# --- Indicators added up -----------------------------------------------------------------


def content_indicator_rows(*, scope: Unit, period: Period, on: datetime.date) -> PathRows:
    """The collective contents' part of the indicator sums, in the rows of
    `pledges.selectors.item_indicator_rows`: per unit of `scope`'s sub-tree (`scope` itself
    included) and indicator, the contents of its registrations that count on the quarter's
    day (`counting.counted_content_q`, approved by then), each with the value reached in its
    latest progress of the period's quarters filed by `on`. Two queries (one if no content
    chose an indicator)."""
    chosen = list(
        Content.objects.filter(indicator__isnull=False, registration__year=period.year).values_list(
            "pk", flat=True
        )
    )
    if not chosen:
        return PathRows([])
    as_of = standing.quarter_day(period, on)
    reached = Subquery(
        Progress.objects.filter(
            standing.filed_by_q(on), content=OuterRef("pk"), quarter__lte=period.last_quarter
        )
        .order_by("-quarter")
        .values("value_reached")[:1]
    )
    rows = (
        Content.objects.filter(
            counting.counted_content_q(),
            standing.item_counts_q(as_of),
            Q(registration__unit=scope)
            if scope.kind.is_cell
            else Q(registration__unit__path__startswith=scope.path),
            pk__any=chosen,
        )
        .annotate(value=reached)
        .values("indicator_id", path=F("registration__unit__path"))
        .annotate(
            n=Count("id"),
            target=Coalesce(Sum("target_value"), Value(0), output_field=SUM_FIELD),
            reached=Coalesce(Sum("value"), Value(0), output_field=SUM_FIELD),
        )
        .order_by()
    )
    return PathRows((row.pop("path"), row) for row in rows)


def indicator_rows(*, scope: Unit, period: Period, on: datetime.date) -> list[PathRows]:
    """What counts in indicators under `scope`, per unit: the plan items'
    (`item_indicator_rows`) and the collective contents' (`content_indicator_rows`) rows."""
    return [
        item_indicator_rows(scope=scope, period=period, on=on),
        content_indicator_rows(scope=scope, period=period, on=on),
    ]


def indicator_totals_of(
    rows: list[PathRows],
    unit: Unit,
    *,
    children: list[Unit] | None = None,
    catalogue: list[Indicator] | None = None,
) -> list[dict]:
    """`indicator_rows` (read for `unit` or a sub-tree holding it) added up for `unit`, in
    `indicator_table`'s layout."""
    mine = [row for part in rows for row in indicator_rows_of(part, unit)]
    return indicator_table(unit=unit, rows=mine, children=children, catalogue=catalogue)


def indicator_totals(*, unit: Unit, period: Period, on: datetime.date) -> list[dict]:
    """Per standard indicator, the targets and the values reached under `unit` of the plan
    items and the collective contents that chose it, in all and per unit directly below
    (`pledges.selectors.indicator_table`'s layout; "items" counts both). The one definition
    the unit page, the reviews and their PDF read. At most six queries (two where nothing
    chose an indicator), whatever the size of the sub-tree."""
    return indicator_totals_of(indicator_rows(scope=unit, period=period, on=on), unit)
