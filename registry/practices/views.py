"""The library of models and good practices, a practice's page with the cells that adopted it,
proposing and editing, a unit's practices (its proposals, and for a committee what waits for
its decision and its booklets), adopting, and the booklet. Every button asks the policy; the
services ask again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.core import rendered
from registry.core.files import serve_stored
from registry.core.forms import add_service_errors
from registry.core.numbers import whole_number
from registry.core.periods import parse_year, year_or_404
from registry.units.selectors import unit_ancestors

from . import selectors, services
from .forms import AdoptionForm, BookletForm, DecisionForm, PracticeForm, WithdrawForm
from .models import Booklet, Field, Practice

LIBRARY_ROWS = 20


def _practice_or_404(request, pk) -> Practice:
    practice = selectors.practice_visible_to(request.user, pk)
    if practice is None:
        raise Http404
    return practice


@login_required
def library(request):
    """Published practices the reader may see, searched and filtered, a page at a time."""
    choices = selectors.library_choices(request.user)
    unit_id = whole_number(request.GET.get("unit"))
    chosen = selectors.LibraryFilter(
        query=request.GET.get("q", "")[:100].strip(),
        year=year_or_404(request.GET.get("year")),
        field=request.GET.get("field", "") if request.GET.get("field") in Field.values else "",
        unit=next((u for u in choices["units"] if u.pk == unit_id), None),
    )
    page = Paginator(selectors.library(request.user, chosen), LIBRARY_ROWS).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "practices/library.html",
        {
            "page": page,
            "chosen": chosen,
            "fields": Field.choices,
            **choices,
            "my_units": selectors.units_acting_for(request.user),
        },
    )


def _detail_context(request, practice: Practice, **forms) -> dict:
    user = request.user
    adopting = policy.cells_adopting_for(user, practice)
    adopted = {a.cell_id for a in practice.adoptions.all()}
    adopting = [c for c in adopting if c.pk not in adopted]
    return {
        "practice": practice,
        "can_edit": policy.can_edit_practice(user, practice),
        "source_readable": practice.content_id is not None
        and policy.can_view_collective(user, practice.content.registration.unit),
        "can_withdraw": policy.can_withdraw_practice(user, practice),
        "can_select": policy.can_select_practice(user, practice),
        "can_publish": policy.can_publish_practice(user, practice),
        "adopt_form": forms.get("adopt_form")
        or (AdoptionForm(cells=adopting, initial={"adopted_on": timezone.localdate()})),
        "can_adopt": bool(adopting),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "ancestors": [
            a for a in unit_ancestors(unit=practice.unit) if policy.can_view_unit(user, a)
        ],
    }


@login_required
def practice_detail(request, pk: int):
    practice = _practice_or_404(request, pk)
    return render(request, "practices/detail.html", _detail_context(request, practice))


def _form_page(request, *, unit, practice=None):
    year = parse_year(request.POST.get("year")) or (
        practice.year if practice else year_or_404(request.GET.get("year"), default=None)
    )
    year = year or timezone.localdate().year
    items = selectors.breakthrough_items(unit, year)
    contents = selectors.registered_contents(unit, year)
    if request.method == "POST":
        form = PracticeForm(request.POST, request.FILES, items=items, contents=contents)
        if form.is_valid():
            data = form.cleaned_data
            values = {
                "actor": request.user,
                "year": data["year"],
                "title": data["title"],
                "field": data["field"],
                "description": data["description"],
                "results": data["results"],
                "source": data["source"],
                "plan_item": data["plan_item"],
                "content": data["content"],
                "files": data["files"],
            }
            try:
                if practice is None:
                    practice = services.practice_propose(unit=unit, **values)
                    messages.success(request, _("The practice has been proposed."))
                else:
                    practice = services.practice_update(practice=practice, **values)
                    messages.success(request, _("The proposal has been saved."))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("practices:detail", pk=practice.pk)
    elif practice is not None:
        form = PracticeForm(
            items=items,
            contents=contents,
            initial={
                "title": practice.title,
                "field": practice.field,
                "year": practice.year,
                "source": practice.source,
                "plan_item": practice.plan_item_id,
                "content": practice.content_id,
                "description": practice.description,
                "results": practice.results,
            },
        )
    else:
        item = next((i for i in items if i.pk == whole_number(request.GET.get("item"))), None)
        initial = {"year": year, "source": Practice.Source.SCRATCH}
        if item is not None:
            initial |= {
                "source": Practice.Source.BREAKTHROUGH,
                "plan_item": item.pk,
                "title": item.action[:200],
                "results": item.expected_result,
            }
        wanted = whole_number(request.GET.get("content"))
        content = next((c for c in contents if c.pk == wanted), None)
        if content is not None:  # prefilled from the registered content
            initial |= {
                "source": Practice.Source.COLLECTIVE,
                "content": content.pk,
                "title": content.title[:200],
                "description": content.measures,
                "results": content.expected_result,
            }
        form = PracticeForm(items=items, contents=contents, initial=initial)
    return render(
        request,
        "practices/form.html",
        {
            "form": form,
            "unit": unit,
            "practice": practice,
            "items": items,
            "contents": contents,
            "year": year,
        },
    )


@login_required
def practice_propose(request, unit_pk: int):
    unit = policy.get_visible_unit_or_404(request.user, unit_pk)
    if not policy.can_propose_practice(request.user, unit):
        raise Http404
    return _form_page(request, unit=unit)


@login_required
def practice_edit(request, pk: int):
    practice = _practice_or_404(request, pk)
    if not policy.can_edit_practice(request.user, practice):
        raise Http404
    return _form_page(request, unit=practice.unit, practice=practice)


@login_required
@require_POST
def practice_withdraw(request, pk: int):
    practice = _practice_or_404(request, pk)
    if not policy.can_withdraw_practice(request.user, practice):
        raise Http404
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.practice_withdraw(
                practice=practice, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The proposal has been withdrawn."))
            return redirect("practices:detail", pk=practice.pk)
    return render(
        request,
        "practices/detail.html",
        _detail_context(request, practice, withdraw_form=form),
        status=400,
    )


@login_required
@require_POST
def practice_decide(request, pk: int):
    """Select, decline (with a reason) or publish."""
    practice = _practice_or_404(request, pk)
    user = request.user
    if not (
        policy.can_select_practice(user, practice) or policy.can_publish_practice(user, practice)
    ):
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == "select":
                services.practice_select(practice=practice, actor=user)
                messages.success(
                    request, _("The practice has been selected; publish it when ready.")
                )
            elif action == "decline":
                services.practice_decline(
                    practice=practice, actor=user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The proposal has been marked as not selected."))
            else:
                services.practice_publish(practice=practice, actor=user)
                messages.success(request, _("The practice has been published."))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("practices:detail", pk=practice.pk)
    return render(
        request,
        "practices/detail.html",
        _detail_context(request, practice, decision_form=form),
        status=400,
    )


@login_required
@require_POST
def practice_adopt(request, pk: int):
    practice = _practice_or_404(request, pk)
    cells = policy.cells_adopting_for(request.user, practice)
    if not cells:
        raise Http404
    form = AdoptionForm(request.POST, cells=cells)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.adoption_record(
                practice=practice,
                cell=data["cell"],
                actor=request.user,
                adopted_on=data["adopted_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recorded: %(cell)s adopted this practice.") % {"cell": data["cell"].name},
            )
            return redirect("practices:detail", pk=practice.pk)
    context = _detail_context(request, practice, adopt_form=form)
    context["can_adopt"] = True
    return render(request, "practices/detail.html", context, status=400)


@login_required
def evidence_download(request, pk: int):
    evidence = selectors.evidence_visible_to(request.user, pk)
    if evidence is None:
        raise Http404
    return serve_stored(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
def unit_practices(request, unit_pk: int):
    """A unit's practices: its own proposals; for a committee, the proposals below waiting for
    its decision, what it selected and has not published, and its booklets."""
    unit = policy.get_visible_unit_or_404(request.user, unit_pk)
    if unit.kind.is_group:
        raise Http404
    user = request.user
    is_committee = policy.acts_for_committee(user, unit)
    context = {
        "unit": unit,
        "proposals": selectors.unit_proposals(unit),
        "can_propose": policy.can_propose_practice(user, unit),
        "is_committee": is_committee,
        "ancestors": [a for a in unit_ancestors(unit=unit) if policy.can_view_unit(user, a)],
    }
    if is_committee:
        context |= selectors.committee_queue(unit)
        context["booklets"] = selectors.booklets_of(unit)
    return render(request, "practices/unit.html", context)


@login_required
def booklet_new(request, unit_pk: int):
    committee = policy.get_visible_unit_or_404(request.user, unit_pk)
    if not policy.can_order_booklet(request.user, committee):
        raise Http404
    candidates = list(selectors.booklet_candidates(committee).select_related("unit"))
    if request.method == "POST":
        form = BookletForm(request.POST, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.booklet_order(
                    committee=committee,
                    actor=request.user,
                    year=data["year"],
                    title=data["title"],
                    practices=data["practices"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The booklet is being rendered; this page shows when it is ready.")
                )
                return redirect("practices:unit", unit_pk=committee.pk)
    else:
        year = timezone.localdate().year
        form = BookletForm(
            candidates=candidates,
            initial={
                "year": year,
                "title": _("Models and good practices %(year)s") % {"year": year},
            },
        )
    return render(
        request,
        "practices/booklet_form.html",
        {"form": form, "unit": committee, "candidates": candidates},
    )


def _booklet_or_404(request, pk) -> Booklet:
    booklet = selectors.booklet_visible_to(request.user, pk)
    if booklet is None:
        raise Http404
    return booklet


@login_required
def booklet_status(request, pk: int):
    """The booklet's state; htmx asks again every two seconds until it is ready or failed."""
    booklet = _booklet_or_404(request, pk)
    return rendered.status_response(
        request,
        "practices/_booklet.html",
        {
            "booklet": booklet,
            "can_retry": policy.can_order_booklet(request.user, booklet.committee),
        },
    )


@login_required
@require_POST
def booklet_retry(request, pk: int):
    booklet = _booklet_or_404(request, pk)
    if not policy.can_order_booklet(request.user, booklet.committee):
        raise Http404
    return rendered.retry_response(
        request,
        lambda: services.booklet_retry(booklet=booklet, actor=request.user),
        to=reverse("practices:unit", args=[booklet.committee_id]),
    )


@login_required
def booklet_download(request, pk: int):
    return rendered.download_response(_booklet_or_404(request, pk))
