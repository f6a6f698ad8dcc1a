"""The cell secretary's pages. Reading needs a role that reaches the cell; acting needs the
secretary or deputy (the services check it again). Out of reach answers 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.core import rendered
from registry.core.documents import pdf_response
from registry.core.forms import add_service_errors, confirmed, typed_text
from registry.core.numbers import whole_number
from registry.core.pagecache import kept_part
from registry.core.periods import FIRST_YEAR, LAST_YEAR, parse_year, quarter_or_404, year_or_404
from registry.members.models import Transfer
from registry.members.selectors import in_cell_since, transfer_waiting_for
from registry.pledges import selectors as plan_selectors
from registry.pledges import services as plan_services
from registry.pledges.models import Plan, Rating
from registry.units.models import Unit

from . import forms, pdf, selectors, services
from .filters import CHECK_KINDS, DatedFilter, RatingFilter, text
from .models import RegistrationBook, Supervision


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
    return year_or_404(request.GET.get("year"), default=timezone.localdate().year)


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


def _quarter(request) -> int | None:
    return quarter_or_404(request.GET.get("q"))


@login_required
def dashboard(request, pk: int):
    cell = _cell_or_404(request, pk)
    today = timezone.localdate()
    year, quarter = _year(request), _quarter(request)
    can_manage = policy.can_manage_unit(request.user, cell)

    def context():
        board = selectors.cell_dashboard(
            cell=cell,
            year=year,
            quarter=quarter,
            today=today,
            user=request.user,
            group=whole_number(request.GET.get("group")),
        )
        return {
            "cell": cell,
            "d": board,
            "f": board.f,
            "key_officials": plan_selectors.key_officials_standing(
                unit=cell, period=board.period, on=today
            ),
            "can_manage": can_manage,
            "quarters": [1, 2, 3, 4],
            "years": [today.year + 1, today.year, today.year - 1, today.year - 2],
        }

    body = kept_part(
        request,
        "cells/_dashboard_body.html",
        context,
        stamp=selectors.cell_stamp(cell=cell, year=year),
        variant=(can_manage,),
    )
    return render(request, "cells/dashboard.html", {"cell": cell, "body": body})


LIST_TITLES = {
    "not-registered": gettext_lazy("Party members not registered"),
    "participants-not-registered": gettext_lazy(
        "Participants who are not party members, not registered"
    ),
    "plans-draft": gettext_lazy("Drafts, not submitted"),
    "plans-submitted": gettext_lazy("Plans waiting for approval"),
    "plans-returned": gettext_lazy("Returned for revision"),
    "plans-approved": gettext_lazy("Approved plans"),
    "plans-amending": gettext_lazy("Plans being amended"),
    "reports-on_time": gettext_lazy("Reported on time"),
    "reports-late": gettext_lazy("Reported late"),
    "reports-missing": gettext_lazy("Overdue, not reported"),
    "reports-not_due": gettext_lazy("Not yet due"),
    "to-review": gettext_lazy("Reports to accept"),
    "items-done": gettext_lazy("Items done"),
    "items-in_progress": gettext_lazy("Items in progress"),
    "items-not_started": gettext_lazy("Items not started"),
    "items-not_done": gettext_lazy("Items that will not be done"),
    "items-none": gettext_lazy("Items not reported"),
    "breakthrough": gettext_lazy("Breakthrough items"),
}


@login_required
def cell_list(request, pk: int, what: str):
    """One list of the overview in full, page by page (who may read the overview may read it)."""
    cell = _cell_or_404(request, pk)
    shown = selectors.cell_list(
        cell=cell,
        what=what,
        year=_year(request),
        quarter=_quarter(request),
        today=timezone.localdate(),
        page=request.GET.get("page"),
        user=request.user,
        group=whole_number(request.GET.get("group")),
        query=text(request.GET, "find"),
    )
    if shown is None or what not in LIST_TITLES:
        raise Http404
    return render(
        request,
        "cells/list.html",
        {
            "cell": cell,
            "l": shown,
            "title": LIST_TITLES[what],
            "find": text(request.GET, "find"),
            "can_manage": policy.can_manage_unit(request.user, cell),
        },
    )


def _plan_for_review(request, plan_pk) -> Plan:
    plan = plan_selectors.plans_visible_to(request.user).filter(pk=plan_pk).first()
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
            plan_services.plan_return_or_comment(
                plan=plan, actor=request.user, comment=typed_text(request.POST, "comment")
            )
            messages.success(
                request, _("The plan of %(name)s is returned for revision.") % {"name": plan.member}
            )
        elif action == "reopen":
            plan_services.plan_reopen(
                plan=plan, actor=request.user, reason=typed_text(request.POST, "reason")
            )
            messages.success(request, _("The plan is reopened for amendment."))
        elif action == "comment":
            item = None
            if request.POST.get("item"):
                item = plan_selectors.item_of(plan=plan, pk=request.POST["item"])
                if item is None:
                    raise Http404
            plan_services.plan_comment(
                plan=plan, actor=request.user, text=typed_text(request.POST, "text"), item=item
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
    ids = [i for i in map(whole_number, request.POST.getlist("plans")) if i is not None]
    back = _safe_next(request) or reverse("cells:dashboard", args=[cell.pk]) + "#waiting"
    if ids and not confirmed(request.POST):
        messages.error(request, _("Tick the box to confirm the approval of the ticked plans."))
        return redirect(back)
    plans = selectors.plans_of_cell(cell=cell, ids=ids)
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
    return redirect(back)


@login_required
@require_POST
def report_review(request, report_pk: int):
    report = plan_selectors.report_visible_to(request.user, report_pk)
    if report is None:
        raise Http404
    try:
        if request.POST.get("action") == "accept":
            plan_services.report_accept(report=report, actor=request.user)
            messages.success(request, _("Report accepted."))
        elif request.POST.get("action") == "ask_more":
            plan_services.report_ask_more(
                report=report, actor=request.user, comment=typed_text(request.POST, "comment")
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
    member = get_object_or_404(selectors.cell_people(cell), pk=member_pk)
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
    filters = RatingFilter.of(request.GET, Rating.values)
    shown = selectors.ratings_page(
        cell=cell, year=year, filters=filters, page=request.GET.get("page")
    )
    committee = policy.rating_deciding_committee(cell)
    return render(
        request,
        "cells/ratings.html",
        {
            "cell": cell,
            "year": year,
            "first_year": FIRST_YEAR,
            "last_year": LAST_YEAR,
            "r": shown,
            "rows": shown.page,
            "filters": filters,
            "levels": Rating.choices,
            "distribution": shown.distribution,
            "can_manage": policy.can_manage_unit(request.user, cell),
            "committee": committee,
            "can_decide": policy.can_decide_ratings(request.user, cell, committee),
        },
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _posted_decisions(data, ratings) -> tuple[list, dict]:
    """The committee's lines from the page: a ticked "accept" takes the proposed level, a
    level chosen in the row's list takes that level with the row's note; untouched rows are
    left as they are. Answers the decisions and what was typed, by rating."""
    accepted = set(data.getlist("accept"))
    decisions, typed = [], {}
    for r in ratings:
        level = data.get(f"level_{r.pk}", "")
        note = typed_text(data, f"note_{r.pk}")
        typed[r.pk] = {"accept": str(r.pk) in accepted, "level": level, "note": note}
        if not level and str(r.pk) not in accepted:
            continue
        decisions.append(
            services.RatingDecision(
                rating_id=r.pk,
                version=_int_or_none(data.get(f"version_{r.pk}")) or 0,
                level=level or r.level,
                note=note,
            )
        )
    return decisions, typed


@login_required
def rating_decide(request, pk: int):
    """The grassroots committee decides the ratings the cell proposed for the year: accept
    the ticked ones as proposed, or set another level with a note."""
    cell = _cell_or_404(request, pk)
    committee = policy.rating_deciding_committee(cell)
    if not policy.can_decide_ratings(request.user, cell, committee):
        raise PermissionDenied
    year = _year(request)
    ratings = selectors.ratings_to_decide(cell=cell, year=year)
    errors, typed, general = {}, {}, []
    if request.method == "POST":
        try:
            decisions, typed = _posted_decisions(request.POST, ratings)
            if not confirmed(request.POST):
                raise ValidationError(_("Tick the box to confirm before going on."))
            services.rating_decide(cell=cell, year=year, actor=request.user, decisions=decisions)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {k: v[0].messages[0] for k, v in exc.error_dict.items()}
            else:
                general = exc.messages
        else:
            messages.success(
                request,
                _("Decided: %(n)s ratings.") % {"n": len(decisions)},
            )
            return redirect(reverse("cells:ratings", args=[cell.pk]) + f"?year={year}")
    rows = [(r, typed.get(r.pk, {}), errors.get(f"r{r.pk}")) for r in ratings]
    return render(
        request,
        "cells/rating_decide.html",
        {
            "cell": cell,
            "committee": committee,
            "year": year,
            "first_year": FIRST_YEAR,
            "last_year": LAST_YEAR,
            "rows": rows,
            "levels": Rating.choices,
            "general_errors": general,
        },
    )


@login_required
def rating_edit(request, pk: int, member_pk: int):
    cell = _managed_cell_or_404(request, pk)
    member = get_object_or_404(selectors.cell_party_members(cell), pk=member_pk)
    year = _year(request)
    rating = selectors.rating_of(member=member, year=year)
    plan = selectors.plan_of(member=member, year=year)
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
                rating = selectors.rating_of(member=member, year=year)
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
            "events": selectors.rating_history(member=member, year=year),
        },
    )


@login_required
def meetings(request, pk: int):
    cell = _cell_or_404(request, pk)
    filters = DatedFilter.of(request.GET)
    return render(
        request,
        "cells/meetings.html",
        {
            "cell": cell,
            "meetings": selectors.dated_page(
                selectors.meetings_of(cell, filters), request.GET.get("page")
            ),
            "filters": filters,
            "years": selectors.meeting_years(cell),
            "can_manage": policy.can_manage_unit(request.user, cell),
            "can_print": policy.can_print_cell_registers(request.user, cell),
            "member_count": selectors.cell_party_members(cell).count(),
        },
    )


@login_required
def meeting_new(request, pk: int):
    cell = _managed_cell_or_404(request, pk)
    members = selectors.cell_party_members(cell)
    plans, reports = selectors.meeting_choices(cell=cell, today=timezone.localdate())
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
                place=data["place"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                minute_taker=data["minute_taker"],
                agenda=data["agenda"],
                content=data["content"],
                absence_reasons=form.absence_reasons(),
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
    filters = DatedFilter.of(request.GET, CHECK_KINDS)
    years = selectors.checks_years(cell)
    return render(
        request,
        "cells/checks.html",
        {
            "cell": cell,
            "rows": selectors.dated_page(
                selectors.checks_of(cell, filters), request.GET.get("page")
            ),
            "filters": filters,
            "kinds": Supervision.Kind.choices,
            "years": years,
            "can_manage": policy.can_manage_unit(request.user, cell),
            "can_print": policy.can_print_cell_registers(request.user, cell),
            "check_years": [filters.year] if filters.year else years[:3],
        },
    )


@login_required
def check_new(request, pk: int):
    cell = _managed_cell_or_404(request, pk)
    form = forms.SupervisionForm(
        request.POST or None,
        members=selectors.cell_party_members(cell),
        initial={"date": timezone.localdate()},
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
    form = forms.AddMemberForm(request.POST or None, groups=selectors.cell_groups(cell))
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
    form = forms.ReceiveForm(request.POST or None, groups=selectors.cell_groups(cell))
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
        {
            "cell": cell,
            "form": form,
            "title": _("Receive a transferred member"),
            "intro": _(
                "Only a transfer addressed to this cell by the sending cell can be received. "
                "Transfers waiting for this cell are also listed on the roster."
            ),
        },
    )


_RESET_CODE_KEY = "cells.reset_code"  # the code just issued, shown once after the redirect


@login_required
def roster_member(request, pk: int, member_pk: int):
    """Change a person's party group, issue their transfer (or withdraw it), or record that
    they left. A committee above the cell may open it for the transfer only."""
    cell = _cell_or_404(request, pk)
    can_manage = policy.can_manage_unit(request.user, cell)
    if not (can_manage or policy.acts_for_cell_or_above(request.user, cell)):
        raise PermissionDenied
    member = get_object_or_404(selectors.cell_people(cell), pk=member_pk)
    current = selectors.current_period_of(cell=cell, member=member)
    today = timezone.localdate()
    group_form = forms.GroupForm(
        groups=selectors.cell_groups(cell),
        initial={"group": current.group_id, "on": today},
        prefix="g",
    )
    destinations = selectors.transfer_destinations(
        from_cell=cell, query=request.GET.get("q", ""), level=request.GET.get("level", 0)
    )
    transfer_form = forms.TransferForm(choices=destinations.cells, prefix="t")
    leave_form = forms.LeaveForm(initial={"on": today}, prefix="l")
    key_form = forms.KeyOfficialForm(
        initial={"is_key_official": member.is_key_official}, prefix="k"
    )
    issued_code = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "group":
                group_form = forms.GroupForm(
                    request.POST, groups=selectors.cell_groups(cell), prefix="g"
                )
                if group_form.is_valid():
                    services.roster_set_group(
                        cell=cell,
                        actor=request.user,
                        member=member,
                        group=group_form.cleaned_data["group"],
                        on=group_form.cleaned_data["on"],
                    )
                    messages.success(request, _("Party group changed."))
                    return redirect("units:detail", pk=cell.pk)
            elif action == "key_official":
                key_form = forms.KeyOfficialForm(request.POST, prefix="k")
                if key_form.is_valid():
                    member = services.roster_set_key_official(
                        cell=cell,
                        actor=request.user,
                        member=member,
                        value=key_form.cleaned_data["is_key_official"],
                    )
                    done = (
                        _("%(name)s is marked as a key official.")
                        if member.is_key_official
                        else _("%(name)s is no longer marked as a key official.")
                    )
                    messages.success(request, done % {"name": member})
                    return redirect("units:detail", pk=cell.pk)
            elif action == "transfer":
                transfer_form = forms.TransferForm(request.POST, prefix="t")
                if transfer_form.is_valid():
                    transfer = services.transfer_issue(
                        member=member, actor=request.user, **transfer_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _(
                            "The transfer of %(name)s to %(cell)s is issued. %(name)s stays in "
                            "this cell until %(cell)s receives them."
                        )
                        % {"name": member, "cell": transfer.to_cell.name},
                    )
                    return redirect("units:detail", pk=cell.pk)
                transfer_form.show_only(destinations.cells)
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
            elif action == "reset_code":
                if not policy.can_issue_reset_code(request.user, member):
                    raise Http404
                code = services.roster_reset_code(cell=cell, actor=request.user, member=member)
                # Shown once, on the page the redirect leads to: reloading it issues nothing.
                request.session[_RESET_CODE_KEY] = {"member": member.pk, "code": code}
                return redirect("cells:roster_member", pk=cell.pk, member_pk=member.pk)
            else:
                raise Http404
        except ValidationError as exc:
            _errors_to_messages(request, exc)
    shown = request.session.pop(_RESET_CODE_KEY, None) if request.method == "GET" else None
    if shown and shown.get("member") == member.pk:
        issued_code = shown["code"]
    waiting = transfer_waiting_for(member=member)
    return render(
        request,
        "cells/roster_member.html",
        {
            "cell": cell,
            "member": member,
            "can_issue_reset_code": policy.can_issue_reset_code(request.user, member),
            "issued_code": issued_code,
            "code_minutes": settings.RESET_CODE_MINUTES,
            "current": current,
            "in_cell_since": in_cell_since(current),
            "can_manage": can_manage,
            "group_form": group_form,
            "key_form": key_form,
            "can_set_key_official": policy.can_set_key_official(request.user, cell),
            "transfer_form": transfer_form,
            "destinations": destinations,
            "can_issue": waiting is None
            and policy.can_issue_transfer(request.user, member, from_cell=cell),
            "waiting": waiting,
            "can_withdraw": waiting is not None
            and policy.can_withdraw_transfer(request.user, waiting),
            "leave_form": leave_form,
            "can_record_leaving": policy.can_record_leaving(request.user, cell, member),
        },
    )


@login_required
@require_POST
def transfer_decide(request, transfer_pk: int):
    """accept | refuse (the receiving side) or cancel (the sending side) a transfer in reach."""
    transfer = (
        Transfer.objects.filter(policy.transfer_visibility(request.user), pk=transfer_pk)
        .select_related("member", "from_cell", "to_cell")
        .first()
    )
    if transfer is None:
        raise Http404
    action = request.POST.get("action")
    name = transfer.member.full_name
    try:
        if action == "refuse" and not confirmed(request.POST):
            raise ValidationError(_("Tick the box to confirm before going on."))
        if action == "accept":
            group = (
                selectors.cell_groups(transfer.to_cell)
                .filter(pk=whole_number(request.POST.get("group")))
                .first()
            )
            services.transfer_accept(transfer=transfer, actor=request.user, group=group)
            messages.success(
                request, _("%(name)s has been received into the cell.") % {"name": name}
            )
        elif action == "refuse":
            services.transfer_refuse(
                transfer=transfer,
                actor=request.user,
                reason=typed_text(request.POST, "reason", limit=300),
            )
            messages.success(request, _("The transfer of %(name)s is refused.") % {"name": name})
        elif action == "cancel":
            services.transfer_cancel(
                transfer=transfer,
                actor=request.user,
                reason=typed_text(request.POST, "reason", limit=300),
            )
            messages.success(request, _("The transfer of %(name)s is withdrawn.") % {"name": name})
        else:
            raise Http404
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    side = transfer.from_cell if action == "cancel" else transfer.to_cell
    return redirect(_safe_next(request) or reverse("units:detail", args=[side.pk]))


# --- Printed registers -------------------------------------------------------------------------
# Printed by whoever may see the cell's pages (`policy.can_print_cell_registers`).


def _printable_cell_or_404(request, pk) -> Unit:
    cell = _cell_or_404(request, pk)
    if not policy.can_print_cell_registers(request.user, cell):
        raise Http404
    return cell


@login_required
def registers(request, pk: int):
    """The cell's printed registers: the roster, the minutes of its meetings, the checks of a
    year, and its books of registrations (ordered here, rendered by a worker)."""
    cell = _printable_cell_or_404(request, pk)
    this_year = timezone.localdate().year
    if request.method == "POST":
        year = parse_year(request.POST.get("year"))
        if year is None:
            messages.error(
                request,
                _("Give a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        else:
            services.book_order(cell=cell, actor=request.user, year=year)
            messages.success(
                request, _("The book is being rendered; this page shows when it is ready.")
            )
        return redirect("cells:registers", pk=cell.pk)
    check_years = selectors.checks_years(cell)
    return render(
        request,
        "cells/registers.html",
        {
            "cell": cell,
            "years": [this_year + 1, this_year, this_year - 1, this_year - 2],
            "this_year": this_year,
            "check_years": check_years or [this_year],
            "meetings": selectors.meetings_of(cell)[:5],
            "books": selectors.registration_books(cell=cell),
        },
    )


@login_required
def roster_pdf(request, pk: int):
    cell = _printable_cell_or_404(request, pk)
    return pdf_response(*pdf.render_roster_pdf(cell))


@login_required
def meeting_minutes(request, pk: int, meeting_pk: int):
    cell = _printable_cell_or_404(request, pk)
    minutes = selectors.meeting_minutes(cell=cell, pk=meeting_pk)
    if minutes is None:
        raise Http404
    return pdf_response(*pdf.render_minutes_pdf(minutes))


@login_required
def checks_pdf(request, pk: int):
    cell = _printable_cell_or_404(request, pk)
    return pdf_response(*pdf.render_checks_pdf(cell, year=_year(request)))


def _book_or_404(request, pk) -> RegistrationBook:
    book = selectors.registration_book_visible_to(request.user, pk)
    if book is None:
        raise Http404
    return book


@login_required
def book_status(request, book_pk: int):
    """The book's state; htmx asks again every two seconds until it is ready or failed."""
    book = _book_or_404(request, book_pk)
    return rendered.status_response(
        request,
        "cells/_book.html",
        {"book": book, "can_retry": policy.can_print_cell_registers(request.user, book.cell)},
    )


@login_required
@require_POST
def book_retry(request, book_pk: int):
    book = _book_or_404(request, book_pk)
    return rendered.retry_response(
        request,
        lambda: services.book_retry(book=book, actor=request.user),
        to=reverse("cells:registers", args=[book.cell_id]),
    )


@login_required
def book_download(request, book_pk: int):
    return rendered.download_response(_book_or_404(request, book_pk))
