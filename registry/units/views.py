from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from registry.access.policy import can_manage_unit, can_view_unit, get_visible_unit_or_404
from registry.members.selectors import cell_roster, subtree_search

from . import selectors
from .models import Unit


@login_required
def unit_detail(request, pk: int):
    """A cell shows its roster (with search); any other unit its child units with the
    people in each sub-tree, for drill-down."""
    unit = get_visible_unit_or_404(request.user, pk)
    if unit.kind.is_group:  # a party group is shown as its cell's roster, filtered
        cell = Unit.objects.get_parent(unit)
        return redirect(f"{cell.get_absolute_url()}?group={unit.pk}")
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    ancestors = [a for a in selectors.unit_ancestors(unit=unit) if can_view_unit(request.user, a)]
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "counts": selectors.unit_member_counts(unit=unit),
        "standards": selectors.standards_for_unit(unit=unit),
        "can_manage": can_manage_unit(request.user, unit),
        "today_year": timezone.localdate().year,
    }
    if unit.kind.is_cell:
        query = request.GET.get("q", "")[:100].strip()
        groups = list(Unit.objects.get_children(unit).select_related("kind"))
        group = next((g for g in groups if str(g.pk) == request.GET.get("group")), None)
        roster = list(cell_roster(cell=unit, query=query, group=group))
        context.update({"query": query, "groups": groups, "group": group, "roster": roster})
        template = "units/_roster.html" if partial else "units/cell_detail.html"
        return _vary(render(request, template, context))
    query = request.GET.get("q", "")[:100].strip()
    context["query"] = query
    if query:
        page = Paginator(subtree_search(unit=unit, query=query), 50).get_page(
            request.GET.get("page")
        )
        context["results"] = page
    if partial:
        return _vary(render(request, "units/_subtree_results.html", context))
    context["children"] = selectors.unit_children_with_counts(unit=unit)
    return _vary(render(request, "units/unit_detail.html", context))


def _vary(response):
    """The same URL answers a fragment to htmx and a page otherwise: caches must not mix."""
    patch_vary_headers(response, ["HX-Request"])
    return response
