"""Good deeds and commendations. Every function asks the policy, checks everything before
writing anything, runs in one transaction and writes the audit trail."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from registry.access import policy
from registry.audit.services import audit_record
from registry.core import stale
from registry.core.periods import FIRST_YEAR, is_programme_year
from registry.members.models import Member, Membership
from registry.pledges.evidence import check_evidence_file
from registry.units.models import Unit

from .models import DECIDING_KINDS, PROPOSED_LEVELS, GoodDeed, Level, Proposal, Subject

WAITING_OR_APPROVED = (Proposal.Status.SENT, Proposal.Status.APPROVED)


def _d(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _check_day(errors: dict, field: str, day, today: datetime.date, *, after=None) -> None:
    if day is None:
        errors[field] = _("Give the date.")
    elif day > today:
        errors[field] = _("This date is still to come.")
    elif not is_programme_year(day.year):
        errors[field] = _("Give a date from 2016 on.")
    elif after is not None and day < after:
        errors[field] = _("This date comes before %(date)s.") % {"date": _d(after)}


def day_hint(*, after: datetime.date | None = None) -> str:
    """What `_check_day` accepts, said beside the field before anybody types a wrong day."""
    first = datetime.date(FIRST_YEAR, 1, 1)
    if after is not None and after > first:
        first = after
    return _("A day from %(first)s up to today.") % {"first": _d(first)}


def _check_who(
    errors: dict,
    *,
    unit: Unit,
    subject: str,
    member: Member | None,
    collective_unit: Unit | None,
    collective_name: str,
    first: datetime.date | None,
    today: datetime.date,
) -> None:
    """A person must have been in a cell of the unit's sub-tree at some time from `first` to
    today; a collective is a unit of the sub-tree, or one named in words (not both)."""
    if subject == Subject.PERSON:
        if member is None:
            errors["member"] = _("Choose the member.")
        elif first is not None:
            there = Membership.objects.during(first, today).filter(
                member=member, cell__path__startswith=unit.path
            )
            if not there.exists():
                raise PermissionDenied  # not somebody this unit may name
    elif subject == Subject.COLLECTIVE:
        name = (collective_name or "").strip()
        if collective_unit is None and not name:
            errors["collective_name"] = _("Choose a unit or write the collective's name.")
        elif collective_unit is not None and name:
            errors["collective_name"] = _("Choose a unit or write a name, not both.")
        elif collective_unit is not None and not collective_unit.path.startswith(unit.path):
            raise PermissionDenied
    else:
        errors["subject"] = _("Say whether it is a person or a collective.")


def _who_fields(subject, member, collective_unit, collective_name) -> dict:
    person = subject == Subject.PERSON
    return {
        "subject": subject,
        "member": member if person else None,
        "collective_unit": None if person else collective_unit,
        "collective_name": "" if person else (collective_name or "").strip(),
    }


def _checked_evidence(errors: dict, evidence):
    if evidence is None:
        return None
    try:
        return check_evidence_file(evidence)
    except ValidationError as exc:
        errors["evidence"] = exc.messages
        return None


def _attach(deed: GoodDeed, evidence, kind) -> str | None:
    """Put the file on the deed; the name of the file it replaces, to remove after the
    commit."""
    old = deed.evidence.name or None
    deed.evidence.save(evidence.name or "evidence", evidence, save=False)
    deed.evidence_name = (evidence.name or "")[:200]
    deed.evidence_type = kind.content_type
    return old


def _remove_after_commit(storage, name: str | None) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def _deed_shown(deed: GoodDeed) -> None:
    """The pages of the deed's unit and those above count it anew (`core.stale.touch`)."""
    days = [deed.date, deed.praised_on, timezone.localdate()]
    stale.touch([deed.unit], {d.year for d in days if d})


def _proposal_shown(proposal: Proposal) -> None:
    days = [proposal.sent_on, proposal.decision_date, proposal.withdrawn_on, timezone.localdate()]
    stale.touch([proposal.from_unit, proposal.to_unit], {d.year for d in days if d})


def deed_record(
    *,
    unit: Unit,
    actor,
    subject: str,
    deed: str,
    date: datetime.date,
    member: Member | None = None,
    collective_unit: Unit | None = None,
    collective_name: str = "",
    evidence=None,
    at=None,
) -> GoodDeed:
    """Write a good deed into the unit's register (ghi tên người tốt, việc tốt)."""
    at = at or timezone.now()
    if not policy.can_keep_good_deeds(actor, unit):
        raise PermissionDenied
    today = timezone.localdate(at)
    errors: dict = {}
    _check_day(errors, "date", date, today)
    _check_who(
        errors,
        unit=unit,
        subject=subject,
        member=member,
        collective_unit=collective_unit,
        collective_name=collective_name,
        first=date if "date" not in errors else today,
        today=today,
    )
    if not (deed or "").strip():
        errors["deed"] = _("Describe the good deed.")
    kind = _checked_evidence(errors, evidence)
    if errors:
        raise ValidationError(errors)
    row = GoodDeed(
        unit=unit,
        **_who_fields(subject, member, collective_unit, collective_name),
        deed=deed.strip(),
        date=date,
        recorded_by=actor,
        recorded_at=at,
    )
    if kind is not None:
        _attach(row, evidence, kind)
    row.save()
    audit_record(actor=actor, action="deed.record", target=row, date=date.isoformat())
    _deed_shown(row)
    return row


def _lock_deed(deed: GoodDeed) -> GoodDeed:
    return (
        GoodDeed.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__kind")
        .get(pk=deed.pk)
    )


@transaction.atomic
def deed_update(
    *,
    deed: GoodDeed,
    actor,
    subject: str,
    deed_text: str,
    date: datetime.date,
    member: Member | None = None,
    collective_unit: Unit | None = None,
    collective_name: str = "",
    evidence=None,
    at=None,
) -> GoodDeed:
    """Correct an entry of the register; a new file replaces the old one."""
    at = at or timezone.now()
    deed = _lock_deed(deed)
    if not policy.can_keep_good_deeds(actor, deed.unit):
        raise PermissionDenied
    today = timezone.localdate(at)
    errors: dict = {}
    _check_day(errors, "date", date, today)
    if deed.praised_on and "date" not in errors and date > deed.praised_on:
        errors["date"] = _("The deed was praised on %(date)s; it cannot come after that.") % {
            "date": _d(deed.praised_on)
        }
    _check_who(
        errors,
        unit=deed.unit,
        subject=subject,
        member=member,
        collective_unit=collective_unit,
        collective_name=collective_name,
        first=date if "date" not in errors else today,
        today=today,
    )
    if not (deed_text or "").strip():
        errors["deed"] = _("Describe the good deed.")
    kind = _checked_evidence(errors, evidence)
    if errors:
        raise ValidationError(errors)
    for name, value in _who_fields(subject, member, collective_unit, collective_name).items():
        setattr(deed, name, value)
    deed.deed, deed.date = deed_text.strip(), date
    replaced = _attach(deed, evidence, kind) if kind is not None else None
    deed.save()
    _remove_after_commit(deed.evidence.storage, replaced)
    audit_record(actor=actor, action="deed.edit", target=deed, date=date.isoformat())
    _deed_shown(deed)
    return deed


@transaction.atomic
def deed_praise(
    *, deed: GoodDeed, actor, praised_on: datetime.date, note: str = "", at=None
) -> GoodDeed:
    """Record that the deed was praised (biểu dương) at the cell's meeting of `praised_on`."""
    at = at or timezone.now()
    deed = _lock_deed(deed)
    if not policy.can_keep_good_deeds(actor, deed.unit):
        raise PermissionDenied
    errors: dict = {}
    _check_day(errors, "praised_on", praised_on, timezone.localdate(at), after=deed.date)
    if errors:
        raise ValidationError(errors)
    deed.praised_on, deed.praise_note = praised_on, (note or "").strip()
    deed.save(update_fields=["praised_on", "praise_note"])
    audit_record(actor=actor, action="deed.praise", target=deed, date=praised_on.isoformat())
    _deed_shown(deed)
    return deed


def deciding_unit(*, unit: Unit, level: str) -> Unit | None:
    """The committee that awards `level` to someone of `unit`: the nearest unit above it whose
    kind decides that level (`models.DECIDING_KINDS`)."""
    kinds = DECIDING_KINDS.get(level)
    if not kinds:
        return None
    return (
        Unit.objects.filter(path__in=unit.ancestor_paths(), kind__code__in=kinds)
        .select_related("kind")
        .order_by("-depth")
        .first()
    )


@transaction.atomic
def proposal_send(
    *,
    from_unit: Unit,
    actor,
    level: str,
    achievement: str,
    deed: GoodDeed | None = None,
    subject: str = "",
    member: Member | None = None,
    collective_unit: Unit | None = None,
    collective_name: str = "",
    at=None,
) -> Proposal:
    """Propose a commendation of `level` to the committee that awards it, from a good deed of
    the unit's register (who comes from the deed) or directly."""
    at = at or timezone.now()
    if not policy.can_propose_commendation(actor, from_unit):
        raise PermissionDenied
    today = timezone.localdate(at)
    errors: dict = {}
    if deed is not None:
        deed = _lock_deed(deed)
        if deed.unit_id != from_unit.pk:
            raise PermissionDenied
        subject, member = deed.subject, deed.member
        collective_unit, collective_name = deed.collective_unit, deed.collective_name
    else:
        _check_who(
            errors,
            unit=from_unit,
            subject=subject,
            member=member,
            collective_unit=collective_unit,
            collective_name=collective_name,
            first=today,
            today=today,
        )
    to_unit = None
    if level == Level.PRAISE:
        errors["level"] = _(
            "Praise at the cell meeting is recorded by the cell itself, on the good deed."
        )
    elif level not in PROPOSED_LEVELS:
        errors["level"] = _("Choose a level of commendation.")
    else:
        to_unit = deciding_unit(unit=from_unit, level=level)
        if to_unit is None:
            errors["level"] = _("No committee above this unit awards “%(level)s”.") % {
                "level": Level(level).label
            }
    if not (achievement or "").strip():
        errors["achievement"] = _("Write the achievements the proposal rests on.")
    if (
        deed is not None
        and "level" not in errors
        and deed.proposals.filter(level=level, status__in=WAITING_OR_APPROVED).exists()
    ):
        errors["level"] = _("This deed was already proposed for this level.")
    if errors:
        raise ValidationError(errors)
    proposal = Proposal.objects.create(
        from_unit=from_unit,
        to_unit=to_unit,
        deed=deed,
        **_who_fields(subject, member, collective_unit, collective_name),
        level=level,
        achievement=achievement.strip(),
        sent_on=today,
        sent_by=actor,
    )
    audit_record(
        actor=actor, action="proposal.send", target=proposal, level=level, to_unit=to_unit.pk
    )
    _proposal_shown(proposal)
    return proposal


def _lock_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("from_unit", "from_unit__kind", "to_unit", "to_unit__kind", "member")
        .get(pk=proposal.pk)
    )


def _already(proposal: Proposal) -> ValidationError:
    return ValidationError(
        _("This proposal is no longer waiting: it is now “%(state)s”.")
        % {"state": proposal.get_status_display()},
        code="conflict",
    )


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor, at=None) -> Proposal:
    """The sending unit takes its proposal back before the committee decides."""
    at = at or timezone.now()
    proposal = _lock_proposal(proposal)
    if not policy.can_propose_commendation(actor, proposal.from_unit):
        raise PermissionDenied
    if not proposal.is_waiting:
        raise _already(proposal)
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.withdrawn_on = timezone.localdate(at)
    proposal.save(update_fields=["status", "withdrawn_on"])
    audit_record(actor=actor, action="proposal.withdraw", target=proposal)
    _proposal_shown(proposal)
    return proposal


@transaction.atomic
def proposal_decide(
    *,
    proposal: Proposal,
    actor,
    approved: bool,
    decision_number: str,
    decision_date: datetime.date,
    reason: str = "",
    at=None,
) -> Proposal:
    """The receiving committee approves the proposal, or does not (with the reason), under a
    decision with its number and date."""
    at = at or timezone.now()
    proposal = _lock_proposal(proposal)
    if not policy.can_view_unit(actor, proposal.to_unit):
        raise PermissionDenied
    if not proposal.is_waiting:
        raise _already(proposal)
    if not policy.can_decide_proposal(actor, proposal):
        raise PermissionDenied
    errors: dict = {}
    if not (decision_number or "").strip():
        errors["decision_number"] = _("Give the number of the decision.")
    _check_day(
        errors, "decision_date", decision_date, timezone.localdate(at), after=proposal.sent_on
    )
    if not approved and not (reason or "").strip():
        errors["reason"] = _("Say why the proposal is not approved.")
    if errors:
        raise ValidationError(errors)
    proposal.status = Proposal.Status.APPROVED if approved else Proposal.Status.NOT_APPROVED
    proposal.decision_number = decision_number.strip()
    proposal.decision_date = decision_date
    proposal.decision_reason = (reason or "").strip()
    proposal.decided_by, proposal.decided_at = actor, at
    proposal.save()
    if approved:
        audit_record(
            actor=actor,
            action="proposal.approved",
            target=proposal,
            number=proposal.decision_number,
        )
    else:
        audit_record(
            actor=actor,
            action="proposal.not_approved",
            target=proposal,
            number=proposal.decision_number,
        )
    _proposal_shown(proposal)
    return proposal
