from django.db.models import QuerySet, Value

from registry.access import policy
from registry.units.models import Unit

from .models import Review, ReviewExport


def reviews_visible_to(user) -> QuerySet[Review]:
    return Review.objects.filter(policy.review_visibility(user)).select_related(
        "unit", "unit__kind", "finalised_by", "replaces"
    )


def review_visible_to(user, pk) -> Review | None:
    return reviews_visible_to(user).filter(pk=pk).first()


def export_visible_to(user, pk) -> ReviewExport | None:
    return (
        ReviewExport.objects.select_related("review")
        .filter(pk=pk, review__in=reviews_visible_to(user))
        .first()
    )


def review_page(review: Review) -> dict:
    """The exports, the replacements and the review it replaces, for the page."""
    return {
        "exports": list(review.exports.all()[:5]),
        "replacements": list(review.replacements.select_related("finalised_by").order_by("-id")),
    }


def unit_for_term_review(user, pk) -> Unit | None:
    """The unit a term review is drafted for, if `user` reaches it (else the page is a 404)."""
    return policy.units_visible_to(user).filter(pk=pk).first()


def term_review_units(user) -> list[Unit]:
    """The units `user` may draft a review of several years for, offered on the list."""
    return policy.units_writing_reviews(user)


def review_stamp(review: Review) -> str:
    """The stamp under which the review's page is kept (`core.pagecache`): its version and
    state, and those of the exports and replacements the page lists (one small query)."""
    exports = (
        ReviewExport.objects.filter(review=review)
        .order_by()
        .values_list(Value("export"), "pk", "status", "attempts")
    )
    replacements = (
        Review.objects.filter(replaces=review)
        .order_by()
        .values_list(Value("replacement"), "pk", "status", "version")
    )
    listed = sorted(exports.union(replacements, all=True))
    return repr(
        (
            review.pk,
            review.version,
            review.first_year,
            review.closing,
            review.status,
            review.number,
            review.generated_at,
            review.as_of,
            listed,
        )
    )
