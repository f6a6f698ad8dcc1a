"""Every table a person may export: what it holds, read through the same selectors as its page
and behind the same policy. `table_for(what, user=…, pk=…, params=…, today=…)` answers the
`core.tables.Table` or raises Http404 for what the person could not see on the page (or a
table that does not exist). Headers and labels are Vietnamese, like the party documents.

The figures (registration, report states, roll-ups, reviews) are those the pages show: the
kept figures and their compact standing (`cells.kept`), `directory.selectors.unit_rollup`, the
review's stored figures; nothing here counts them again."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.access import policy
from registry.cells import filters as cell_filters
from registry.cells import kept
from registry.cells import selectors as cell_selectors
from registry.cells.filters import DatedFilter, RatingFilter, RosterFilter
from registry.commendations import selectors as deed_selectors
from registry.commendations.models import Level, Proposal, Subject
from registry.core.numbers import whole_number
from registry.core.periods import Period, parse_year
from registry.core.tables import (
    DATE,
    DATETIME,
    DECIMAL,
    PERCENT,
    WHOLE,
    Column,
    Table,
)
from registry.directory.selectors import ROLLUP_SORTS, unit_rollup
from registry.members.models import Member
from registry.members.selectors import subtree_roster
from registry.pledges import standing
from registry.pledges.models import Plan, PlanItem, Rating
from registry.practices import selectors as practice_selectors
from registry.practices.models import Field
from registry.reviews.models import Review
from registry.units.models import Unit

# The query-string parameters an export may carry (and a queued export keeps).
PARAMS = (
    "year",
    "q",
    "group",
    "field",
    "unit",
    "query",
    "kind",
    "late",
    "sort",
    "dir",
    "status",
    "registered",
    "key",
    "rated",
    "level",
)


@dataclass(frozen=True)
class Scope:
    user: object
    pk: int | None
    params: dict
    today: datetime.date

    def year(self) -> int:
        year = self.params.get("year")
        if year in (None, ""):
            return self.today.year
        parsed = parse_year(str(year))
        if parsed is None:
            raise Http404
        return parsed

    def quarter(self) -> int | None:
        q = self.params.get("q")
        if q in (None, ""):
            return None
        n = whole_number(str(q))
        if n not in (1, 2, 3, 4):
            raise Http404
        return n


TABLES: dict[str, Callable[[Scope], Table]] = {}


def table(what: str):
    def register(build):
        TABLES[what] = build
        return build

    return register


def table_for(what: str, *, user, pk: int | None, params: dict, today: datetime.date) -> Table:
    """The table `what` of the object `pk` as `user` may read it (Http404 otherwise), in
    Vietnamese whatever the reader's language."""
    build = TABLES.get(what)
    if build is None:
        raise Http404
    with translation.override("vi"):
        return build(Scope(user=user, pk=pk, params=params, today=today))


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _unit(scope: Scope) -> Unit:
    unit = policy.get_visible_unit_or_404(scope.user, scope.pk)
    if unit.kind.is_group:
        raise Http404
    return unit


def _cell(scope: Scope) -> Unit:
    unit = _unit(scope)
    if not unit.kind.is_cell:
        raise Http404
    return unit


def _searched(scope: Scope) -> dict:
    """The page's filters: its search box is `q` on the page and `query` here (where `q` is
    the quarter)."""
    return {**scope.params, "q": scope.params.get("query") or ""}


def _slug(what: str, unit: Unit, *parts) -> str:
    return "-".join(str(p) for p in (what, unit.pk, *parts) if p not in (None, ""))


# --- The roster (a cell, or everyone under a committee) ----------------------------------------

ROSTER_FIELDS = (
    "member__full_name",
    "member__card_number",
    "cell__name",
    "group__name",
    "member__category",
    "member__status",
    "member__birth_date",
    "member__gender",
    "member__admission_date",
    "member__full_membership_date",
    "member__job_title",
    "member__workplace",
    "member__phone",
    "member__is_key_official",
    "start_date",
)


@table("roster")
def roster(scope: Scope) -> Table:
    """The people now in the cell (its roster page, with its search and party group), or
    everyone now under a committee, cell by cell."""
    unit = _unit(scope)
    if unit.kind.is_cell:
        rows = cell_selectors.roster_rows(
            cell=unit,
            filters=RosterFilter.of(_searched(scope)),
            groups=list(Unit.objects.get_children(unit).only("id", "name", "path")),
            today=scope.today,
        )
    else:
        rows = subtree_roster(unit=unit)
    categories, statuses, genders = (
        _labels(Member.Category),
        _labels(Member.Status),
        _labels(Member.Gender),
    )

    def read():
        for r in rows.values_list(*ROSTER_FIELDS).iterator(chunk_size=2000):
            yield (
                r[0],
                r[1],
                r[2],
                r[3],
                categories.get(r[4], r[4]),
                statuses.get(r[5], ""),
                r[6],
                genders.get(r[7], ""),
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                _yes(r[13]),
                r[14],
            )

    title = _("Roster") if unit.kind.is_cell else _("Everyone under the unit")
    return Table(
        title=title,
        filename=_slug("roster", unit),
        notes=[f"{title} – {unit.name}"],
        columns=[
            Column(_("Full name"), width=28),
            Column(_("Party card number"), width=16),
            Column(_("Cell"), width=28),
            Column(_("Party group"), width=18),
            Column(_("Category"), width=22),
            Column(_("Membership status"), width=16),
            Column(_("Date of birth"), DATE),
            Column(_("Gender"), width=8),
            Column(_("Date of admission"), DATE),
            Column(_("Date of full membership"), DATE),
            Column(_("Position / job"), width=28),
            Column(_("Workplace"), width=28),
            Column(_("Phone"), width=14),
            Column(_("Key official"), width=10),
            Column(_("In the party group since"), DATE),
        ],
        rows=read,
        count=rows.count(),
    )


# --- The cell's year: registration, plans and items, the quarter's reports, ratings -----------


def _standing(scope: Scope, cell: Unit):
    """The quarter the cell's overview shows and its compact standing (the kept figures')."""
    year = scope.year()
    period = Period(year, scope.quarter() or cell_selectors.dashboard_quarter(year, scope.today))
    kept.fresh(Unit.objects.filter(pk=cell.pk), year)
    return period, kept.standing_of(cell, period, scope.today)


def _people(ids) -> dict[int, dict]:
    return {
        m["pk"]: m
        for m in Member.objects.filter(pk__in=ids).values(
            "pk", "full_name", "card_number", "sort_name"
        )
    }


@table("registration")
def registration(scope: Scope) -> Table:
    """Who the cell's figures count in the quarter and whether they registered (the overview's
    figure and its list of people not registered), with their plan's state now."""
    cell = _cell(scope)
    period, selected = _standing(scope, cell)
    people = selected.people
    names = _people([p.member_id for p in people])
    groups = dict(Unit.objects.get_children(cell).values_list("pk", "name"))
    plans = dict(
        Plan.objects.filter(year=period.year, member_id__in=list(names)).values_list(
            "member_id", "status"
        )
    )
    statuses = _labels(Plan.Status)
    people = sorted(people, key=lambda p: (not p.is_party, names[p.member_id]["sort_name"]))

    def read():
        for p in people:
            m = names[p.member_id]
            yield (
                m["full_name"],
                m["card_number"],
                groups.get(p.group_id, ""),
                _("Party member") if p.is_party else _("Not a party member"),
                _yes(selected.is_registered(p.member_id)),
                statuses.get(plans.get(p.member_id), _("No plan")),
            )

    return Table(
        title=_("Registration"),
        filename=_slug("registration", cell, period.year, f"q{period.quarter}"),
        notes=[
            _("Registration – %(unit)s – as of %(date)s")
            % {"unit": cell.name, "date": selected.as_of.strftime("%d/%m/%Y")}
        ],
        columns=[
            Column(_("Full name"), width=28),
            Column(_("Party card number"), width=16),
            Column(_("Party group"), width=18),
            Column(_("Category"), width=20),
            Column(_("Registered"), width=11),
            Column(_("Plan"), width=22),
        ],
        rows=read,
        count=len(people),
    )


@table("reports")
def reports(scope: Scope) -> Table:
    """The approved plans the quarter counts, each with its report state (on time, late,
    overdue, not yet due): the overview's figures and their lists."""
    cell = _cell(scope)
    period, selected = _standing(scope, cell)
    plans = list(
        cell_selectors.plans_in_state(selected=selected, states=standing.ReportState.ORDER)
        .annotate(card=F("member__card_number"))
        .values_list("member_name", "card", "state")
    )
    labels = {
        standing.ReportState.ON_TIME: _("Reported on time"),
        standing.ReportState.LATE: _("Reported late"),
        standing.ReportState.MISSING: _("Overdue, not reported"),
        standing.ReportState.NOT_DUE: _("Not yet due"),
    }
    return Table(
        title=_("Quarterly reports"),
        filename=_slug("reports", cell, period.year, f"q{period.quarter}"),
        notes=[
            _("Reports of quarter %(q)s %(year)s – %(unit)s")
            % {"q": period.roman, "year": period.year, "unit": cell.name}
        ],
        columns=[
            Column(_("Full name"), width=28),
            Column(_("Party card number"), width=16),
            Column(_("Report"), width=24),
            Column(_("Deadline"), DATE),
        ],
        rows=lambda: ((n, c, labels.get(s, s), selected.deadline) for n, c, s in plans),
        count=len(plans),
    )


@table("plans")
def plans(scope: Scope) -> Table:
    """The plans of the year the cell follows up (its lists of plans), one row per item."""
    cell = _cell(scope)
    year = scope.year()
    chosen = list(
        cell_selectors.plans_now(cell=cell, year=year)
        .order_by("member__sort_name", "id")
        .values_list("pk", "member__full_name", "member__card_number", "status", "approved_at")
    )
    items: dict[int, list] = {}
    for item in (
        PlanItem.objects.filter(plan_id__in=[p[0] for p in chosen])
        .order_by("plan_id", "position", "id")
        .values_list(
            "plan_id",
            "position",
            "action",
            "measures",
            "expected_result",
            "target_value",
            "target_unit",
            "deadline",
            "is_breakthrough",
        )
    ):
        items.setdefault(item[0], []).append(item[1:])
    statuses = _labels(Plan.Status)

    def read():
        for pk, name, card, status, approved_at in chosen:
            head = (name, card, statuses.get(status, status), approved_at)
            for item in items.get(pk) or [(None,) * 8]:
                *rest, breakthrough = item
                yield (*head, *rest, "" if breakthrough is None else _yes(breakthrough))

    return Table(
        title=_("Plans and items"),
        filename=_slug("plans", cell, year),
        notes=[_("Plans of %(year)s – %(unit)s") % {"year": year, "unit": cell.name}],
        columns=[
            Column(_("Full name"), width=28),
            Column(_("Party card number"), width=16),
            Column(_("Plan"), width=18),
            Column(_("Approved at"), DATETIME),
            Column(_("No."), WHOLE, width=6),
            Column(_("What I will do"), width=40),
            Column(_("Measures"), width=32),
            Column(_("Expected result"), width=28),
            Column(_("Target"), DECIMAL),
            Column(_("Unit of the target"), width=12),
            Column(_("Deadline"), DATE),
            Column(_("Breakthrough"), width=11),
        ],
        rows=read,
        count=sum(len(items.get(p[0]) or [None]) for p in chosen),
    )


@table("ratings")
def ratings(scope: Scope) -> Table:
    """The ratings page: party members now in the cell, their proposed and given rating, as
    the page's filters select them (all its pages)."""
    cell = _cell(scope)
    year = scope.year()
    selected = cell_selectors.rating_rows(
        cell=cell,
        year=year,
        filters=RatingFilter.of(_searched(scope), Rating.values),
        groups=list(cell_selectors.cell_groups(cell).only("id", "name", "path")),
    )
    rows = cell_selectors.with_plan_and_rating(list(selected), year=year)
    levels = _labels(Rating)

    def read():
        for member, plan, rating in rows:
            yield (
                member.full_name,
                member.card_number,
                levels.get(plan.proposed_rating, "") if plan else "",
                levels.get(rating.level, "") if rating else "",
                rating.score if rating else None,
                rating.justification if rating else "",
                rating.rated_at if rating else None,
            )

    return Table(
        title=_("Ratings"),
        filename=_slug("ratings", cell, year),
        notes=[_("Ratings of %(year)s – %(unit)s") % {"year": year, "unit": cell.name}],
        columns=[
            Column(_("Full name"), width=28),
            Column(_("Party card number"), width=16),
            Column(_("Self-assessment"), width=26),
            Column(_("Rating"), width=26),
            Column(_("Score"), WHOLE, width=8),
            Column(_("Justification"), width=40),
            Column(_("Rated at"), DATETIME),
        ],
        rows=read,
        count=len(rows),
    )


# --- Meetings and checks -------------------------------------------------------------------


@table("meetings")
def meetings(scope: Scope) -> Table:
    cell = _cell(scope)
    rows = list(cell_selectors.meetings_of(cell, DatedFilter.of(scope.params)))
    names = cell_selectors.absentees_named(rows)

    def hour(value: datetime.time | None) -> str:
        return value.strftime("%H:%M") if value else ""

    def read():
        for m in rows:
            present = sorted(m.attendees.all(), key=lambda a: a.sort_name)
            reasons = sorted(
                (names.get(str(pk), ""), reason) for pk, reason in (m.absence_reasons or {}).items()
            )
            yield (
                m.date,
                hour(m.starts_at),
                hour(m.ends_at),
                m.place,
                m.chair.full_name if m.chair else "",
                m.minute_taker.full_name if m.minute_taker else "",
                len(present),
                ", ".join(a.full_name for a in present),
                "; ".join(f"{name}: {reason}" for name, reason in reasons if name),
                m.agenda,
                m.content,
                m.conclusions,
                m.recorded_at,
            )

    return Table(
        title=_("Cell meetings"),
        filename=_slug("meetings", cell),
        notes=[f"{_('Cell meetings')} – {cell.name}"],
        columns=[
            Column(_("Date"), DATE),
            Column(_("Started at"), width=9),
            Column(_("Ended at"), width=9),
            Column(_("Place"), width=24),
            Column(_("Chair"), width=24),
            Column(_("Secretary of the meeting"), width=24),
            Column(_("Present"), WHOLE, width=9),
            Column(_("Members present"), width=40),
            Column(_("Absent, with the reason"), width=40),
            Column(_("Agenda"), width=40),
            Column(_("Content of the meeting"), width=50),
            Column(_("Conclusions"), width=50),
            Column(_("Recorded at"), DATETIME),
        ],
        rows=read,
        count=len(rows),
    )


@table("checks")
def checks(scope: Scope) -> Table:
    cell = _cell(scope)
    rows = list(
        cell_selectors.checks_of(cell, DatedFilter.of(scope.params, cell_filters.CHECK_KINDS))
    )
    return Table(
        title=_("Checks and supervision"),
        filename=_slug("checks", cell),
        notes=[f"{_('Checks and supervision')} – {cell.name}"],
        columns=[
            Column(_("Date"), DATE),
            Column(_("Kind"), width=12),
            Column(_("Party member"), width=26),
            Column(_("Subject"), width=32),
            Column(_("Findings"), width=40),
            Column(_("Conclusion"), width=40),
        ],
        rows=lambda: (
            (
                s.date,
                s.get_kind_display(),
                s.member.full_name,
                s.subject,
                s.findings,
                s.conclusion,
            )
            for s in rows
        ),
        count=len(rows),
    )


# --- A unit's figures: the roll-up and a review ---------------------------------------------

FIGURE_COLUMNS = [
    ("members", gettext_lazy("Party members"), WHOLE),
    ("registered", gettext_lazy("Registered"), WHOLE),
    ("registered_pct", gettext_lazy("Share registered"), PERCENT),
    ("approved_plans", gettext_lazy("Approved plans"), WHOLE),
    ("items", gettext_lazy("Items"), WHOLE),
    ("breakthrough", gettext_lazy("Breakthrough items"), WHOLE),
    ("items_done", gettext_lazy("Items done"), WHOLE),
    ("items_in_progress", gettext_lazy("Items in progress"), WHOLE),
    ("items_not_started", gettext_lazy("Items not started"), WHOLE),
    ("items_not_done", gettext_lazy("Items that will not be done"), WHOLE),
    ("items_not_reported", gettext_lazy("Items not reported"), WHOLE),
    ("reports_on_time", gettext_lazy("Reported on time"), WHOLE),
    ("reports_late", gettext_lazy("Reported late"), WHOLE),
    ("reports_missing", gettext_lazy("Overdue, not reported"), WHOLE),
    ("checks", gettext_lazy("Checks"), WHOLE),
    ("supervisions", gettext_lazy("Supervisions"), WHOLE),
]


@table("rollup")
def rollup(scope: Scope) -> Table:
    """The committee's roll-up for a year and quarter, per unit directly below and in all."""
    unit = _unit(scope)
    if unit.kind.is_cell:
        raise Http404
    year = scope.year()
    quarter = scope.quarter() or cell_selectors.dashboard_quarter(year, scope.today)
    r = unit_rollup(unit=unit, period=Period(year, quarter), today=scope.today)
    sort, kind = str(scope.params.get("sort") or ""), str(scope.params.get("kind") or "")
    shown = r.shown(
        sort=sort if sort in ROLLUP_SORTS else "",
        descending=scope.params.get("dir") == "desc",
        kind=kind if kind in {code for code, _name in r.kinds} else "",
        late=scope.params.get("late") == "1",
    )
    lines = [*shown, r.total]

    def read():
        for line in lines:
            f, c, d = line.f, line.collective, line.deeds
            yield (
                line.unit.name if line.unit else _("Total"),
                line.unit.kind.name if line.unit else "",
                f["members"],
                f["registered"],
                f["registered_pct"],
                f["approved_plans"],
                f["reports_on_time"],
                f["reports_late"],
                f["reports_missing"],
                line.on_time_pct,
                f["breakthrough"],
                c.registered,
                c.models,
                c.breakthrough,
                d.approved_collectives,
                d.approved_persons,
                _yes(line.is_late),
            )

    return Table(
        title=_("Roll-up"),
        filename=_slug("rollup", unit, year, f"q{quarter}"),
        notes=[
            _("Roll-up of quarter %(q)s %(year)s – %(unit)s, as of %(date)s")
            % {
                "q": r.period.roman,
                "year": year,
                "unit": unit.name,
                "date": r.as_of.strftime("%d/%m/%Y"),
            }
        ],
        columns=[
            Column(_("Unit"), width=30),
            Column(_("Kind"), width=16),
            Column(_("Party members"), WHOLE),
            Column(_("Registered"), WHOLE),
            Column(_("Share registered"), PERCENT),
            Column(_("Approved plans"), WHOLE),
            Column(_("Reported on time"), WHOLE),
            Column(_("Reported late"), WHOLE),
            Column(_("Overdue, not reported"), WHOLE),
            Column(_("Share reported on time"), PERCENT),
            Column(_("Breakthrough items"), WHOLE),
            Column(_("Organisations registered"), WHOLE),
            Column(_("Models"), WHOLE),
            Column(_("Breakthrough contents"), WHOLE),
            Column(_("Collectives commended"), WHOLE),
            Column(_("Persons commended"), WHOLE),
            Column(_("Late"), width=8),
        ],
        rows=read,
        count=len(lines),
    )


@table("review")
def review(scope: Scope) -> Table:
    """A review's figures as stored (what its page and PDF print): the unit, then each unit
    below."""
    found = (
        Review.objects.filter(policy.review_visibility(scope.user), pk=scope.pk)
        .select_related("unit")
        .first()
    )
    if found is None:
        raise Http404
    if found.kind == Review.Kind.TERM:  # a row per year of the term, as its table prints
        first = _("Year")
        rows = [(y.get("year"), y.get("figures") or {}) for y in found.figures.get("years", [])]
    else:
        first = _("Unit")
        rows = [(found.unit.name, found.figures), *((c.get("name"), c) for c in found.children)]
    return Table(
        title=_("Review figures"),
        filename=f"review-{found.pk}",
        notes=[f"{found}", _("Figures as of %(date)s") % {"date": _date(found.as_of)}],
        columns=[
            Column(first, width=30),
            *(Column(str(header), kind) for _key, header, kind in FIGURE_COLUMNS),
        ],
        rows=lambda: (
            (name, *(f.get(key) for key, _header, _kind in FIGURE_COLUMNS)) for name, f in rows
        ),
        count=len(rows),
    )


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "–"


# --- The library of practices, good deeds and commendation proposals --------------------------


@table("library")
def library(scope: Scope) -> Table:
    """The library as the reader sees it, with its search and filters."""
    choices = practice_selectors.library_choices(scope.user)
    unit_id = whole_number(str(scope.params.get("unit") or ""))
    field = str(scope.params.get("field") or "")
    year = scope.params.get("year")
    chosen = practice_selectors.LibraryFilter(
        query=str(scope.params.get("query") or "")[:100].strip(),
        year=scope.year() if year not in (None, "") else None,
        field=field if field in Field.values else "",
        unit=next((u for u in choices["units"] if u.pk == unit_id), None),
    )
    rows = list(practice_selectors.library(scope.user, chosen))
    fields = _labels(Field)
    return Table(
        title=_("Models and good practices"),
        filename="library",
        columns=[
            Column(_("Title"), width=36),
            Column(_("Field"), width=20),
            Column(_("Year"), WHOLE, width=7),
            Column(_("Proposing unit"), width=28),
            Column(_("Published by"), width=28),
            Column(_("Published at"), DATETIME),
            Column(_("Units that adopted it"), WHOLE),
            Column(_("Results"), width=50),
        ],
        rows=lambda: (
            (
                p.title,
                fields.get(p.field, p.field),
                p.year,
                p.unit.name,
                p.committee.name if p.committee_id else "",
                p.published_at,
                p.replicated,
                p.results,
            )
            for p in rows
        ),
        count=len(rows),
    )


@table("deeds")
def deeds(scope: Scope) -> Table:
    """The unit's register of good deeds for a year, with what became of their proposals."""
    unit = _unit(scope)
    year = scope.year()
    rows = deed_selectors.register(unit=unit, year=year)
    subjects, levels, statuses = _labels(Subject), _labels(Level), _labels(Proposal.Status)

    def read():
        for d in rows:
            proposals = list(d.proposals.all())
            yield (
                d.date,
                subjects.get(d.subject, d.subject),
                d.who,
                d.deed,
                d.praised_on,
                "; ".join(
                    f"{levels.get(p.level, p.level)}: {statuses.get(p.status, p.status)}"
                    + (f" ({p.decision_number})" if p.decision_number else "")
                    for p in proposals
                ),
            )

    return Table(
        title=_("Good deeds"),
        filename=_slug("deeds", unit, year),
        notes=[_("Good deeds of %(year)s – %(unit)s") % {"year": year, "unit": unit.name}],
        columns=[
            Column(_("Date"), DATE),
            Column(_("Who"), width=12),
            Column(_("Name"), width=28),
            Column(_("The good deed"), width=50),
            Column(_("Praised at the cell meeting of"), DATE),
            Column(_("Commendation proposals"), width=40),
        ],
        rows=read,
        count=len(rows),
    )


@table("proposals")
def proposals(scope: Scope) -> Table:
    """The commendation proposals the unit sent in a year and their decisions."""
    unit = _unit(scope)
    year = scope.year()
    rows = deed_selectors.proposals_sent(unit=unit, year=year)
    subjects, levels = _labels(Subject), _labels(Level)
    return Table(
        title=_("Commendation proposals"),
        filename=_slug("proposals", unit, year),
        notes=[
            _("Commendation proposals of %(year)s – %(unit)s") % {"year": year, "unit": unit.name}
        ],
        columns=[
            Column(_("Sent on"), DATE),
            Column(_("Who"), width=12),
            Column(_("Name"), width=28),
            Column(_("Level"), width=28),
            Column(_("Sent to"), width=28),
            Column(_("State"), width=24),
            Column(_("Decision number"), width=16),
            Column(_("Decision date"), DATE),
            Column(_("Achievements"), width=50),
        ],
        rows=lambda: (
            (
                p.sent_on,
                subjects.get(p.subject, p.subject),
                p.who,
                levels.get(p.level, p.level),
                p.to_unit.name,
                p.get_status_display(),
                p.decision_number,
                p.decision_date,
                p.achievement,
            )
            for p in rows
        ),
        count=len(rows),
    )
