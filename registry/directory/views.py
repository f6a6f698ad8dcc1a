"""Browsing the organisation: a unit's page (a cell's roster, or the units below with the
people in each) and a person's record with their history."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy

from registry.access.policy import (
    acts_for_cell_or_above,
    acts_for_committee,
    can_accept_transfer,
    can_decide_collective_under,
    can_import_roster,
    can_manage_unit,
    can_print_cell_registers,
    can_view_unit,
    can_withdraw_transfer,
    get_visible_unit_or_404,
    members_visible_to,
)
from registry.audit.services import audit_events_for
from registry.cells.filters import RosterFilter, text
from registry.cells.selectors import cells_to_decide, roster_rows
from registry.collective.selectors import collective_rollup
from registry.commendations.selectors import unit_commendations, waiting_count
from registry.core.pagecache import kept_part
from registry.core.periods import Period, quarter_of, quarter_or_404, year_or_404
from registry.members.models import Member
from registry.members.selectors import (
    member_with_history,
    subtree_search,
    transfers_waiting_in,
    transfers_waiting_out,
    unit_member_counts,
)
from registry.units.models import Unit
from registry.units.selectors import standards_for_unit, unit_ancestors

from .selectors import (
    ROLLUP_SORTS,
    child_units,
    rollup_chart,
    rollup_indicators,
    unit_overview,
    unit_rollup,
    unit_stamp,
    unit_year_results,
)

ROSTER_ROWS = 50
ROSTER_STATUSES = [
    ("full", gettext_lazy("Full members")),
    ("probationary", gettext_lazy("Probationary members")),
    ("others", gettext_lazy("Not party members")),
]


@login_required
def unit_detail(request, pk: int):
    """A cell shows its roster (with search), a page at a time; any other unit its child units
    with the people in each sub-tree, for drill-down."""
    unit = get_visible_unit_or_404(request.user, pk)
    if unit.kind.is_group:  # a party group is shown as its cell's roster, filtered
        cell = Unit.objects.get_parent(unit)
        return redirect(f"{cell.get_absolute_url()}?group={unit.pk}")
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    can_manage = can_manage_unit(request.user, unit)
    can_import = can_import_roster(request.user, unit)
    context = {
        "unit": unit,
        "can_manage": can_manage,
        "can_import_roster": can_import,
        # A committee above a cell opens a person's page there to issue their transfer.
        "can_open_people": unit.kind.is_cell
        and (can_manage or acts_for_cell_or_above(request.user, unit)),
    }
    query = text(request.GET, "q")
    context["query"] = query
    if unit.kind.is_cell:
        groups = list(Unit.objects.get_children(unit).only("id", "name", "path"))
        filters = RosterFilter.of(request.GET)
        group = next((g for g in groups if g.pk == filters.group), None)
        rows = roster_rows(cell=unit, filters=filters, groups=groups, today=timezone.localdate())
        roster = Paginator(rows, ROSTER_ROWS)
        context.update(
            {
                "groups": groups,
                "group": group,
                "filters": filters,
                "statuses": ROSTER_STATUSES,
                "roster": roster.get_page(request.GET.get("page")),
                "can_print": can_print_cell_registers(request.user, unit),
            }
        )
        if partial:
            return _vary(render(request, "units/_roster.html", context))
        context["counts"] = unit_member_counts(unit=unit)
        user = request.user
        context["transfers_in"] = [
            {"transfer": t, "can_decide": can_accept_transfer(user, t)}
            for t in transfers_waiting_in(cell=unit)
        ]
        context["transfers_out"] = [
            {"transfer": t, "can_decide": can_withdraw_transfer(user, t)}
            for t in transfers_waiting_out(cell=unit)
        ]
        template = "units/cell_detail.html"
    else:
        if query:
            context["results"] = Paginator(subtree_search(unit=unit, query=query), 50).get_page(
                request.GET.get("page")
            )
        if partial:
            return _vary(render(request, "units/_subtree_results.html", context))

        def unit_context():
            today = timezone.localdate()
            counts, children = unit_overview(unit=unit, today=today)
            deeds_total, deeds_children = unit_commendations(
                unit=unit, period=Period(today.year), on=today
            )
            return {
                **context,
                **_around(request, unit),
                "counts": counts,
                "children": child_units(
                    children,
                    kind=str(request.GET.get("kind") or "")[:40],
                    query=text(request.GET, "find"),
                    page=request.GET.get("units_page"),
                ),
                "rollup": collective_rollup(unit=unit, year=today.year),
                "deeds_total": deeds_total,
                "deeds_children": deeds_children,
                "proposals_waiting": waiting_count(unit=unit),
            }

        body = kept_part(
            request,
            "units/_unit_body.html",
            unit_context,
            stamp=unit_stamp(unit=unit, year=timezone.localdate().year),
            variant=(can_manage, can_import),
        )
        # Not kept with the body: only the committee's own leaders and officers see it.
        year = timezone.localdate().year
        to_decide = (
            cells_to_decide(committee=unit, year=year)
            if acts_for_committee(request.user, unit)
            else []
        )
        return _vary(
            render(
                request,
                "units/unit_detail.html",
                {"unit": unit, "body": body, "to_decide": to_decide, "year": year},
            )
        )
    context.update(_around(request, unit))
    return _vary(render(request, template, context))


@login_required
def rollup(request, pk: int):
    """The committee's roll-up: per unit directly below, for a year and quarter, people and
    registrations, plans and the quarter's reports, collective registrations and
    commendations, sorted and filtered as asked, late units marked. Kept between requests
    like the unit page, under the same stamp."""
    unit = get_visible_unit_or_404(request.user, pk)
    if unit.kind.is_cell or unit.kind.is_group:
        raise Http404
    today = timezone.localdate()
    year = year_or_404(request.GET.get("year"), default=today.year)
    default_quarter = quarter_of(today) if year == today.year else (4 if year < today.year else 1)
    quarter = quarter_or_404(request.GET.get("q"), default=default_quarter)
    sort = request.GET.get("sort", "")
    sort = sort if sort in ROLLUP_SORTS else ""
    descending = request.GET.get("dir") == "desc"
    only_late = request.GET.get("late") == "1"
    kind = request.GET.get("kind", "")

    def context():
        r = unit_rollup(unit=unit, period=Period(year, quarter), today=today)
        chosen_kind = kind if kind in {code for code, _name in r.kinds} else ""
        lines = r.shown(sort=sort, descending=descending, kind=chosen_kind, late=only_late)
        return {
            "unit": unit,
            "r": r,
            "lines": lines,
            "chart": rollup_chart(lines) if lines else None,
            "indicators": rollup_indicators(unit=unit, year=year, today=today),
            "ancestors": [a for a in unit_ancestors(unit=unit) if can_view_unit(request.user, a)],
            "years": sorted({today.year + 1, today.year, today.year - 1, today.year - 2, year}),
            "quarters": [1, 2, 3, 4],
            "chosen": {
                "year": year,
                "q": quarter,
                "sort": sort,
                "dir": "desc" if descending else "asc",
                "kind": chosen_kind,
                "late": only_late,
            },
            "filtered": bool(chosen_kind or only_late),
        }

    body = kept_part(
        request, "units/_rollup_body.html", context, stamp=unit_stamp(unit=unit, year=year)
    )
    return render(request, "units/rollup.html", {"unit": unit, "body": body})


def _around(request, unit: Unit) -> dict:
    return {
        "year_results": unit_year_results(unit=unit, today=timezone.localdate()),
        "ancestors": [a for a in unit_ancestors(unit=unit) if can_view_unit(request.user, a)],
        "standards": standards_for_unit(unit=unit),
        "today_year": timezone.localdate().year,
        "collective_waiting": not unit.kind.is_cell
        and can_decide_collective_under(request.user, unit),
    }


def _vary(response):
    """The same URL answers a fragment to htmx and a page otherwise: caches must not mix."""
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def member_detail(request, pk: int):
    try:
        member = member_with_history(member_qs=members_visible_to(request.user), pk=pk)
    except Member.DoesNotExist:
        raise Http404 from None
    periods = list(member.memberships.all())
    current = next((p for p in periods if p.end_date is None), None)
    trail = [*unit_ancestors(unit=current.cell), current.cell] if current else []
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "periods": periods,
            "current": current,
            "ancestors": [u for u in trail if can_view_unit(request.user, u)],
            "visible_cells": {p.cell_id for p in periods if can_view_unit(request.user, p.cell)},
            "events": audit_events_for(member)[:20],
        },
    )
