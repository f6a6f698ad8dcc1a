from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.core.documents import pdf_response
from registry.core.files import serve_stored
from registry.core.forms import ConfirmForm, add_service_errors
from registry.core.numbers import whole_number
from registry.core.pagecache import kept_part
from registry.core.periods import Period, quarter_or_404, roman, year_or_404
from registry.indicators.selectors import indicators_for
from registry.members.selectors import current_membership_for_user
from registry.programmes.selectors import programme_for
from registry.units.selectors import standards_for_unit

from . import feedback, selectors, services, standing
from .forms import (
    AmendForm,
    ItemFormSet,
    PlanForm,
    ReportForm,
    SelfAssessmentForm,
    SubmitForm,
    moved,
)
from .models import ITEM_FIELDS, OTHER_UNIT, Plan
from .pdf import render_plan_pdf, render_self_assessment_pdf, self_assessment_document


def _plan_or_404(plans, pk) -> Plan:
    try:
        return selectors.plan_full(plans=plans, pk=pk)
    except (Plan.DoesNotExist, ValueError):
        raise Http404 from None


def _owned_plan_or_404(request, pk) -> Plan:
    return _plan_or_404(selectors.plans_owned_by(request.user), pk)


def _plan_context(request, plan: Plan, membership=None) -> dict:
    """What the plan's page shows. `membership`: the owner's period now, when the page is
    "my plan" (its cell follows the plan up)."""
    today = timezone.localdate()
    if membership is not None and membership.start_date.year <= plan.year:
        plan.follow_up_cell_cached = membership.cell
    programmes = selectors.plan_programmes(
        plan, today, cell_now=membership.cell if membership is not None else None
    )
    programme, deadlines = programmes.programme, programmes.deadlines
    transitions = list(plan.transitions.all())
    is_owner = policy.is_plan_owner(request.user, plan)
    can_decide = policy.can_decide_on_plan(request.user, plan)
    return {
        "plan": plan,
        "transitions": transitions,
        "return_comment": transitions[-1].comment
        if plan.status == Plan.Status.RETURNED and transitions
        else "",
        "programme": programme,
        "rows": selectors.progress_rows(plan, today, deadlines),
        "todo": selectors.member_todo(
            member=plan.member,
            today=today,
            years=[plan.year],
            membership=membership,
            plans={plan.year: plan},
            deadlines={plan.year: deadlines},
            programmes={plan.year: programmes.cell_now} if programmes.cell_now else None,
        )
        if is_owner
        else [],
        "changes": selectors.plan_changes(plan)
        if plan.status in (Plan.Status.SUBMITTED, Plan.Status.AMENDING, Plan.Status.RETURNED)
        else [],
        "today": today,
        "is_owner": is_owner,
        "can_decide": can_decide,
        "leader_owner": policy.owner_leads_cell(plan) if is_owner or can_decide else False,
        "follow_up_cell": policy.follow_up_cell(plan),
        "withdrawable": selectors.withdrawable_comments(
            request.user, plan.comments.all(), now=timezone.now()
        )
        if can_decide
        else set(),
        "comment_minutes": policy.COMMENT_UNDO_MINUTES,
        "feedback": feedback.for_member(user=request.user, member=plan.member, year=plan.year),
    }


@login_required
def my_plan(request, year: int | None = None):
    """The member's plan for a year (this year by default), or the page to start one."""
    today = timezone.localdate()
    year = year_or_404(year, default=today.year)
    membership = current_membership_for_user(request.user)
    if membership is None:
        return render(request, "pledges/no_membership.html", status=200)
    owned = selectors.plans_owned_by(request.user)

    def context():
        plan = selectors.plan_of_year(plans=owned, year=year)
        if plan is not None:
            return {
                **_plan_context(request, plan, membership),
                "years": _years(membership, today),
                "submit_form": SubmitForm(),
                "amend_form": AmendForm(),
            }
        return _start_context(membership, owned, year, today)

    body = kept_part(
        request,
        "pledges/_my_plan_body.html",
        context,
        stamp=selectors.member_stamp(member=membership.member, year=year, membership=membership),
    )
    return render(
        request,
        "pledges/plan_start.html",
        {"year": year, "body": body, "owner_name": membership.member.full_name},
    )


def _start_context(membership, owned, year: int, today) -> dict:
    """The page to start the year's plan: the programme, whether registration is open, the
    previous plan to copy from."""
    programme = programme_for(unit=membership.cell, year=year)
    allowed, why = services.registration_open_for(membership.member, year, membership.cell, today)
    return {
        "year": year,
        "programme": programme,
        "registration_state": programme.registration_state(today),
        "registration_allowed": allowed,
        "registration_note": why,
        "previous": owned.filter(year__lt=year).order_by("-year").first(),
        "todo": selectors.member_todo(
            member=membership.member, today=today, years=[year], membership=membership
        ),
        "years": _years(membership, today),
    }


def _years(membership, today) -> list[int]:
    """Tabs: every year with a plan, this year, and next year once its programme exists."""
    years = set(selectors.plan_years_for(membership.member)) | {today.year}
    if programme_for(unit=membership.cell, year=today.year + 1).exists:
        years.add(today.year + 1)
    return sorted(years, reverse=True)


@login_required
@require_POST
def plan_start(request):
    membership = current_membership_for_user(request.user)
    if membership is None:
        raise Http404
    year = year_or_404(request.POST.get("year"))
    if year is None:
        raise Http404
    copy_from = None
    copy_from_pk = whole_number(request.POST.get("copy_from"))
    if copy_from_pk is not None:
        copy_from = selectors.plans_owned_by(request.user).filter(pk=copy_from_pk).first()
    try:
        plan = services.plan_create(
            member=membership.member, year=year, actor=request.user, copy_from=copy_from
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pledges:my_plan_year", year=year)
    if copy_from is not None:
        messages.success(
            request,
            _("Your plan starts from your %(year)s plan; adjust it to this year.")
            % {"year": copy_from.year},
        )
    return redirect("pledges:edit", pk=plan.pk)


def _editor_kwargs(plan: Plan) -> dict:
    """What every item form of the plan's editor is built with: the standards of the cell
    and the levels above, the stored items, the indicators (each read once for all items)."""
    stored = {item.pk: item for item in plan.items.all()}
    return {
        "standards": standards_for_unit(unit=plan.cell),
        "year": plan.year,
        "stored_items": stored,
        "indicators": list(
            indicators_for(unit=plan.cell, include={i.indicator_id for i in stored.values()})
        ),
    }


def _not_editable(plan: Plan) -> str:
    return _("The plan is “%(state)s” and cannot be changed now.") % {
        "state": plan.get_status_display()
    }


@login_required
def plan_edit(request, pk: int):
    plan = _owned_plan_or_404(request, pk)
    if not plan.is_editable:
        messages.info(request, _not_editable(plan))
        return redirect("pledges:my_plan_year", year=plan.year)
    form_kwargs = _editor_kwargs(plan)
    version = services.plan_version(plan)
    focus = None
    if request.method == "POST":
        data = request.POST.copy()
        # The page keeps the version it was opened with until a save tells it otherwise.
        version = data.get("version", version)
        plan_form = PlanForm(data)
        if "add_item" in data or "move" in data:
            if "add_item" in data:
                total = min(whole_number(data.get("items-TOTAL_FORMS")) or 0, 40)
                data["items-TOTAL_FORMS"] = str(total + 1)
                focus = f"items-{total}"
            else:  # "move up" / "move down" sent without the page's script
                data = moved(data, "items", data["move"]) or data
                focus = f"items-{data['move'].partition(':')[0]}"
            formset = ItemFormSet(data, prefix="items", form_kwargs=form_kwargs)
            return render(
                request,
                "pledges/plan_edit.html",
                _edit_context(plan, plan_form, formset, version, focus=focus),
            )
        formset = ItemFormSet(data, prefix="items", form_kwargs=form_kwargs)
        if plan_form.is_valid() and formset.is_valid():
            try:
                services.plan_save(
                    plan=plan,
                    actor=request.user,
                    study_content=plan_form.cleaned_data["study_content"],
                    items=formset.items_in_order(),
                    version=data.get("version"),
                )
            except ValidationError as exc:
                add_service_errors(plan_form, exc)
                if getattr(exc, "code", None) == "stale":
                    version = services.plan_version(plan)  # told: saving again replaces it
            else:
                messages.success(request, _("Your plan has been saved."))
                if "save_and_view" in data:
                    return redirect("pledges:my_plan_year", year=plan.year)
                return redirect("pledges:edit", pk=plan.pk)
    else:
        plan_form = PlanForm(initial={"study_content": plan.study_content})
        initial = [
            {
                **{name: getattr(item, name) for name in ITEM_FIELDS},
                "indicator": item.indicator_id,
                "id": item.pk,
                "standards": [s.pk for s in item.standards.all()],
                "ORDER": item.position,
            }
            for item in form_kwargs["stored_items"].values()
        ]
        formset = ItemFormSet(prefix="items", initial=initial or None, form_kwargs=form_kwargs)
        if not initial:
            formset.extra = 1
    return render(
        request, "pledges/plan_edit.html", _edit_context(plan, plan_form, formset, version)
    )


def _edit_context(plan, plan_form, formset, version: str, focus: str | None = None):
    return {
        "plan": plan,
        "programme": programme_for(unit=plan.cell, year=plan.year),
        "plan_form": plan_form,
        "formset": formset,
        "version": version,
        "focus": focus,
        # One item open at a time, unless the page shows mistakes in several.
        "one_at_a_time": not formset.is_bound or not formset.total_error_count(),
        "other_unit": OTHER_UNIT,
    }


@login_required
@require_POST
def plan_autosave(request, pk: int):
    """The editor's draft saved while the member types (the page's script sends the whole
    form after a pause), through the same forms and `services.plan_save` as the page. Answers
    JSON: the new version, the time and the ids of new items; or why nothing was saved (the
    page keeps the text and says "not saved"). A page older than the plan is refused."""
    plan = _owned_plan_or_404(request, pk)
    if not plan.is_editable:
        return JsonResponse({"saved": False, "error": _not_editable(plan)}, status=409)
    plan_form = PlanForm(request.POST)
    formset = ItemFormSet(request.POST, prefix="items", form_kwargs=_editor_kwargs(plan))
    if not (plan_form.is_valid() and formset.is_valid()):
        problems = [
            (form.prefix, message)
            for form in formset.forms
            for errors in form.errors.values()
            for message in errors
        ]
        first = (problems[0][1] if problems else "") or " ".join(
            [*formset.non_form_errors(), *(m for e in plan_form.errors.values() for m in e)]
        )
        return JsonResponse(
            {"saved": False, "error": first, "items": sorted({p for p, _m in problems})},
            status=400,
        )
    forms_in_order = formset.forms_in_order()
    try:
        plan = services.plan_save(
            plan=plan,
            actor=request.user,
            study_content=plan_form.cleaned_data["study_content"],
            items=formset.items_in_order(),
            version=request.POST.get("version", ""),
        )
    except ValidationError as exc:
        stale = getattr(exc, "code", None) == "stale"
        return JsonResponse(
            {"saved": False, "stale": stale, "error": " ".join(exc.messages)},
            status=409 if stale else 400,
        )
    ids = list(plan.items.order_by("position").values_list("pk", flat=True))
    return JsonResponse(
        {
            "saved": True,
            "version": services.plan_version(plan),
            "at": formats.time_format(timezone.localtime(plan.updated_at), "H:i"),
            "ids": {form.prefix: pk for form, pk in zip(forms_in_order, ids, strict=True)},
        }
    )


@login_required
@require_POST
def plan_submit(request, pk: int):
    plan = _owned_plan_or_404(request, pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.plan_submit(
            plan=plan,
            actor=request.user,
            commitment_confirmed=form.cleaned_data.get("commitment_confirmed", False),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your plan has been sent to the cell for approval."))
    return redirect("pledges:my_plan_year", year=plan.year)


@login_required
@require_POST
def plan_amend(request, pk: int):
    plan = _owned_plan_or_404(request, pk)
    form = AmendForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.plan_request_amendment(
            plan=plan, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("pledges:my_plan_year", year=plan.year)
    messages.success(
        request,
        _(
            "You can now change your plan; submit it again for approval. "
            "The approved version stays on record."
        ),
    )
    return redirect("pledges:edit", pk=plan.pk)


@login_required
def plan_detail(request, pk: int):
    plan = _plan_or_404(selectors.plans_visible_to(request.user), pk)
    if policy.is_plan_owner(request.user, plan):
        return redirect("pledges:my_plan_year", year=plan.year)
    body = render_to_string("pledges/_plan_body.html", _plan_context(request, plan), request)
    return _plan_page(request, plan.year, plan.member, mark_safe(body))


def _plan_page(request, year: int, owner, body):
    return render(
        request,
        "pledges/plan_detail.html",
        {"plan_year": year, "owner_name": owner.full_name, "body": body},
    )


@login_required
@require_POST
def comment_withdraw(request, pk: int):
    """Its author takes a comment back, within minutes (a cheap undo)."""
    comment = selectors.comment_visible_to(request.user, pk)
    if comment is None:
        raise Http404
    try:
        plan = services.comment_withdraw(comment=comment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pledges:detail", pk=comment.plan_id)
    messages.success(request, _("Your comment has been withdrawn."))
    return redirect(reverse("pledges:detail", args=[plan.pk]) + "#comments")


@login_required
def evidence_remove(request, pk: int):
    """A page that asks to confirm, then the removal: a file removed is gone from the disk."""
    evidence = selectors.evidence_visible_to(request.user, pk)
    if evidence is None or not policy.is_plan_owner(request.user, evidence.report.item.plan):
        raise Http404
    report = evidence.report
    form = ConfirmForm(
        request.POST or None, label=_("Remove this file: it cannot be brought back.")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_remove(evidence=evidence, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The file “%(name)s” has been removed.") % {"name": evidence.original_name},
            )
        return redirect(
            "pledges:report", pk=report.item.plan_id, item_pk=report.item_id, quarter=report.quarter
        )
    return render(
        request,
        "pledges/evidence_remove.html",
        {"evidence": evidence, "report": report, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def report_edit(request, pk: int, item_pk: int, quarter: int):
    plan = _owned_plan_or_404(request, pk)
    item = next((i for i in plan.items.all() if i.pk == item_pk), None)
    if item is None or quarter_or_404(quarter) is None:
        raise Http404
    existing = next((r for r in item.reports.all() if r.quarter == quarter), None)
    today = timezone.localdate()
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.report_file(
                    item=item,
                    quarter=quarter,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                    value_reached=form.cleaned_data["value_reached"],
                    account=form.cleaned_data["account"],
                    reason=form.cleaned_data["reason"],
                    files=form.cleaned_data["files"],
                    confirmed=form.cleaned_data["confirmed"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Your progress for quarter %(q)s has been recorded.") % {"q": roman(quarter)},
                )
                return redirect("pledges:my_plan_year", year=plan.year)
    else:
        initial = {}
        if existing:
            initial = {
                "status": existing.status,
                "value_reached": existing.value_reached,
                "account": existing.account,
                "reason": existing.reason,
            }
        form = ReportForm(initial=initial)
    return render(
        request,
        "pledges/report_form.html",
        {
            "plan": plan,
            "item": item,
            "quarter": quarter,
            "quarter_label": roman(quarter),
            "report": existing,
            "files_removable": existing is not None and existing.review != existing.Review.ACCEPTED,
            "form": form,
            "deadline": standing.quarter_deadline(plan, Period(plan.year, quarter), today),
            "today": today,
        },
    )


@login_required
def self_assessment(request, pk: int):
    plan = _owned_plan_or_404(request, pk)
    if request.method == "POST":
        form = SelfAssessmentForm(request.POST)
        if form.is_valid():
            try:
                services.plan_self_assess(
                    plan=plan,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    rating=form.cleaned_data["rating"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your self-assessment has been recorded."))
                return redirect("pledges:my_plan_year", year=plan.year)
    else:
        form = SelfAssessmentForm(
            initial={"text": plan.self_assessment, "rating": plan.proposed_rating}
        )
    document = self_assessment_document(
        plan, feedback=feedback.for_member(user=request.user, member=plan.member, year=plan.year)
    )
    return render(request, "pledges/self_assessment.html", {**document, "plan": plan, "form": form})


@login_required
def self_assessment_pdf(request, pk: int):
    """The year-end self-assessment in the Party layout, with the cell's rating: for whoever
    reads the plan (its member, the cell, the committees above)."""
    plan = _plan_or_404(selectors.plans_visible_to(request.user), pk)
    found = feedback.for_member(user=request.user, member=plan.member, year=plan.year)
    return pdf_response(*render_self_assessment_pdf(plan, feedback=found))


@login_required
def evidence_download(request, pk: int):
    evidence = selectors.evidence_visible_to(request.user, pk)
    if evidence is None:
        raise Http404
    return serve_stored(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
def board(request, cell_pk: int | None = None, year: int | None = None):
    """Approved plans of one cell, readable by its current members and by those whose reach
    covers it: the cell's transparency board."""
    year = year_or_404(year, default=timezone.localdate().year)
    if cell_pk is None:
        membership = current_membership_for_user(request.user)
        if membership is None:
            raise Http404
        cell = membership.cell
    else:
        cell = selectors.unit_of(pk=cell_pk)
    if cell is None or not cell.kind.is_cell or not policy.can_view_cell_board(request.user, cell):
        raise Http404
    return render(
        request,
        "pledges/board.html",
        {"cell": cell, "year": year, "plans": selectors.cell_board(cell=cell, year=year)},
    )


@login_required
def plan_pdf(request, pk: int):
    plan = _plan_or_404(selectors.plans_visible_to(request.user), pk)
    return pdf_response(*render_plan_pdf(plan))
