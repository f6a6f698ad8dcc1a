from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from registry.access.policy import is_administrator, roles_of
from registry.members.selectors import current_membership_for_user
from registry.programmes.selectors import programme_for

from .health import health_report


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
        "core/home.html",
        {
            "membership": membership,
            "roles": roles,
            "programme": programme,
            "registration_state": programme.registration_state(today),
            "upcoming": upcoming if show_upcoming else None,
            "upcoming_state": upcoming_state,
            "today": today,
            "is_administrator": is_administrator(request.user),
        },
    )


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


@never_cache
@require_GET
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
