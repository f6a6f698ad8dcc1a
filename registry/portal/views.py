from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from registry.access.policy import is_administrator, roles_of
from registry.members.selectors import (
    current_membership_for_user,
    in_cell_since,
    transfer_waiting_for,
)
from registry.pledges.selectors import member_todo
from registry.programmes.selectors import programme_for


@login_required
def home(request):
    today = timezone.localdate()
    membership = current_membership_for_user(request.user)
    roles = roles_of(request.user)
    unit = membership.cell if membership else (roles[0].unit if roles else None)
    programme = programme_for(unit=unit, year=today.year)
    # From late in the year the next year's registration matters more than this year's.
    upcoming = programme_for(unit=unit, year=today.year + 1)
    upcoming_state = upcoming.registration_state(today)
    show_upcoming = upcoming.exists and (
        upcoming_state == "open"
        or (upcoming_state == "upcoming" and (upcoming.registration_opens - today).days <= 45)
    )
    return render(
        request,
        "portal/home.html",
        {
            "membership": membership,
            "in_cell_since": in_cell_since(membership) if membership else None,
            "todo": member_todo(member=membership.member, today=today) if membership else [],
            "transfer": transfer_waiting_for(member=membership.member) if membership else None,
            "roles": roles,
            "programme": programme,
            "registration_state": programme.registration_state(today),
            "upcoming": upcoming if show_upcoming else None,
            "upcoming_state": upcoming_state,
            "today": today,
            "is_administrator": is_administrator(request.user),
        },
    )
