"""The cell secretary's pages. Reading needs a role that reaches the cell; acting needs the
secretary or deputy (the services check it again). Out of reach answers 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.audit.services import audit_events_for
from registry.core.forms import add_service_errors
from registry.members.models import Member, Membership
from registry.pledges import services as plan_services
from registry.pledges.models import Plan, PlanItem, ProgressReport, Rating
from registry.units.models import Unit

from . import forms, selectors, services
from .models import CellMeeting, Supervision, YearRating


def _cell_or_404(request, pk) -> Unit:
    unit = policy.get_visible_unit_or_404(request.user, pk)
    if not unit.kind.is_cell:
        raise Http404
    return unit


def _managed_cell_or_404(request, pk) -> Unit:
    cell = _cell_or_404(request, pk)
    if not policy.can_manage_unit(request.user, cell):
        raise PermissionDenied
    return cell


def _year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


def _safe_next(request) -> str | None:
    """Where to go back to: only a path of this site."""
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _members(cell):
    """Party members now in the cell: who attends meetings, is checked and is rated."""
    ids = Membership.objects.filter(cell=cell, end_date__isnull=True).values("member_id")
    return Member.objects.filter(pk__in=ids, category=Member.Category.PARTY_MEMBER).order_by(
        "sort_name"
    )


def _people(cell):
    """Everyone now in the cell, party members or not: the roster."""
    ids = Membership.objects.filter(cell=cell, end_date__isnull=True).values("member_id")
    return Member.objects.filter(pk__in=ids)


def _groups(cell):
    return Unit.objects.get_children(cell)


@login_required
def dashboard(request, pk: int):
    cell = _cell_or_404(request, pk)
    today = timezone.localdate()
    year = _year(request)
    default_quarter = selectors.quarter_of(today) if year == today.year else 4
    try:
        quarter = int(request.GET.get("q", default_quarter))
    except ValueError:
        quarter = default_quarter
    quarter = min(max(quarter, 1), 4)
    board = selectors.cell_dashboard(cell=cell, year=year, quarter=quarter, today=today)
    group_filter = request.GET.get("group")
    not_registered = board.not_registered
    if group_filter:
        not_registered = [m for m in not_registered if str(m.group_id) == group_filter]
    return render(
        request,
        "cells/dashboard.html",
        {
            "cell": cell,
            "d": board,
            "not_registered": not_registered,
            "can_manage": policy.can_manage_unit(request.user, cell),
            "quarters": [1, 2, 3, 4],
            "years": [today.year + 1, today.year, today.year - 1, today.year - 2],
        },
    )


def _plan_for_review(request, plan_pk) -> Plan:
    plan = (
        policy.plans_visible_to(request.user)
        .select_related("cell", "cell__kind", "member")
        .filter(pk=plan_pk)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


@login_required
@require_POST
def plan_review(request, plan_pk: int):
    """approve | return | reopen | comment, from the plan's page or the dashboard."""
    plan = _plan_for_review(request, plan_pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            plan_services.plan_approve(plan=plan, actor=request.user)
            messages.success(
                request, _("The plan of %(name)s is approved.") % {"name": plan.member}
            )
        elif action == "return":
            comment = request.POST.get("comment", "")
            try:
                plan_services.plan_return(plan=plan, actor=request.user, comment=comment)
            except ValidationError as exc:
                if getattr(exc, "code", None) != "state" or not comment.strip():
                    raise
                # Someone else decided first: keep what this secretary wrote as a comment.
                plan_services.plan_comment(plan=plan, actor=request.user, text=comment)
                _errors_to_messages(request, exc)
                messages.info(request, _("Your remarks were kept as a comment on the plan."))
            else:
                messages.success(
                    request,
                    _("The plan of %(name)s is returned for revision.") % {"name": plan.member},
                )
        elif action == "reopen":
            plan_services.plan_reopen(
                plan=plan, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The plan is reopened for amendment."))
        elif action == "comment":
            item = None
            if request.POST.get("item"):
                if not request.POST["item"].isdigit():
                    raise Http404
                item = get_object_or_404(PlanItem, pk=request.POST["item"], plan=plan)
            plan_services.plan_comment(
                plan=plan, actor=request.user, text=request.POST.get("text", ""), item=item
            )
            messages.success(request, _("Your comment has been added."))
        else:
            raise Http404
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect(_safe_next(request) or reverse("pledges:detail", args=[plan.pk]))


@login_required
@require_POST
def bulk_approve(request, pk: int):
    cell = _managed_cell_or_404(request, pk)
    ids = [i for i in request.POST.getlist("plans") if i.isdigit()]
    plans = list(Plan.objects.filter(cell=cell, pk__in=ids).select_related("member"))
    approved, refused = plan_services.plan_approve_many(plans=plans, actor=request.user)
    if approved:
        messages.success(
            request,
            _("%(n)s plans approved: %(names)s.")
            % {"n": len(approved), "names": ", ".join(str(p.member) for p in approved)},
        )
    for plan, reason in refused:
        messages.error(request, _("%(name)s: %(reason)s") % {"name": plan.member, "reason": reason})
    if not ids:
        messages.error(request, _("Tick the plans to approve."))
    return redirect(reverse("cells:dashboard", args=[cell.pk]) + "#waiting")


@login_required
@require_POST
def report_review(request, report_pk: int):
    report = (
        ProgressReport.objects.select_related("item__plan")
        .filter(pk=report_pk, item__plan__in=policy.plans_visible_to(request.user))
        .first()
    )
    if report is None:
        raise Http404
    try:
        if request.POST.get("action") == "accept":
            plan_services.report_accept(report=report, actor=request.user)
            messages.success(request, _("Report accepted."))
        elif request.POST.get("action") == "ask_more":
            plan_services.report_ask_more(
                report=report, actor=request.user, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("The member has been asked for more."))
        else:
            raise Http404
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect(_safe_next(request) or reverse("pledges:detail", args=[report.item.plan_id]))


@login_required
def late_registration(request, pk: int, member_pk: int):
    cell = _managed_cell_or_404(request, pk)
    member = get_object_or_404(_people(cell), pk=member_pk)
    year = _year(request)
    form = forms.LateRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.registration_extend(
                member=member, year=year, until=form.cleaned_data["until"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s may register until %(date)s.")
                % {"name": member, "date": form.cleaned_data["until"].strftime("%d/%m/%Y")},
            )
            return redirect(
                reverse("cells:dashboard", args=[cell.pk]) + f"?year={year}#not-registered"
            )
    return render(
        request,
        "cells/form_page.html",
        {
            "cell": cell,
            "form": form,
            "title": _("Late registration for %(name)s (%(year)s)")
            % {"name": member, "year": year},
        },
    )


@login_required
def ratings(request, pk: int):
    cell = _cell_or_404(request, pk)
    year = _year(request)
    members = list(_members(cell))
    plans = {p.member_id: p for p in Plan.objects.filter(year=year, member__in=members)}
    rated = {
        r.member_id: r
        for r in YearRating.objects.filter(year=year, member__in=members).select_related("rated_by")
    }
    rows = [(m, plans.get(m.pk), rated.get(m.pk)) for m in members]
    distribution = {level: 0 for level in Rating.values}
    for rating in rated.values():
        distribution[rating.level] += 1
    return render(
        request,
        "cells/ratings.html",
        {
            "cell": cell,
            "year": year,
            "rows": rows,
            "distribution": distribution,
            "can_manage": policy.can_manage_unit(request.user, cell),
        },
    )


@login_required
def rating_edit(request, pk: int, member_pk: int):
    cell = _managed_cell_or_404(request, pk)
    member = get_object_or_404(_members(cell), pk=member_pk)
    year = _year(request)
    rating = YearRating.objects.filter(member=member, year=year).select_related("rated_by").first()
    plan = Plan.objects.filter(member=member, year=year).first()
    if request.method == "POST":
        form = forms.RatingForm(request.POST)
        if form.is_valid():
            try:
                services.rating_set(
                    cell=cell,
                    member=member,
                    year=year,
                    actor=request.user,
                    level=form.cleaned_data["level"],
                    score=form.cleaned_data["score"],
                    justification=form.cleaned_data["justification"],
                    seen_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                rating = (
                    YearRating.objects.filter(member=member, year=year)
                    .select_related("rated_by")
                    .first()
                )
                # Keep what was typed, but against the version now on record, so that
                # "save again" after reading the other secretary's rating works.
                data = request.POST.copy()
                data["version"] = str(rating.version) if rating else ""
                form = forms.RatingForm(data)
                form.is_valid()
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Rating saved for %(name)s.") % {"name": member})
                return redirect(reverse("cells:ratings", args=[cell.pk]) + f"?year={year}")
    else:
        initial = {"version": rating.version} if rating else {}
        if rating:
            initial.update(
                level=rating.level, score=rating.score, justification=rating.justification
            )
        form = forms.RatingForm(initial=initial)
    return render(
        request,
        "cells/rating_form.html",
        {
            "cell": cell,
            "member": member,
            "year": year,
            "form": form,
            "rating": rating,
            "plan": plan,
            "events": [
                (e, Rating(e.data["level"]).label)
                for e in audit_events_for(member).filter(action="rating.set")[:50]
                if e.data.get("year") == year
            ],
        },
    )


@login_required
def meetings(request, pk: int):
    cell = _cell_or_404(request, pk)
    rows = (
        CellMeeting.objects.filter(cell=cell)
        .select_related("chair", "recorded_by")
        .prefetch_related("attendees")[:50]
    )
    return render(
        request,
        "cells/meetings.html",
        {
            "cell": cell,
            "meetings": rows,
            "can_manage": policy.can_manage_unit(request.user, cell),
            "member_count": _members(cell).count(),
        },
    )


@login_required
def meeting_new(request, pk: int):
    cell = _managed_cell_or_404(request, pk)
    year = timezone.localdate().year
    members = _members(cell)
    # This year's plans, and reports filed in the last twelve months (so a January meeting
    # can review last year's fourth quarter), newest first.
    plans = (
        Plan.objects.filter(cell=cell, year__in=[year - 1, year])
        .select_related("member")
        .order_by("-year", "member__sort_name")
    )
    since = timezone.now() - datetime.timedelta(days=366)
    reports = (
        ProgressReport.objects.filter(item__plan__cell=cell, filed_at__gte=since)
        .select_related("item__plan__member")
        .order_by("-filed_at")
    )
    form = forms.MeetingForm(
        request.POST or None,
        members=members,
        plans=plans,
        reports=reports,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_record(
                cell=cell,
                actor=request.user,
                date=data["date"],
                chair=data["chair"],
                attendees=list(data["attendees"]),
                plans=list(data["plans"]),
                reports=list(data["reports"]),
                conclusions=data["conclusions"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting has been recorded."))
            return redirect("cells:meetings", pk=cell.pk)
    return render(request, "cells/meeting_form.html", {"cell": cell, "form": form})


@login_required
def checks(request, pk: int):
    cell = _cell_or_404(request, pk)
    rows = Supervision.objects.filter(cell=cell).select_related("member", "recorded_by")[:100]
    return render(
        request,
        "cells/checks.html",
        {"cell": cell, "rows": rows, "can_manage": policy.can_manage_unit(request.user, cell)},
    )


@login_required
def check_new(request, pk: int):
    cell = _managed_cell_or_404(request, pk)
    form = forms.SupervisionForm(
        request.POST or None, members=_members(cell), initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_record(cell=cell, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("cells:checks", pk=cell.pk)
    return render(
        request,
        "cells/form_page.html",
        {"cell": cell, "form": form, "title": _("Record a check or supervision")},
    )


@login_required
def roster_add(request, pk: int):
    cell = _managed_cell_or_404(request, pk)
    form = forms.AddMemberForm(request.POST or None, groups=_groups(cell))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        group, since = data.pop("group"), data.pop("since")
        try:
            member = services.roster_add(
                cell=cell, actor=request.user, group=group, since=since, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s has been added to the cell.") % {"name": member})
            return redirect("units:detail", pk=cell.pk)
    return render(
        request,
        "cells/form_page.html",
        {"cell": cell, "form": form, "title": _("Add a person to the cell")},
    )


@login_required
def roster_receive(request, pk: int):
    cell = _managed_cell_or_404(request, pk)
    form = forms.ReceiveForm(
        request.POST or None, groups=_groups(cell), initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.roster_receive(cell=cell, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s has been received into the cell.") % {"name": member}
            )
            return redirect("units:detail", pk=cell.pk)
    return render(
        request,
        "cells/form_page.html",
        {"cell": cell, "form": form, "title": _("Receive a transferred member")},
    )


@login_required
def roster_member(request, pk: int, member_pk: int):
    """Change a person's party group, transfer them out, or record that they left."""
    cell = _managed_cell_or_404(request, pk)
    member = get_object_or_404(_people(cell), pk=member_pk)
    current = Membership.objects.get(member=member, end_date__isnull=True)
    today = timezone.localdate()
    group_form = forms.GroupForm(
        groups=_groups(cell), initial={"group": current.group_id}, prefix="g"
    )
    transfer_form = forms.TransferForm(current_cell=cell, initial={"on": today}, prefix="t")
    leave_form = forms.LeaveForm(initial={"on": today, "reason": "left"}, prefix="l")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "group":
                group_form = forms.GroupForm(request.POST, groups=_groups(cell), prefix="g")
                if group_form.is_valid():
                    services.roster_set_group(
                        cell=cell,
                        actor=request.user,
                        member=member,
                        group=group_form.cleaned_data["group"],
                    )
                    messages.success(request, _("Party group changed."))
                    return redirect("units:detail", pk=cell.pk)
            elif action == "transfer":
                transfer_form = forms.TransferForm(request.POST, current_cell=cell, prefix="t")
                if transfer_form.is_valid():
                    services.roster_transfer_out(
                        cell=cell, actor=request.user, member=member, **transfer_form.cleaned_data
                    )
                    messages.success(
                        request, _("%(name)s has been transferred.") % {"name": member}
                    )
                    return redirect("units:detail", pk=cell.pk)
            elif action == "leave":
                leave_form = forms.LeaveForm(request.POST, prefix="l")
                if leave_form.is_valid():
                    services.roster_leave(
                        cell=cell, actor=request.user, member=member, **leave_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("Recorded: %(name)s no longer belongs to the cell.") % {"name": member},
                    )
                    return redirect("units:detail", pk=cell.pk)
            else:
                raise Http404
        except ValidationError as exc:
            _errors_to_messages(request, exc)
    return render(
        request,
        "cells/roster_member.html",
        {
            "cell": cell,
            "member": member,
            "current": current,
            "group_form": group_form,
            "transfer_form": transfer_form,
            "leave_form": leave_form,
        },
    )
