from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from registry.access.models import RoleAssignment
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


# The help pages, one per role (issue 14, point 6). Their prose is written whole in each
# language (`templates/help/<language>/<role>.html`) rather than cut into catalogue strings.
HELP_ROLES = {
    "member": _("Party member"),
    "secretary": _("Cell secretary"),
    "officer": _("Committee officer"),
}


def help_role_for(user) -> str:
    """The help page that fits the person first: a committee's officer, a cell's leader,
    else a member."""
    roles = roles_of(user)
    if is_administrator(user) or any(r.role == RoleAssignment.Role.OFFICER for r in roles):
        return "officer"
    if any(r.role in RoleAssignment.MANAGING_ROLES for r in roles):
        return "secretary"
    return "member"


@login_required
def help_index(request):
    return redirect("portal:help_role", role=help_role_for(request.user))


@login_required
def help_page(request, role: str):
    if role not in HELP_ROLES:
        raise Http404
    language = "en" if (get_language() or "vi").startswith("en") else "vi"
    return render(
        request,
        "help/page.html",
        {
            "role": role,
            "role_label": HELP_ROLES[role],
            "roles": HELP_ROLES.items(),
            "body": f"help/{language}/{role}.html",
        },
    )
