from django.db.models import F, Prefetch, Q, QuerySet

from registry.core.text import fold
from registry.units.models import Unit

from .models import CARD_SEPARATORS, Member, Membership


def search_filter(query: str) -> Q:
    """Accent-insensitive: every word of the query must appear in the folded name.
    A query that is a card number matches the card number."""
    digits = CARD_SEPARATORS.sub("", query)
    if digits.isdigit():
        return Q(card_number__startswith=digits)
    q = Q()
    for word in fold(query).split():
        q &= Q(search_name__contains=word)
    return q


def cell_roster(*, cell: Unit, query: str = "", group: Unit | None = None) -> QuerySet[Membership]:
    """Current members of a cell, with person and group: one query however long the list."""
    rows = Membership.objects.filter(cell=cell, end_date__isnull=True).select_related(
        "member", "group"
    )
    if group is not None:
        rows = rows.filter(group=group)
    if query.strip():
        rows = rows.filter(member__in=Member.objects.filter(search_filter(query)).values("pk"))
    return rows.order_by(F("group__name").asc(nulls_last=True), "member__sort_name", "member_id")


def member_with_history(*, member_qs: QuerySet[Member], pk) -> Member:
    return member_qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("cell", "group").order_by(
                "-start_date", "-id"
            ),
        )
    ).get(pk=pk)


def current_membership_for_user(user) -> Membership | None:
    if not (user and user.is_authenticated):
        return None
    return (
        Membership.objects.filter(member__user=user, end_date__isnull=True)
        .select_related("member", "cell", "cell__kind", "group")
        .first()
    )
