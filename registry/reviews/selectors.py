from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When

from registry.access import policy
from registry.cells.filters import choice, year
from registry.units.models import Unit, UnitKind

from .models import Review, ReviewExport


def reviews_visible_to(user) -> QuerySet[Review]:
    return Review.objects.filter(policy.review_visibility(user)).select_related(
        "unit", "unit__kind", "finalised_by", "replaces"
    )


REVIEW_ROWS = 40  # reviews per page of the list

# The periods a review covers, as the list filters them.
PERIODS = ("q1", "q2", "q3", "q4", "year", "term")


@dataclass(frozen=True)
class ReviewFilter:
    """The list of reviews: the level (the kind of the unit reviewed), a year, a period of it
    (a quarter, the year, a review of several years), a state. A value that is not one of
    the choices is no filter; a year out of the programme answers 404."""

    level: str = ""
    year: int | None = None
    period: str = ""
    status: str = ""

    @classmethod
    def of(cls, params) -> "ReviewFilter":
        return cls(
            level=str(params.get("level") or "")[:40],
            year=year(params),
            period=choice(params, "period", PERIODS),
            status=choice(params, "status", Review.Status.values),
        )

    @property
    def narrowed(self) -> bool:
        return bool(self.level or self.year or self.period or self.status)


@dataclass
class ReviewList:
    page: Page  # reviews, each with `group_key`: (period, level) they are listed under
    levels: list[UnitKind]  # the kinds of unit whose reviews the reader sees
    years: list[int]
    filters: ReviewFilter


def review_list(*, user, filters: ReviewFilter, page=1) -> ReviewList:
    """The reviews `user` may read, narrowed by `filters`, latest period first, then by level
    (the kind of unit, highest first) and place in the tree: a page of them, grouped by
    period and level. Four queries whatever the number of reviews."""
    visible = Review.objects.filter(policy.review_visibility(user))
    levels = list(UnitKind.objects.filter(pk__in=visible.values("unit__kind")))
    years = sorted(set(visible.values_list("year", flat=True).order_by()), reverse=True)
    rows = visible
    level = next((k for k in levels if k.code == filters.level), None)
    if level is not None:
        rows = rows.filter(unit__kind=level)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.period in ("year", "term"):
        rows = rows.filter(kind=filters.period)
    elif filters.period:
        rows = rows.filter(kind=Review.Kind.QUARTER, quarter=int(filters.period[1]))
    if filters.status:
        rows = rows.filter(status=filters.status)
    rank = Case(
        When(kind=Review.Kind.TERM, then=Value(6)),
        When(kind=Review.Kind.YEAR, then=Value(5)),
        default="quarter",
        output_field=IntegerField(),
    )
    rows = (
        rows.select_related("unit", "unit__kind", "finalised_by", "replaces")
        .annotate(period_rank=rank)
        .order_by(
            "-year", "-period_rank", "-first_year", "unit__kind__position", "unit__path", "-id"
        )
    )
    shown = Paginator(rows, REVIEW_ROWS).get_page(page)
    shown.object_list = list(shown.object_list)
    for review in shown.object_list:
        review.group_key = (
            review.year,
            review.period_rank,
            review.first_year,
            review.closing,
            review.unit.kind_id,
        )
    return ReviewList(page=shown, levels=levels, years=years, filters=filters)


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
