from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from registry.access.policy import can_view_unit, members_visible_to
from registry.audit.services import audit_events_for
from registry.units.selectors import unit_ancestors

from .models import Member
from .selectors import member_with_history


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
