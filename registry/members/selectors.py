import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from registry.core.compiled import Compiled
from registry.core.text import fold
from registry.units.models import Unit

from .models import CARD_SEPARATORS, Member, Membership, Transfer


def matching_members(query: str) -> QuerySet[Member]:
    """Accent-insensitive name search: every word of the query is a whole word of the
    folded name, except the last, which may be the start of one (so typing "nguyen van d"
    already finds "Nguyễn Văn Đức", and "lo" does not find "Lợi"). Word order is free.
    A query made of digits matches the start of card numbers."""
    digits = CARD_SEPARATORS.sub("", query)
    if digits.isdigit():
        return Member.objects.filter(card_number__startswith=digits)
    words = fold(query).split()
    members = Member.objects.annotate(padded=Concat(Value(" "), "search_name", Value(" ")))
    q = Q()
    for i, word in enumerate(words):
        q &= Q(padded__contains=f" {word} " if i < len(words) - 1 else f" {word}")
    return members.filter(q)


def cell_roster(*, cell: Unit, query: str = "", group: Unit | None = None) -> QuerySet[Membership]:
    """Current members of a cell, with person and group: one query however long the list."""
    rows = Membership.objects.current().filter(cell=cell).select_related("member", "group")
    if group is not None:
        rows = rows.filter(group=group)
    if query.strip():
        rows = rows.filter(member__in=matching_members(query).values("pk"))
    return rows.order_by(F("group__name").asc(nulls_last=True), "member__sort_name", "member_id")


def subtree_roster(*, unit: Unit) -> QuerySet[Membership]:
    """Everyone currently anywhere under `unit`, by cell (the tree's order), party group and
    name: the roster of a district or a province (read it with `values_list` and
    `iterator()`: it may hold a hundred thousand rows)."""
    return (
        Membership.objects.current()
        .filter(cell__path__startswith=unit.path)
        .order_by(
            "cell__path", F("group__name").asc(nulls_last=True), "member__sort_name", "member_id"
        )
    )


def subtree_search(*, unit: Unit, query: str) -> QuerySet[Membership]:
    """People currently anywhere under `unit` whose name or card matches; for officers
    looking for someone across a district or a province."""
    return (
        Membership.objects.current()
        .filter(cell__path__startswith=unit.path)
        .filter(member__in=matching_members(query).values("pk"))
        .select_related("member", "cell", "group")
        .order_by("member__sort_name", "member_id")
    )


def member_with_history(*, member_qs: QuerySet[Member], pk) -> Member:
    return member_qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("cell", "group").order_by(
                "-start_date", "-id"
            ),
        )
    ).get(pk=pk)


def _current_membership(*, user_id) -> QuerySet:
    rows = (
        Membership.objects.current()
        .filter(member__user_id=user_id)
        .select_related("member", "cell", "cell__kind", "group")
    )
    return (rows if rows.ordered else rows.order_by("pk"))[:1]


_CURRENT_MEMBERSHIP = Compiled(_current_membership, "user_id")  # `core.compiled`


def current_membership_for_user(user) -> Membership | None:
    """The person's period open now, with their cell and party group; one query compiled
    once (`core.compiled`), since "my plan" and the home page read it on every request."""
    if not (user and user.is_authenticated):
        return None
    return _CURRENT_MEMBERSHIP.get(user_id=user.pk)


@dataclass(frozen=True)
class MemberCounts:
    party_members: int = 0
    participants: int = 0

    @property
    def total(self) -> int:
        return self.party_members + self.participants


_COUNTS = {
    "party_members": Count("id", filter=Q(member__category=Member.Category.PARTY_MEMBER)),
    "participants": Count("id", filter=~Q(member__category=Member.Category.PARTY_MEMBER)),
}


def unit_member_counts(*, unit: Unit) -> MemberCounts:
    """People currently in the unit's sub-tree (a cell: in the cell). One query."""
    people = Membership.objects.current()
    if unit.kind.is_cell:
        people = people.filter(cell=unit)
    else:
        people = people.filter(cell__path__startswith=unit.path)
    return MemberCounts(**people.order_by().aggregate(**_COUNTS))


def in_cell_since(period: Membership) -> datetime.date:
    """The first day of the person's unbroken stay in the period's cell: a change of party
    group starts a new period, not a new stay. One query."""
    since = period.start_date
    for earlier in Membership.objects.filter(
        member_id=period.member_id, start_date__lt=period.start_date
    ).order_by("-start_date", "-id"):
        if earlier.cell_id != period.cell_id or earlier.end_date != since:
            break
        since = earlier.start_date
    return since


def _pending_transfers() -> QuerySet[Transfer]:
    return Transfer.objects.filter(status=Transfer.Status.PENDING).select_related(
        "member", "from_cell", "to_cell", "issued_by"
    )


def transfers_waiting_in(*, cell: Unit) -> list[Transfer]:
    """Transfers addressed to `cell`, waiting to be received (one query)."""
    return list(_pending_transfers().filter(to_cell=cell).order_by("issued_at", "id"))


def transfers_waiting_out(*, cell: Unit) -> list[Transfer]:
    """Transfers issued from `cell`, not yet received (one query)."""
    return list(_pending_transfers().filter(from_cell=cell).order_by("issued_at", "id"))


def transfer_waiting_for(*, member: Member) -> Transfer | None:
    """The person's transfer waiting to be received, if any (one query)."""
    return _pending_transfers().filter(member=member).first()
