"""The review pages: read and write a draft, preview its PDF, issue it after a confirmation,
replace an issued one, download its PDF. Every action asks `services.can_edit` (the policy)
for the button and the service asks again before acting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registry.core import rendered
from registry.core.documents import pdf_response
from registry.core.forms import add_service_errors
from registry.core.pagecache import kept_part

from . import selectors, services
from .forms import IssueForm, ReplaceForm, ReviewTextForm, TermReviewForm
from .models import Review, ReviewExport
from .pdf import document_context, render_review_pdf, review_chart


def _review_or_404(request, pk) -> Review:
    review = selectors.review_visible_to(request.user, pk)
    if review is None:
        raise Http404
    return review


def _writable_draft_or_404(request, pk) -> Review:
    review = _review_or_404(request, pk)
    if not services.can_edit(request.user, review):
        raise PermissionDenied
    return review


PERIOD_CHOICES = [
    ("q1", gettext_lazy("Quarter I")),
    ("q2", gettext_lazy("Quarter II")),
    ("q3", gettext_lazy("Quarter III")),
    ("q4", gettext_lazy("Quarter IV")),
    ("year", gettext_lazy("The whole year")),
    ("term", gettext_lazy("Several years")),
]


@login_required
def review_list(request):
    listed = selectors.review_list(
        user=request.user,
        filters=selectors.ReviewFilter.of(request.GET),
        page=request.GET.get("page"),
    )
    return render(
        request,
        "reviews/list.html",
        {
            "l": listed,
            "page": listed.page,
            "periods": PERIOD_CHOICES,
            "statuses": Review.Status.choices,
            "term_units": selectors.term_review_units(request.user),
        },
    )


@login_required
def term_new(request, unit_pk: int):
    """Draft a review of several years (sơ kết / tổng kết 3 năm, 5 năm) for a unit: out of
    reach 404, in reach but not its review writer 403, as the other review pages."""
    unit = selectors.unit_for_term_review(request.user, unit_pk)
    if unit is None:
        raise Http404
    if not services.can_write_unit_reviews(request.user, unit):
        raise PermissionDenied
    last = timezone.localdate().year
    form = TermReviewForm(
        request.POST or None,
        initial={"first_year": services.default_first_year(last), "last_year": last},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review, outcome = services.review_term_draft(
                unit=unit,
                first_year=data["first_year"],
                last_year=data["last_year"],
                closing=data["stage"] == "closing",
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if outcome == "final":
                messages.info(
                    request,
                    _(
                        "This review is issued (%(number)s); to correct it, draft a "
                        "replacement from its page."
                    )
                    % {"number": review.number_label},
                )
            else:
                messages.success(request, _("The review is drafted from the yearly figures."))
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/term_new.html", {"unit": unit, "form": form})


def _text_initial(review: Review) -> dict:
    return {name: getattr(review, name) for name in services.TEXT_FIELDS} | {
        "version": review.version
    }


def _page(request, review: Review, form=None, replace_form=None):
    can_edit = services.can_edit(request.user, review)
    editable = review.status == Review.Status.DRAFT and can_edit

    def context():
        return {
            **document_context(review, preview=review.status == Review.Status.DRAFT),
            **selectors.review_page(review),
            "chart": review_chart(review),
            "form": form or ReviewTextForm(initial=_text_initial(review)),
            "replace_form": replace_form or ReplaceForm(),
            "editable": editable,
            "can_export": review.is_issued and can_edit,
            "can_replace": review.status == Review.Status.FINAL and can_edit,
        }

    # A form sent back with its errors is never kept (only GET is).
    body = kept_part(
        request,
        "reviews/_detail_body.html",
        context,
        stamp=selectors.review_stamp(review),
        variant=(can_edit,),
    )
    return render(request, "reviews/detail.html", {"review": review, "body": body})


@login_required
def review_detail(request, pk: int):
    review = _review_or_404(request, pk)
    if request.method != "POST":
        return _page(request, review)
    if not (review.status == Review.Status.DRAFT and services.can_edit(request.user, review)):
        raise PermissionDenied
    form = ReviewTextForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.review_update_text(
                review=review, actor=request.user, seen_version=data.pop("version"), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            if "issue" in request.POST:
                return redirect("reviews:issue", pk=review.pk)
            return redirect("reviews:detail", pk=review.pk)
    return _page(request, review, form=form)


@login_required
@require_POST
def review_refresh(request, pk: int):
    review = _writable_draft_or_404(request, pk)
    try:
        services.review_refresh(review=review, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The figures are those of today."))
    return redirect("reviews:detail", pk=review.pk)


@login_required
def review_preview(request, pk: int):
    """The draft's PDF as it would be issued, marked as a draft and without a number."""
    review = _writable_draft_or_404(request, pk)
    return pdf_response(*render_review_pdf(review, preview=review.status == Review.Status.DRAFT))


@login_required
def review_issue(request, pk: int):
    """The confirmation step: which number will be issued, as of which day, what is early."""
    review = _writable_draft_or_404(request, pk)
    if review.status != Review.Status.DRAFT:
        return redirect("reviews:detail", pk=review.pk)
    today = timezone.localdate()
    number = services.next_number(review)
    form = IssueForm(request.POST or None, initial={"version": review.version, "number": number})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_issue(
                review=review,
                actor=request.user,
                seen_version=form.cleaned_data["version"],
                expected_number=form.cleaned_data["number"],
                confirm_early=form.cleaned_data["confirm_early"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) in ("conflict", "number"):
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("reviews:issue", pk=review.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The review is issued; its PDF is being prepared."))
            return redirect("reviews:detail", pk=review.pk)
    return render(
        request,
        "reviews/issue.html",
        {
            "review": review,
            "form": form,
            "number_label": services.number_label(number, review.unit),
            "early": services.early_issue_reasons(review, today),
            "problems": list(services.issue_problems(review).values()),
            "second_factor_missing": not services.second_factor_passed(request.user),
        },
    )


@login_required
@require_POST
def review_replace(request, pk: int):
    review = _review_or_404(request, pk)
    if not services.can_edit(request.user, review):
        raise PermissionDenied
    form = ReplaceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                form.errors.get("reason") or _("Say what the replacement corrects.")
            )
        draft = services.review_replace(
            review=review, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reviews:detail", pk=review.pk)
    messages.success(
        request,
        _("A replacement is drafted; it will name %(number)s when it is issued.")
        % {"number": review.number_label},
    )
    return redirect("reviews:detail", pk=draft.pk)


@login_required
@require_POST
def export_again(request, pk: int):
    review = _review_or_404(request, pk)
    if not services.can_edit(request.user, review):
        raise PermissionDenied
    try:
        services.export_request(review=review, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("reviews:detail", pk=review.pk)


def _export_or_404(request, pk) -> ReviewExport:
    export = selectors.export_visible_to(request.user, pk)
    if export is None:
        raise Http404
    return export


@login_required
def export_status(request, pk: int):
    """The export's state; htmx asks again every two seconds until it is ready or failed."""
    return rendered.status_response(
        request, "reviews/_export.html", {"export": _export_or_404(request, pk)}
    )


@login_required
def export_download(request, pk: int):
    return rendered.download_response(_export_or_404(request, pk))
