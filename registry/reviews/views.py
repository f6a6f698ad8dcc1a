from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.core.forms import add_service_errors

from . import services
from .forms import ReviewTextForm
from .models import Review, ReviewExport
from .pdf import review_chart


def _visible_reviews(user):
    return Review.objects.filter(unit__in=policy.units_visible_to(user)).select_related(
        "unit", "unit__kind", "finalised_by"
    )


def _review_or_404(request, pk) -> Review:
    review = _visible_reviews(request.user).filter(pk=pk).first()
    if review is None:
        raise Http404
    return review


@login_required
def review_list(request):
    reviews = _visible_reviews(request.user).order_by("-year", "-quarter", "unit__path")
    page = Paginator(reviews, 40).get_page(request.GET.get("page"))
    return render(request, "reviews/list.html", {"page": page})


@login_required
def review_detail(request, pk: int):
    review = _review_or_404(request, pk)
    editable = review.status == Review.Status.DRAFT and services.can_edit(request.user, review)
    form = ReviewTextForm(
        initial={
            "results": review.results,
            "limitations": review.limitations,
            "next_tasks": review.next_tasks,
            "version": review.version,
        }
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = ReviewTextForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review_update_text(
                    review=review,
                    actor=request.user,
                    results=data["results"],
                    limitations=data["limitations"],
                    next_tasks=data["next_tasks"],
                    seen_version=data["version"],
                )
                if "finalise" in request.POST:
                    review.refresh_from_db()
                    services.review_finalise(review=review, actor=request.user)
                    messages.success(
                        request, _("The review is finalised; its PDF is being prepared.")
                    )
                else:
                    messages.success(request, _("Saved."))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("reviews:detail", pk=review.pk)
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "f": review.figures,
            "chart": review_chart(review),
            "form": form,
            "editable": editable,
            "exports": list(review.exports.all()[:5]),
            "can_export": review.status == Review.Status.FINAL
            and services.can_edit(request.user, review),
        },
    )


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
    export = (
        ReviewExport.objects.select_related("review")
        .filter(pk=pk, review__in=_visible_reviews(request.user))
        .first()
    )
    if export is None:
        raise Http404
    return export


@login_required
def export_status(request, pk: int):
    """The export's state; htmx asks again every two seconds until it is ready or failed."""
    try:
        polls = min(int(request.GET.get("n", "0")), 10_000)
    except ValueError:
        polls = 0
    return render(
        request, "reviews/_export.html", {"export": _export_or_404(request, pk), "polls": polls + 1}
    )


@login_required
def export_download(request, pk: int):
    export = _export_or_404(request, pk)
    if export.status != ReviewExport.Status.READY:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
