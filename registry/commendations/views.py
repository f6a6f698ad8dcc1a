"""Pages of the register of good deeds and of commendation proposals: thin, every rule asked
of `access.policy` and the services; anything out of reach answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.core.files import serve_stored
from registry.core.forms import add_service_errors
from registry.core.numbers import whole_number
from registry.core.periods import year_or_404
from registry.units.models import Unit

from . import selectors, services
from .forms import DecisionForm, DeedForm, PraiseForm, ProposalForm
from .models import Proposal


def _unit_or_404(request, pk) -> Unit:
    unit = policy.get_visible_unit_or_404(request.user, pk)
    if unit.kind.is_group:
        raise Http404
    return unit


def _year(request) -> int:
    return year_or_404(request.GET.get("year"), default=timezone.localdate().year)


def _years(year: int) -> list[int]:
    this = timezone.localdate().year
    return sorted({this, this - 1, this - 2, year}, reverse=True)


def _choices(unit: Unit) -> dict:
    return {
        "members": selectors.members_of(unit=unit),
        "units": selectors.units_for_collectives(unit=unit),
    }


def _deed_or_404(request, pk) -> object:
    deed = selectors.deed_visible_to(request.user, whole_number(pk))
    if deed is None:
        raise Http404
    return deed


def _proposal_or_404(request, pk) -> Proposal:
    proposal = selectors.proposal_visible_to(request.user, whole_number(pk))
    if proposal is None:
        raise Http404
    return proposal


def _page(request, template: str, unit: Unit, **context):
    return render(request, template, {"unit": unit, **context})


@login_required
def register(request, pk: int):
    unit = _unit_or_404(request, pk)
    year = _year(request)
    user = request.user
    return _page(
        request,
        "commendations/register.html",
        unit,
        year=year,
        years=_years(year),
        tab="register",
        deeds=selectors.register(unit=unit, year=year),
        can_keep=policy.can_keep_good_deeds(user, unit),
        can_propose=policy.can_propose_commendation(user, unit),
    )


def _deed_form_page(request, unit, form, title, deed=None):
    return _page(
        request,
        "commendations/deed_form.html",
        unit,
        form=form,
        title=title,
        deed=deed,
    )


@login_required
def deed_new(request, pk: int):
    unit = _unit_or_404(request, pk)
    if not policy.can_keep_good_deeds(request.user, unit):
        raise Http404
    choices = {
        "members": selectors.members_of(unit=unit),
        "units": selectors.units_for_collectives(unit=unit),
    }
    form = DeedForm(
        request.POST or None,
        request.FILES or None,
        initial={"date": timezone.localdate()},
        **choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deed = services.deed_record(
                unit=unit,
                actor=request.user,
                subject=data["subject"],
                member=data["member"],
                collective_unit=data["collective_unit"],
                collective_name=data["collective_name"],
                deed=data["deed"],
                date=data["date"],
                evidence=data["evidence"] or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The good deed has been written into the register."))
            return redirect(_register_url(unit, deed.date.year))
    return _deed_form_page(request, unit, form, _("Record a good deed"))


def _register_url(unit: Unit, year: int) -> str:
    return f"{reverse('commendations:register', args=[unit.pk])}?year={year}"


@login_required
def deed_edit(request, pk: int):
    deed = _deed_or_404(request, pk)
    unit = deed.unit
    if not policy.can_keep_good_deeds(request.user, unit):
        raise Http404
    choices = {
        "members": selectors.members_of(unit=unit),
        "units": selectors.units_for_collectives(unit=unit),
    }
    initial = {
        "subject": deed.subject,
        "member": deed.member_id,
        "collective_unit": deed.collective_unit_id,
        "collective_name": deed.collective_name,
        "deed": deed.deed,
        "date": deed.date,
    }
    form = DeedForm(request.POST or None, request.FILES or None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.deed_update(
                deed=deed,
                actor=request.user,
                subject=data["subject"],
                member=data["member"],
                collective_unit=data["collective_unit"],
                collective_name=data["collective_name"],
                deed_text=data["deed"],
                date=data["date"],
                evidence=data["evidence"] or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The good deed has been corrected."))
            return redirect(_register_url(unit, data["date"].year))
    return _deed_form_page(request, unit, form, _("Correct a good deed"), deed=deed)


@login_required
def deed_praise(request, pk: int):
    deed = _deed_or_404(request, pk)
    unit = deed.unit
    if not policy.can_keep_good_deeds(request.user, unit):
        raise Http404
    form = PraiseForm(
        request.POST or None,
        after=deed.date,
        initial={"praised_on": deed.praised_on or timezone.localdate(), "note": deed.praise_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deed_praise(
                deed=deed,
                actor=request.user,
                praised_on=form.cleaned_data["praised_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The praise at the cell meeting has been recorded."))
            return redirect(_register_url(unit, deed.date.year))
    return _page(request, "commendations/praise_form.html", unit, form=form, deed=deed)


@login_required
def deed_evidence(request, pk: int):
    deed = _deed_or_404(request, pk)
    return serve_stored(deed.evidence, filename=deed.evidence_name, content_type=deed.evidence_type)


@login_required
def proposals(request, pk: int):
    unit = _unit_or_404(request, pk)
    year = _year(request)
    user = request.user
    rows = selectors.proposals_sent(unit=unit, year=year)
    return _page(
        request,
        "commendations/proposals.html",
        unit,
        year=year,
        years=_years(year),
        tab="proposals",
        rows=[{"p": p, "can_withdraw": policy.can_withdraw_proposal(user, p)} for p in rows],
        can_propose=policy.can_propose_commendation(user, unit),
    )


@login_required
def proposal_new(request, pk: int):
    unit = _unit_or_404(request, pk)
    if not policy.can_propose_commendation(request.user, unit):
        raise Http404
    deed = None
    deed_pk = request.GET.get("deed")
    if deed_pk is not None:
        deed = _deed_or_404(request, deed_pk)
        if deed.unit_id != unit.pk:
            raise Http404
    form = ProposalForm(
        request.POST or None,
        from_deed=deed is not None,
        members=selectors.members_of(unit=unit),
        units=selectors.units_for_collectives(unit=unit),
        initial={"achievement": deed.deed if deed else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_send(
                from_unit=unit,
                actor=request.user,
                level=data["level"],
                achievement=data["achievement"],
                deed=deed,
                subject=data.get("subject", ""),
                member=data.get("member"),
                collective_unit=data.get("collective_unit"),
                collective_name=data.get("collective_name", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The proposal has been sent to the committee above."))
            return redirect("commendations:proposals", pk=unit.pk)
    return _page(request, "commendations/proposal_form.html", unit, form=form, deed=deed)


@login_required
@require_POST
def proposal_withdraw(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    if not policy.can_propose_commendation(request.user, proposal.from_unit):
        raise Http404
    try:
        services.proposal_withdraw(proposal=proposal, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The proposal has been withdrawn."))
    return redirect("commendations:proposals", pk=proposal.from_unit_id)


@login_required
def inbox(request, pk: int):
    unit = _unit_or_404(request, pk)
    year = _year(request)
    waiting, decided = selectors.inbox(unit=unit, year=year)
    user = request.user
    return _page(
        request,
        "commendations/inbox.html",
        unit,
        year=year,
        years=_years(year),
        tab="inbox",
        waiting=[{"p": p, "can_decide": policy.can_decide_proposal(user, p)} for p in waiting],
        decided=decided,
        acts=policy.acts_for_committee(user, unit),
        second_factor=policy.second_factor_passed(user),
    )


@login_required
def proposal_decide(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    if not policy.can_view_unit(request.user, proposal.to_unit):
        raise Http404
    if not policy.acts_for_committee(request.user, proposal.to_unit):
        raise Http404
    form = DecisionForm(
        request.POST or None,
        after=proposal.sent_on,
        initial={"decision_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_decide(
                proposal=proposal,
                actor=request.user,
                approved=data["outcome"] == "approved",
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(
                None,
                _(
                    "A decision is recorded in a session that passed the second sign-in "
                    "step, and never about oneself."
                ),
            )
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect("commendations:inbox", pk=proposal.to_unit_id)
    return _page(
        request,
        "commendations/decide.html",
        proposal.to_unit,
        form=form,
        proposal=proposal,
        can_decide=policy.can_decide_proposal(request.user, proposal),
    )
