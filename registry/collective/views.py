"""Pages of collective registrations. Thin: the policy decides who sees and does what, the
services change things, the selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.core.documents import pdf_response
from registry.core.files import serve_stored
from registry.core.forms import add_service_errors
from registry.core.numbers import whole_number
from registry.core.periods import quarter_or_404, roman, year_or_404
from registry.indicators.selectors import indicators_for
from registry.programmes.selectors import programme_for

from . import selectors, services
from .forms import (
    AmendForm,
    ContentFormSet,
    DecideForm,
    ProgressForm,
    RegistrationForm,
)
from .models import Registration
from .pdf import render_registration_pdf


def _unit_or_404(request, pk):
    unit = selectors.units_for_collective(request.user).filter(pk=pk).first()
    if unit is None or unit.kind.is_group:
        raise Http404
    return unit


def _registration_or_404(request, pk) -> Registration:
    try:
        return selectors.registration_full(
            registrations=selectors.registrations_visible_to(request.user), pk=pk
        )
    except (Registration.DoesNotExist, ValueError):
        raise Http404 from None


def _page(registration: Registration):
    return redirect("collective:unit", unit_pk=registration.unit_id, year=registration.year)


@login_required
def registration_page(request, unit_pk: int, year: int):
    """A unit's registration of a year: its action plan, contents and their quarters; the
    buttons each person may use."""
    year = year_or_404(year)
    unit = _unit_or_404(request, unit_pk)
    registration = selectors.registration_of(unit=unit, year=year)
    today = timezone.localdate()
    can_register = policy.can_register_collective(request.user, unit)
    can_decide = policy.can_decide_collective(request.user, unit)
    context = {
        "unit": unit,
        "year": year,
        "years": [today.year + 1, today.year, today.year - 1, today.year - 2],
        "registration": registration,
        "parent": selectors.unit_parent(unit),
        "programme": programme_for(unit=unit, year=year),
        "can_register": can_register,
        "can_decide": can_decide,
        "today": today,
    }
    if registration is not None:
        transitions = list(registration.transitions.all())
        context.update(
            {
                "rows": selectors.progress_rows(registration, today),
                "transitions": transitions,
                "return_comment": transitions[-1].comment
                if registration.status == Registration.Status.RETURNED and transitions
                else "",
                "changes": selectors.registration_changes(registration)
                if registration.status != Registration.Status.APPROVED
                else [],
                "decide_form": DecideForm(),
                "amend_form": AmendForm(),
            }
        )
        # What each content shows of the practices grown from it, and whether one may be.
        practices = selectors.content_practices(registration=registration, user=request.user)
        for content in registration.contents.all():
            content.shown_practices = practices.get(content.pk, [])
            content.can_propose = policy.can_propose_practice_from_content(request.user, content)
    return render(request, "collective/registration.html", context)


@login_required
@require_POST
def registration_start(request, unit_pk: int, year: int):
    year = year_or_404(year)
    unit = _unit_or_404(request, unit_pk)
    if not policy.can_register_collective(request.user, unit):
        raise Http404
    try:
        registration = services.registration_create(unit=unit, year=year, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("collective:unit", unit_pk=unit.pk, year=year)
    return redirect("collective:edit", pk=registration.pk)


def _initial_contents(registration: Registration) -> list[dict]:
    return [
        {
            "id": c.pk,
            "kind": c.kind,
            "title": c.title,
            "measures": c.measures,
            "expected_result": c.expected_result,
            "target_value": c.target_value,
            "target_unit": c.target_unit,
            "indicator": c.indicator_id,
            "deadline": c.deadline,
            "responsible": c.responsible_id,
            "responsible_name": c.responsible_name,
            "ORDER": c.position,
        }
        for c in registration.contents.all()
    ]


@login_required
def registration_edit(request, pk: int):
    registration = _registration_or_404(request, pk)
    unit = registration.unit
    if not policy.can_register_collective(request.user, unit):
        raise Http404
    if not registration.is_editable:
        messages.info(
            request,
            _("The registration is “%(state)s” and cannot be changed now.")
            % {"state": registration.get_status_display()},
        )
        return _page(registration)
    chosen = {c.indicator_id for c in registration.contents.all()}
    form_kwargs = {"unit": unit, "indicators": list(indicators_for(unit=unit, include=chosen))}
    if request.method == "POST":
        data = request.POST.copy()
        form = RegistrationForm(data, request.FILES)
        if "add_content" in data:
            total = whole_number(data.get("contents-TOTAL_FORMS")) or 0
            data["contents-TOTAL_FORMS"] = str(min(total, 40) + 1)
        formset = ContentFormSet(data, prefix="contents", form_kwargs=form_kwargs)
        if "add_content" not in data and form.is_valid() and formset.is_valid():
            try:
                services.registration_save(
                    registration=registration,
                    actor=request.user,
                    plan_number=form.cleaned_data["plan_number"],
                    plan_date=form.cleaned_data["plan_date"],
                    summary=form.cleaned_data["summary"],
                    contents=formset.contents_in_order(),
                    plan_file=form.cleaned_data["plan_file"] or None,
                    remove_file=form.cleaned_data["remove_file"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The registration has been saved."))
                return _page(registration)
    else:
        form = RegistrationForm(
            initial={
                "plan_number": registration.plan_number,
                "plan_date": registration.plan_date,
                "summary": registration.summary,
            }
        )
        initial = _initial_contents(registration)
        formset = ContentFormSet(
            prefix="contents", initial=initial or None, form_kwargs=form_kwargs
        )
        if not initial:
            formset.extra = 1
    return render(
        request,
        "collective/edit.html",
        {
            "registration": registration,
            "unit": unit,
            "form": form,
            "formset": formset,
            "programme": programme_for(unit=unit, year=registration.year),
        },
    )


@login_required
@require_POST
def registration_submit(request, pk: int):
    registration = _registration_or_404(request, pk)
    if not policy.can_register_collective(request.user, registration.unit):
        raise Http404
    try:
        services.registration_submit(registration=registration, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The registration has been sent to the committee above."))
    return _page(registration)


@login_required
@require_POST
def registration_amend(request, pk: int):
    registration = _registration_or_404(request, pk)
    if not policy.can_register_collective(request.user, registration.unit):
        raise Http404
    form = AmendForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.registration_request_amendment(
            registration=registration, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _page(registration)
    messages.success(
        request,
        _(
            "The registration can be changed now; submit it again. "
            "The approved version stays on record."
        ),
    )
    return redirect("collective:edit", pk=registration.pk)


@login_required
@require_POST
def registration_decide(request, pk: int):
    registration = _registration_or_404(request, pk)
    if not policy.can_decide_collective(request.user, registration.unit):
        raise Http404
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose to approve or to return, and keep the comment short."))
        if form.cleaned_data["action"] == "approve":
            services.registration_approve(registration=registration, actor=request.user)
            messages.success(request, _("The registration has been approved."))
        else:
            services.registration_return(
                registration=registration,
                actor=request.user,
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("The registration has been returned for revision."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    next_url = request.POST.get("next", "")
    parent = selectors.unit_parent(registration.unit)
    if next_url == "waiting" and parent is not None:
        return redirect(f"{_waiting_url(parent)}?year={registration.year}")
    return _page(registration)


def _waiting_url(unit) -> str:
    from django.urls import reverse

    return reverse("collective:waiting", kwargs={"unit_pk": unit.pk})


@login_required
def waiting(request, unit_pk: int):
    """The registrations of the units directly under `unit` waiting for its decision."""
    unit = _unit_or_404(request, unit_pk)
    if not policy.can_decide_collective_under(request.user, unit):
        raise Http404
    rows = [
        r
        for r in selectors.waiting_under(unit=unit)
        if policy.can_decide_collective(request.user, r.unit)
    ]
    return render(
        request,
        "collective/waiting.html",
        {"unit": unit, "rows": rows, "decide_form": DecideForm(), "today": timezone.localdate()},
    )


@login_required
def progress_edit(request, pk: int, content_pk: int, quarter: int):
    registration = _registration_or_404(request, pk)
    content = next((c for c in registration.contents.all() if c.pk == content_pk), None)
    if content is None or quarter_or_404(quarter) is None:
        raise Http404
    if not policy.can_register_collective(request.user, registration.unit):
        raise Http404
    existing = next((p for p in content.progress.all() if p.quarter == quarter), None)
    if request.method == "POST":
        form = ProgressForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.progress_file(
                    content=content,
                    quarter=quarter,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                    value_reached=form.cleaned_data["value_reached"],
                    account=form.cleaned_data["account"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The progress of quarter %(q)s has been recorded.") % {"q": roman(quarter)},
                )
                return _page(registration)
    else:
        initial = {}
        if existing:
            initial = {
                "status": existing.status,
                "value_reached": existing.value_reached,
                "account": existing.account,
            }
        form = ProgressForm(initial=initial)
    programme = programme_for(unit=registration.unit, year=registration.year)
    return render(
        request,
        "collective/progress_form.html",
        {
            "registration": registration,
            "content": content,
            "quarter": quarter,
            "quarter_label": roman(quarter),
            "progress": existing,
            "form": form,
            "deadline": programme.quarter_deadline(quarter),
        },
    )


@login_required
def plan_file(request, pk: int):
    registration = _registration_or_404(request, pk)
    return serve_stored(
        registration.plan_file,
        filename=registration.plan_file_name,
        content_type=registration.plan_file_type,
    )


@login_required
def evidence_download(request, pk: int):
    evidence = selectors.evidence_visible_to(request.user, pk)
    if evidence is None:
        raise Http404
    return serve_stored(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
def registration_pdf(request, pk: int):
    registration = _registration_or_404(request, pk)
    return pdf_response(*render_registration_pdf(registration))
