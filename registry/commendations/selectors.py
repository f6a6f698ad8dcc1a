"""Reads of the register of good deeds and of commendation proposals, and their counts for
any unit and period: a fixed number of queries whatever the size of the sub-tree (the
materialised path: one grouped query per kind of row, `GROUP BY substr(path)`)."""

import datetime
import operator
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q

from registry.access import policy
from registry.core import tree
from registry.core.periods import Period
from registry.core.tree import PathRows
from registry.members.models import Member, Membership
from registry.units.models import Unit

from .models import GoodDeed, Proposal, Subject

WHO = ("member", "collective_unit")


def deed_visible_to(user, pk) -> GoodDeed | None:
    """The good deed `pk` if `user` reads its register, else None."""
    return (
        GoodDeed.objects.filter(policy.good_deed_visibility(user), pk=pk)
        .select_related("unit", "unit__kind", *WHO)
        .first()
    )


def proposal_visible_to(user, pk) -> Proposal | None:
    return (
        Proposal.objects.filter(policy.proposal_visibility(user), pk=pk)
        .select_related("from_unit", "from_unit__kind", "to_unit", "to_unit__kind", "deed", *WHO)
        .first()
    )


def register(*, unit: Unit, year: int) -> list[GoodDeed]:
    """The unit's register for a year, latest first, each deed with its proposals."""
    proposals = Proposal.objects.select_related("to_unit").order_by("sent_on", "pk")
    return list(
        GoodDeed.objects.filter(unit=unit, date__year=year)
        .select_related(*WHO)
        .prefetch_related(Prefetch("proposals", queryset=proposals))
        .order_by("-date", "-pk")
    )


def proposals_sent(*, unit: Unit, year: int) -> list[Proposal]:
    return list(
        Proposal.objects.filter(from_unit=unit, sent_on__year=year)
        .select_related("to_unit", *WHO)
        .order_by("-sent_on", "-pk")
    )


def inbox(*, unit: Unit, year: int) -> tuple[list[Proposal], list[Proposal]]:
    """(proposals waiting for the committee's decision, whatever their year; those it decided
    in `year`)."""
    rows = Proposal.objects.filter(to_unit=unit).select_related("from_unit", *WHO)
    waiting = rows.filter(status=Proposal.Status.SENT).order_by("sent_on", "pk")
    decided = rows.filter(
        status__in=(Proposal.Status.APPROVED, Proposal.Status.NOT_APPROVED),
        decision_date__year=year,
    ).order_by("-decision_date", "-pk")
    return list(waiting), list(decided)


def waiting_count(*, unit: Unit) -> int:
    return Proposal.objects.filter(to_unit=unit, status=Proposal.Status.SENT).count()


def members_of(*, unit: Unit):
    """People in the unit's sub-tree now, for the choice of a person."""
    there = Membership.objects.current().filter(
        member=OuterRef("pk"), cell__path__startswith=unit.path
    )
    return Member.objects.filter(Exists(there)).order_by("sort_name", "pk")


def units_for_collectives(*, unit: Unit):
    """Units a collective of `unit`'s register may be: the unit and those below it."""
    return Unit.objects.filter(path__startswith=unit.path, is_active=True).order_by("path")


@dataclass(frozen=True)
class Counts:
    """Good deeds and commendations of a sub-tree in a period ("khen thưởng 3 lượt tập thể,
    5 lượt cá nhân"): deeds recorded, deeds praised at cell meetings, proposals sent (not
    withdrawn), and commendations approved for collectives and for persons."""

    deeds: int = 0
    praised: int = 0
    proposals: int = 0
    approved_collectives: int = 0
    approved_persons: int = 0

    @property
    def approved(self) -> int:
        return self.approved_collectives + self.approved_persons

    @property
    def any(self) -> bool:
        return bool(self.deeds or self.praised or self.proposals or self.approved)

    def as_dict(self) -> dict:
        return {
            "deeds": self.deeds,
            "praised": self.praised,
            "proposals": self.proposals,
            "approved_collectives": self.approved_collectives,
            "approved_persons": self.approved_persons,
        }

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(**{k: v + getattr(other, k) for k, v in self.as_dict().items()})


def commendation_rows(*, scope: Unit, period: Period, on: datetime.date) -> PathRows:
    """The counts of each unit of `scope`'s sub-tree (`scope` included) for `period` looked
    at on `on`: (unit path, Counts), everything dated from the period's first day to its
    as-of day, by the dates written on the rows (deed, praise, sending, decision). Three
    queries; one where the sub-tree has none in the period."""
    first, last = period.start, period.as_of(on)
    span = (first, last)
    if not _any_in(scope, span):
        return PathRows([])
    deeds = (
        GoodDeed.objects.filter(unit__path__startswith=scope.path)
        .filter(Q(date__range=span) | Q(praised_on__range=span))
        .values(path=F("unit__path"))
        .annotate(
            deeds=Count("pk", filter=Q(date__range=span)),
            praised=Count("pk", filter=Q(praised_on__range=span)),
        )
        .order_by()
    )
    sent = Q(sent_on__range=span) & ~Q(status=Proposal.Status.WITHDRAWN, withdrawn_on__lte=last)
    approved = Q(status=Proposal.Status.APPROVED, decision_date__range=span)
    proposals = (
        Proposal.objects.filter(from_unit__path__startswith=scope.path)
        .filter(Q(sent_on__range=span) | Q(decision_date__range=span))
        .values(path=F("from_unit__path"))
        .annotate(
            proposals=Count("pk", filter=sent),
            approved_collectives=Count("pk", filter=approved & Q(subject=Subject.COLLECTIVE)),
            approved_persons=Count("pk", filter=approved & Q(subject=Subject.PERSON)),
        )
        .order_by()
    )
    by_path: dict[str, dict] = {}
    for row in [*deeds, *proposals]:
        by_path.setdefault(row.pop("path"), {}).update(row)
    return PathRows((path, Counts(**values)) for path, values in by_path.items())


def counts_of(rows: PathRows, unit: Unit) -> tuple[Counts, dict[str, Counts]]:
    """(the counts of `unit`'s sub-tree, {path of each unit directly below: its counts}),
    `commendation_rows` added up."""
    total, by_branch = tree.fold(rows, unit, operator.add, Counts, steplen=Unit.steplen)
    width = len(unit.path) + Unit.steplen
    return total, {path: c for path, c in by_branch.items() if len(path) == width}


def commendation_counts(
    *, unit: Unit, period: Period, on: datetime.date
) -> tuple[Counts, dict[str, Counts]]:
    """(the counts of `unit`'s sub-tree, {path of each unit directly below: its counts}) for
    `period` looked at on `on` (`commendation_rows`)."""
    return counts_of(commendation_rows(scope=unit, period=period, on=on), unit)


def _any_in(unit: Unit, span) -> bool:
    """Whether the sub-tree has a deed or a proposal dated in `span` (one plain query: most
    units have none, and the grouped counts are not worth building for them)."""
    deeds = GoodDeed.objects.filter(unit__path__startswith=unit.path).filter(
        Q(date__range=span) | Q(praised_on__range=span)
    )
    proposals = Proposal.objects.filter(from_unit__path__startswith=unit.path).filter(
        Q(sent_on__range=span) | Q(decision_date__range=span)
    )
    return deeds.values("pk").union(proposals.values("pk")).exists()


def unit_commendations(
    *, unit: Unit, period: Period, on: datetime.date
) -> tuple[Counts, list[tuple[Unit, Counts]]]:
    """The counts of the unit and of each unit directly below it (all of them, zeros too)."""
    total, by_path = commendation_counts(unit=unit, period=period, on=on)
    children = Unit.objects.get_children(unit).select_related("kind")
    return total, [(child, by_path.get(child.path, Counts())) for child in children]
