"""Reads of practices, each a fixed number of queries: the library (published practices a
person may read, searched accent-insensitively and filtered), a practice's page with its
evidence and the cells that adopted it, a committee's queue, the breakthrough items and the
registered contents a unit may start from, and booklets."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from registry.access import policy
from registry.collective.counting import counted_content_q
from registry.collective.models import Content
from registry.core.text import fold
from registry.pledges.models import Plan, PlanItem
from registry.units.models import Unit

from .models import Adoption, Booklet, Practice, PracticeEvidence


def practices_visible_to(user) -> QuerySet[Practice]:
    return Practice.objects.filter(policy.practice_visibility(user))


def practice_visible_to(user, pk) -> Practice | None:
    """A practice with what its page shows; None if it does not exist or is out of reach."""
    return (
        practices_visible_to(user)
        .select_related(
            "unit__kind",
            "committee__kind",
            "plan_item__plan__member",
            "content__registration__unit",
        )
        .prefetch_related(
            "evidence",
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.select_related("cell").order_by("adopted_on", "id"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class LibraryFilter:
    query: str = ""
    year: int | None = None
    field: str = ""
    unit: Unit | None = None


def library(user, f: LibraryFilter) -> QuerySet[Practice]:
    """Published practices the person reads, newest first, each with its adoption count.
    Every word of the query must appear in the folded title or text (accents ignored, as
    `Member.search_name`); `unit` keeps the practices proposed in that unit's sub-tree."""
    rows = practices_visible_to(user).filter(status=Practice.Status.PUBLISHED)
    for word in fold(f.query).split()[:8]:
        rows = rows.filter(search_text__contains=word)
    if f.year:
        rows = rows.filter(year=f.year)
    if f.field:
        rows = rows.filter(field=f.field)
    if f.unit is not None:
        rows = rows.filter(unit__path__startswith=f.unit.path)
    return (
        rows.select_related("unit", "committee")
        .only(
            "id",
            "title",
            "field",
            "year",
            "results",
            "published_at",
            "unit__name",
            "committee__name",
        )
        .annotate(replicated=Count("adoptions"))
        .order_by("-published_at", "-id")
    )


def library_choices(user) -> dict:
    """The years and the proposing units of the published practices the person reads, for the
    filters (two queries)."""
    published = practices_visible_to(user).filter(status=Practice.Status.PUBLISHED)
    years = sorted(set(published.values_list("year", flat=True)), reverse=True)
    units = Unit.objects.filter(pk__in=published.values("unit_id")).order_by("path")
    return {"years": years, "units": list(units.only("id", "name", "path"))}


def committee_queue(committee: Unit) -> dict:
    """What waits for a committee: proposals of units below it, and practices it selected and
    has not published yet (two queries)."""
    below = Practice.objects.filter(unit__path__startswith=committee.path).exclude(unit=committee)
    base = below.select_related("unit").order_by("proposed_at", "id")
    return {
        "proposed": list(base.filter(status=Practice.Status.PROPOSED)),
        "selected": list(
            base.filter(status=Practice.Status.SELECTED, committee__path__startswith=committee.path)
        ),
    }


def unit_proposals(unit: Unit) -> list[Practice]:
    """The unit's own proposals, newest first (one query)."""
    return list(
        Practice.objects.filter(unit=unit).select_related("committee").order_by("-proposed_at")
    )


def breakthrough_items(unit: Unit, year: int) -> list[PlanItem]:
    """Breakthrough items of the approved plans of `year` made in the unit's sub-tree (one
    query), to start a proposal from."""
    return list(
        PlanItem.objects.filter(
            is_breakthrough=True,
            plan__year=year,
            plan__status=Plan.Status.APPROVED,
            plan__cell__path__startswith=unit.path,
        )
        .select_related("plan__member", "plan__cell")
        .order_by("plan__cell__path", "plan__member__sort_name", "position")[:200]
    )


def registered_contents(unit: Unit, year: int) -> list[Content]:
    """Models and breakthrough contents that the committee above approved, of the collective
    registrations of `year` in the unit's sub-tree (its own included), to start a proposal
    from (one query)."""
    return list(
        Content.objects.filter(
            counted_content_q(),
            kind__in=(Content.Kind.MODEL, Content.Kind.BREAKTHROUGH),
            registration__year=year,
            registration__unit__path__startswith=unit.path,
        )
        .select_related("registration__unit")
        .order_by("registration__unit__path", "position")[:200]
    )


def booklets_of(committee: Unit) -> list[Booklet]:
    return list(
        Booklet.objects.filter(committee=committee)
        .annotate(entry_count=Count("entries"))
        .order_by("-requested_at", "-id")[:20]
    )


def evidence_visible_to(user, pk) -> PracticeEvidence | None:
    """A practice's evidence file, for whoever may see the practice."""
    return (
        PracticeEvidence.objects.filter(pk=pk, practice__in=practices_visible_to(user))
        .select_related("practice")
        .first()
    )


def booklet_visible_to(user, pk) -> Booklet | None:
    return (
        Booklet.objects.filter(policy.booklet_visibility(user))
        .select_related("committee__kind")
        .filter(pk=pk)
        .first()
    )


def booklet_entries(booklet: Booklet) -> list[Practice]:
    """The booklet's practices in their order, with the cells that adopted each (two
    queries)."""
    return list(
        Practice.objects.filter(booklet_entries__booklet=booklet)
        .select_related("unit", "committee")
        .prefetch_related(
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.select_related("cell").order_by("adopted_on", "id"),
            )
        )
        .order_by("booklet_entries__position")
    )


def booklet_candidates(committee: Unit) -> QuerySet[Practice]:
    """Published practices a committee may put in a booklet: those published in its sub-tree,
    by field and title."""
    return Practice.objects.filter(
        status=Practice.Status.PUBLISHED, committee__path__startswith=committee.path
    ).order_by("field", "title", "id")


def units_acting_for(user) -> list[Unit]:
    """The units the person proposes practices for or decides for as a committee (no query:
    the roles are read once per request)."""
    units = {
        role.unit.pk: role.unit
        for role in policy.roles_of(user)
        if policy.can_propose_practice(user, role.unit)
        or policy.acts_for_committee(user, role.unit)
    }
    return sorted(units.values(), key=lambda u: u.path)
