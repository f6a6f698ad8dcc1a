"""The life of a practice: proposed (with its evidence) → selected by a committee above →
published to that committee's sub-tree, or not selected with a reason; withdrawn by its
unit while not yet published. Cells record that they adopted a published practice; a
committee orders a booklet of chosen entries, rendered by a worker (`core.exports`). Every
function is one transaction, asks the policy again and writes an audit record."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.access import policy
from registry.audit.services import audit_record
from registry.collective.models import Content
from registry.core import exports
from registry.core.periods import validate_programme_year
from registry.core.text import clean_spaces
from registry.pledges.evidence import check_evidence_file
from registry.pledges.models import Plan, PlanItem
from registry.units.models import Unit

from . import selectors
from .models import Adoption, Booklet, BookletEntry, Field, Practice, PracticeEvidence

RENDER_TASK = "registry.practices.tasks.render_booklet"  # practices/tasks.py
MAX_FILES = 10
MAX_BOOKLET_ENTRIES = 100
# The contents of a collective registration a practice may grow from.
PROPOSABLE_KINDS = (Content.Kind.MODEL, Content.Kind.BREAKTHROUGH)


def _lock(practice: Practice) -> Practice:
    return (
        Practice.objects.select_for_update(of=("self",))
        .select_related("unit__kind", "committee")
        .get(pk=practice.pk)
    )


def source_problems(
    *,
    unit: Unit,
    year: int,
    source: str,
    plan_item: PlanItem | None,
    content: Content | None = None,
) -> dict:
    """What is wrong with the practice's source. A breakthrough item must be one of an approved
    plan of the unit's sub-tree, of that year; a registered content a model or breakthrough
    content that the committee above approved, in a registration of the unit's sub-tree
    (the unit's own included), of that year."""
    if source == Practice.Source.SCRATCH:
        return {}
    if source == Practice.Source.BREAKTHROUGH:
        ok = (
            plan_item is not None
            and plan_item.is_breakthrough
            and plan_item.plan.year == year
            and plan_item.plan.status == Plan.Status.APPROVED
            and plan_item.plan.cell.path.startswith(unit.path)
        )
        if ok:
            return {}
        return {"plan_item": _("Choose a breakthrough item of an approved plan of this unit.")}
    if source == Practice.Source.COLLECTIVE:
        ok = (
            content is not None
            and content.kind in PROPOSABLE_KINDS
            and content.approved_at is not None
            and content.registration.year == year
            and content.registration.first_approved_at is not None
            and content.registration.unit.path.startswith(unit.path)
        )
        if ok:
            return {}
        return {
            "content": _(
                "Choose a model or breakthrough content of an approved registration of this unit."
            )
        }
    return {"source": _("Choose where the practice comes from.")}


def _checked(
    *, unit, year, title, field, description, results, source, plan_item, files, content=None
):
    errors: dict = {}
    title = clean_spaces(title)
    if not title:
        errors["title"] = _("Give the practice a title.")
    if field not in Field.values:
        errors["field"] = _("Choose a field from the list.")
    if not (description or "").strip():
        errors["description"] = _("Describe how the practice is done.")
    if not (results or "").strip():
        errors["results"] = _("Say what results it brought.")
    try:
        validate_programme_year(year)
    except ValidationError as exc:
        errors["year"] = exc.messages
    else:
        errors |= source_problems(
            unit=unit, year=year, source=source, plan_item=plan_item, content=content
        )
    file_errors = []
    for upload in files:
        try:
            check_evidence_file(upload)
        except ValidationError as exc:
            file_errors.extend(exc.messages)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "field": field,
        "description": description.strip(),
        "results": results.strip(),
        "year": year,
        "source": source,
        "plan_item": plan_item if source == Practice.Source.BREAKTHROUGH else None,
        "content": content if source == Practice.Source.COLLECTIVE else None,
    }


def _store_files(practice: Practice, files, actor, at) -> None:
    if practice.evidence.count() + len(files) > MAX_FILES:
        raise ValidationError(
            {"files": _("A practice can have at most %(n)s files.") % {"n": MAX_FILES}}
        )
    stored = []
    try:
        for upload in files:
            kind = check_evidence_file(upload)
            evidence = PracticeEvidence(
                practice=practice,
                original_name=upload.name[:200],
                content_type=kind.content_type,
                size=upload.size,
                uploaded_at=at,
                uploaded_by=actor,
            )
            evidence.file.save(upload.name, upload, save=False)
            stored.append(evidence.file)
            evidence.save()
    except Exception:
        for f in stored:
            f.storage.delete(f.name)
        raise


@transaction.atomic
def practice_propose(
    *,
    unit: Unit,
    actor,
    year: int,
    title: str,
    field: str,
    description: str,
    results: str,
    source: str = Practice.Source.SCRATCH,
    plan_item: PlanItem | None = None,
    content: Content | None = None,
    files=(),
    at=None,
) -> Practice:
    if not policy.can_propose_practice(actor, unit):
        raise PermissionDenied
    at = at or timezone.now()
    values = _checked(
        unit=unit,
        year=year,
        title=title,
        field=field,
        description=description,
        results=results,
        source=source,
        plan_item=plan_item,
        content=content,
        files=files,
    )
    practice = Practice.objects.create(unit=unit, proposed_by=actor, proposed_at=at, **values)
    _store_files(practice, files, actor, at)
    audit_record(actor=actor, action="practice.propose", target=practice, unit=unit.pk)
    return practice


@transaction.atomic
def practice_update(
    *,
    practice: Practice,
    actor,
    year: int,
    title: str,
    field: str,
    description: str,
    results: str,
    source: str = Practice.Source.SCRATCH,
    plan_item: PlanItem | None = None,
    content: Content | None = None,
    files=(),
    at=None,
) -> Practice:
    practice = _lock(practice)
    if not policy.can_propose_practice(actor, practice.unit):
        raise PermissionDenied
    if practice.status != Practice.Status.PROPOSED:
        raise ValidationError(_("Only a proposal not yet decided on can be changed."))
    at = at or timezone.now()
    values = _checked(
        unit=practice.unit,
        year=year,
        title=title,
        field=field,
        description=description,
        results=results,
        source=source,
        plan_item=plan_item,
        content=content,
        files=files,
    )
    for name, value in values.items():
        setattr(practice, name, value)
    practice.save()
    _store_files(practice, files, actor, at)
    audit_record(actor=actor, action="practice.edit", target=practice)
    return practice


@transaction.atomic
def practice_withdraw(*, practice: Practice, actor, reason: str = "", at=None) -> Practice:
    practice = _lock(practice)
    if not policy.can_propose_practice(actor, practice.unit):
        raise PermissionDenied
    if not policy.can_withdraw_practice(actor, practice):
        raise ValidationError(_("A published or decided practice can no longer be withdrawn."))
    practice.status = Practice.Status.WITHDRAWN
    practice.reason = (reason or "").strip()
    practice.decided_at = at or timezone.now()
    practice.decided_by = actor
    practice.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    audit_record(actor=actor, action="practice.withdraw", target=practice)
    return practice


def _require_proposed(practice: Practice) -> None:
    if practice.status != Practice.Status.PROPOSED:
        raise ValidationError(
            _("This practice is no longer waiting for a decision (now: %(state)s).")
            % {"state": practice.get_status_display()}
        )


@transaction.atomic
def practice_select(*, practice: Practice, actor, at=None) -> Practice:
    """The committee above selects the proposal; it becomes its committee's to publish."""
    practice = _lock(practice)
    committee = policy.selecting_committee(actor, practice.unit)
    if committee is None:
        raise PermissionDenied
    _require_proposed(practice)
    practice.status = Practice.Status.SELECTED
    practice.committee = committee
    practice.decided_by = actor
    practice.decided_at = at or timezone.now()
    practice.reason = ""
    practice.save(update_fields=["status", "committee", "decided_by", "decided_at", "reason"])
    audit_record(actor=actor, action="practice.select", target=practice, committee=committee.pk)
    return practice


@transaction.atomic
def practice_decline(*, practice: Practice, actor, reason: str, at=None) -> Practice:
    practice = _lock(practice)
    committee = policy.selecting_committee(actor, practice.unit)
    if committee is None:
        raise PermissionDenied
    _require_proposed(practice)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the practice is not selected.")})
    practice.status = Practice.Status.NOT_SELECTED
    practice.committee = committee
    practice.reason = reason.strip()
    practice.decided_by = actor
    practice.decided_at = at or timezone.now()
    practice.save(update_fields=["status", "committee", "reason", "decided_by", "decided_at"])
    audit_record(actor=actor, action="practice.decline", target=practice, committee=committee.pk)
    return practice


@transaction.atomic
def practice_publish(*, practice: Practice, actor, at=None) -> Practice:
    """Publish a selected practice to the sub-tree of the committee that selected it."""
    practice = _lock(practice)
    if practice.status != Practice.Status.SELECTED:
        if not policy.can_view_unit(actor, practice.unit):
            raise PermissionDenied
        raise ValidationError(_("Only a selected practice can be published."))
    if not policy.can_publish_practice(actor, practice):
        raise PermissionDenied
    practice.status = Practice.Status.PUBLISHED
    practice.published_at = at or timezone.now()
    practice.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor, action="practice.publish", target=practice, committee=practice.committee_id
    )
    return practice


@transaction.atomic
def adoption_record(
    *, practice: Practice, cell: Unit, actor, adopted_on, note: str = "", at=None
) -> Adoption:
    """The cell took the practice up on `adopted_on`; once per cell."""
    practice = _lock(practice)
    if not policy.can_adopt_practice(actor, practice, cell):
        raise PermissionDenied
    at = at or timezone.now()
    errors = {}
    if adopted_on is None:
        errors["adopted_on"] = _("Give the day the cell took the practice up.")
    elif adopted_on > timezone.localdate(at):
        errors["adopted_on"] = _("The day cannot be in the future.")
    elif practice.published_at and adopted_on < timezone.localdate(practice.published_at):
        errors["adopted_on"] = _(
            "The day cannot be before the practice was published (%(day)s)."
        ) % {"day": timezone.localdate(practice.published_at).strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(
                practice=practice,
                cell=cell,
                adopted_on=adopted_on,
                note=clean_spaces(note)[:300],
                recorded_by=actor,
                recorded_at=at,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(cell)s has already recorded adopting this practice.") % {"cell": cell.name}
        ) from None
    audit_record(actor=actor, action="practice.adopt", target=practice, cell=cell.pk)
    return adoption


# --- Booklets ---------------------------------------------------------------------------------


@transaction.atomic
def booklet_order(
    *, committee: Unit, actor, year: int, title: str, practices: list[Practice], at=None
) -> Booklet:
    """Order a booklet of the chosen entries (in the order given); a worker renders it after
    the commit."""
    if not policy.can_order_booklet(actor, committee):
        raise PermissionDenied
    errors = {}
    title = clean_spaces(title)
    if not title:
        errors["title"] = _("Give the booklet a title.")
    try:
        validate_programme_year(year)
    except ValidationError as exc:
        errors["year"] = exc.messages
    ids = list(dict.fromkeys(p.pk for p in practices))
    if not ids:
        errors["practices"] = _("Choose at least one published practice.")
    elif len(ids) > MAX_BOOKLET_ENTRIES:
        errors["practices"] = _("A booklet can hold at most %(n)s practices.") % {
            "n": MAX_BOOKLET_ENTRIES
        }
    elif selectors.booklet_candidates(committee).filter(pk__in=ids).count() != len(ids):
        errors["practices"] = _("Only practices published in this committee's area can be chosen.")
    if errors:
        raise ValidationError(errors)
    booklet = Booklet.objects.create(
        committee=committee,
        year=year,
        title=title,
        requested_by=actor,
        requested_at=at or timezone.now(),
    )
    BookletEntry.objects.bulk_create(
        BookletEntry(booklet=booklet, practice_id=pk, position=n)
        for n, pk in enumerate(ids, start=1)
    )
    audit_record(actor=actor, action="booklet.order", target=booklet, entries=len(ids))
    exports.send_after_commit(Booklet, RENDER_TASK, booklet.pk)
    return booklet


@transaction.atomic
def booklet_retry(*, booklet: Booklet, actor) -> Booklet:
    """Render a failed booklet again (the same row, so it is rendered once)."""
    booklet = (
        Booklet.objects.select_for_update().select_related("committee__kind").get(pk=booklet.pk)
    )
    if not policy.can_order_booklet(actor, booklet.committee):
        raise PermissionDenied
    if booklet.status != Booklet.Status.FAILED:
        raise ValidationError(_("Only a booklet that failed can be rendered again."))
    booklet.status = Booklet.Status.QUEUED
    booklet.requested_at = timezone.now()
    booklet.save(update_fields=["status", "requested_at"])
    audit_record(actor=actor, action="booklet.retry", target=booklet)
    exports.send_after_commit(Booklet, RENDER_TASK, booklet.pk)
    return booklet


def booklets_resend_stalled(*, now=None) -> int:
    return exports.resend_stalled(Booklet, RENDER_TASK, now=now)


def booklet_render(*, booklet_id: int) -> Booklet:
    from .pdf import render_booklet_pdf

    return exports.render_claimed(
        Booklet,
        booklet_id,
        render=render_booklet_pdf,
        stored_name=lambda booklet: f"booklet-{booklet.committee_id}-{booklet.pk}.pdf",
        select_related=("committee__kind",),
    )
