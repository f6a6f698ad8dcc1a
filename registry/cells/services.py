"""The cell's records. Every function checks that the actor acts for the cell
(`policy.can_manage_unit`), runs in one transaction and writes the audit trail."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from registry.access import policy
from registry.audit.services import audit_record
from registry.core import stale
from registry.members import services as member_services
from registry.members.models import Member, Membership, normalise_card_number
from registry.pledges import standing
from registry.pledges.models import Plan, ProgressReport, Rating
from registry.signin import services as signin_services
from registry.units.models import Unit

from .models import CellMeeting, Supervision, YearRating

# Quy định 366-QĐ/TW: the score bands of each level.
SCORE_BANDS = {
    Rating.EXCELLENT: (90, 100),
    Rating.GOOD: (70, 89),
    Rating.FULFILLED: (50, 69),
    Rating.NOT_FULFILLED: (0, 49),
}


def _require_manager(actor, cell: Unit) -> None:
    if not policy.can_manage_unit(actor, cell):
        raise PermissionDenied


def _current_member_ids(cell: Unit, party_only: bool = False) -> set[int]:
    rows = standing.current_members().filter(cell=cell)
    if party_only:
        rows = rows.filter(member__category=Member.Category.PARTY_MEMBER)
    return set(rows.values_list("member_id", flat=True))


@transaction.atomic
def rating_set(
    *,
    cell: Unit,
    member: Member,
    year: int,
    actor,
    level: str,
    justification: str,
    score: int | None = None,
    seen_version: int | None = None,
    at=None,
) -> YearRating:
    """Propose (or change) the cell's rating of a member. `seen_version` is the version the
    secretary had on screen (None for a new rating): if someone saved in between, nothing is
    overwritten and the secretary is told who changed it and to what."""
    at = at or timezone.now()
    _require_manager(actor, cell)
    if not policy.can_rate(actor, member, cell):
        raise ValidationError(_("Nobody rates themselves here; another cell leader proposes it."))
    if (
        member.pk not in _current_member_ids(cell, party_only=True)
        and not Plan.objects.filter(member=member, year=year, cell=cell).exists()
    ):
        raise PermissionDenied
    errors = {}
    if level not in Rating.values:
        errors["level"] = _("Choose a rating.")
    if not (justification or "").strip():
        errors["justification"] = _("Give the reasons for the rating.")
    if score is not None and level in SCORE_BANDS:
        low, high = SCORE_BANDS[level]
        if not low <= score <= high:
            errors["score"] = _(
                "A score of %(score)s does not match “%(level)s” (%(low)s–%(high)s)."
            ) % {
                "score": score,
                "level": Rating(level).label,
                "low": low,
                "high": high,
            }
    if errors:
        raise ValidationError(errors)
    rating = YearRating.objects.select_for_update().filter(member=member, year=year).first()
    if rating is not None and rating.version != seen_version:
        raise ValidationError(
            _(
                "%(who)s changed this rating at %(when)s (now “%(level)s”). Your text is "
                "kept below: look at theirs, then save again if yours should replace it."
            )
            % {
                "who": rating.rated_by or "—",
                "when": formats.date_format(
                    timezone.localtime(rating.rated_at), "SHORT_DATETIME_FORMAT"
                ),
                "level": rating.get_level_display(),
            },
            code="conflict",
        )
    if rating is None and seen_version is not None:
        raise ValidationError(
            _("This rating was removed meanwhile; reload the page."), code="conflict"
        )
    values = {
        "cell": cell,
        "level": level,
        "score": score,
        "justification": justification.strip(),
        "rated_by": actor,
        "rated_at": at,
    }
    stale.mark({cell.pk, *([rating.cell_id] if rating else [])}, [year])
    if rating is None:
        try:
            with transaction.atomic():
                rating = YearRating.objects.create(member=member, year=year, version=1, **values)
        except IntegrityError:
            # Another secretary created it a moment ago: theirs stays, this one is told.
            other = YearRating.objects.select_related("rated_by").get(member=member, year=year)
            raise ValidationError(
                _(
                    "%(who)s changed this rating at %(when)s (now “%(level)s”). Your text is "
                    "kept below: look at theirs, then save again if yours should replace it."
                )
                % {
                    "who": other.rated_by or "—",
                    "when": formats.date_format(
                        timezone.localtime(other.rated_at), "SHORT_DATETIME_FORMAT"
                    ),
                    "level": other.get_level_display(),
                },
                code="conflict",
            ) from None
    else:
        for name, value in values.items():
            setattr(rating, name, value)
        rating.version += 1
        rating.save()
    audit_record(
        actor=actor, action="rating.set", target=member, year=year, level=level, score=score
    )
    return rating


@transaction.atomic
def meeting_record(
    *,
    cell: Unit,
    actor,
    date: datetime.date,
    chair: Member,
    attendees: list[Member],
    conclusions: str,
    plans: list[Plan] = (),
    reports: list[ProgressReport] = (),
    at=None,
) -> CellMeeting:
    at = at or timezone.now()
    _require_manager(actor, cell)
    members = _current_member_ids(cell, party_only=True)
    errors = {}
    if date > timezone.localdate(at):
        errors["date"] = _("A meeting cannot be recorded before it takes place.")
    if chair.pk not in members:
        errors["chair"] = _("The chair must be a member of the cell.")
    if not attendees:
        errors["attendees"] = _("Tick who was present.")
    elif any(m.pk not in members for m in attendees):
        errors["attendees"] = _("Only members of the cell can be marked present.")
    if not (conclusions or "").strip():
        errors["conclusions"] = _("Write the meeting's conclusions.")
    members_now = _current_member_ids(cell)
    if any(p.member_id not in members_now for p in plans) or any(
        r.item.plan.member_id not in members_now for r in reports
    ):
        raise PermissionDenied
    if errors:
        raise ValidationError(errors)
    meeting = CellMeeting.objects.create(
        cell=cell,
        date=date,
        chair=chair,
        conclusions=conclusions.strip(),
        recorded_by=actor,
        recorded_at=at,
    )
    meeting.attendees.set(attendees)
    meeting.plans_reviewed.set(plans)
    meeting.reports_reviewed.set(reports)
    audit_record(actor=actor, action="meeting.record", target=meeting, date=date.isoformat())
    return meeting


@transaction.atomic
def supervision_record(
    *,
    cell: Unit,
    actor,
    member: Member,
    kind: str,
    date: datetime.date,
    subject: str,
    findings: str,
    conclusion: str,
    at=None,
) -> Supervision:
    at = at or timezone.now()
    _require_manager(actor, cell)
    errors = {}
    if member.pk not in _current_member_ids(cell, party_only=True):
        errors["member"] = _("Only a member of the cell can be checked or supervised here.")
    if kind not in Supervision.Kind.values:
        errors["kind"] = _("Choose check or supervision.")
    if date > timezone.localdate(at):
        errors["date"] = _("The date cannot be in the future.")
    for field, value, message in (
        ("subject", subject, _("Say what was checked or supervised.")),
        ("findings", findings, _("Write what was found.")),
        ("conclusion", conclusion, _("Write the conclusion.")),
    ):
        if not (value or "").strip():
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    record = Supervision.objects.create(
        cell=cell,
        member=member,
        kind=kind,
        date=date,
        subject=subject.strip(),
        findings=findings.strip(),
        conclusion=conclusion.strip(),
        recorded_by=actor,
        recorded_at=at,
    )
    stale.mark([cell.pk], [date.year])
    audit_record(actor=actor, action=f"supervision.{kind}", target=member, record=record.pk)
    return record


# --- Roster of the cell: the member services, checked for the cell's secretary -----------------
# Each action is one transaction: it locks the person, then checks again that they are still in
# the actor's cell, so a transfer made a moment earlier by someone else cannot let a secretary
# act on a person who has left the cell they manage.


def _lock_in_cell(cell: Unit, member: Member) -> Member:
    locked = member_services.lock_member(member)
    if not standing.current_members().filter(cell=cell, member=locked).exists():
        raise PermissionDenied
    return locked


@transaction.atomic
def roster_add(*, cell: Unit, actor, group: Unit | None = None, since=None, **fields) -> Member:
    _require_manager(actor, cell)
    return member_services.member_create(cell=cell, group=group, since=since, actor=actor, **fields)


@transaction.atomic
def roster_set_group(
    *, cell: Unit, actor, member: Member, group: Unit | None, on=None
) -> Membership:
    _require_manager(actor, cell)
    member = _lock_in_cell(cell, member)
    return member_services.member_set_group(member=member, group=group, on=on, actor=actor)


@transaction.atomic
def roster_transfer_out(
    *, cell: Unit, actor, member: Member, to_cell: Unit, on=None, note: str = ""
) -> Membership:
    """Chuyển sinh hoạt đảng: the sending cell moves the person to the receiving cell."""
    _require_manager(actor, cell)
    member = _lock_in_cell(cell, member)
    return member_services.member_transfer(
        member=member, to_cell=to_cell, on=on, actor=actor, note=note
    )


@transaction.atomic
def roster_receive(
    *, cell: Unit, actor, card_number: str, group: Unit | None = None, on=None
) -> Member:
    """Receive a party member whose last cell closed their period because they left it
    (for instance to move to a unit outside the registry and back). A member still in a
    cell is transferred by that cell. The answer never says where a card number belongs."""
    _require_manager(actor, cell)
    card = normalise_card_number(card_number)
    member = Member.objects.filter(card_number=card).first() if card else None
    if member is not None:
        member = member_services.lock_member(member)
    last = member.memberships.order_by("-start_date", "-id").first() if member else None
    receivable = (
        member is not None
        and member_services.current_membership(member) is None
        and (last is None or last.end_reason == Membership.EndReason.LEFT)
    )
    if not receivable:
        raise ValidationError(
            {
                "card_number": _(
                    "This card number cannot be received here. If the member belongs to a cell, "
                    "that cell transfers them to yours; if they are new to the registry, add them "
                    "as a new person."
                )
            }
        )
    member_services.member_transfer(member=member, to_cell=cell, to_group=group, on=on, actor=actor)
    return member


@transaction.atomic
def roster_leave(
    *, cell: Unit, actor, member: Member, on=None, reason: str = "left", note: str = ""
):
    _require_manager(actor, cell)
    member = _lock_in_cell(cell, member)
    return member_services.member_leave(member=member, on=on, reason=reason, actor=actor, note=note)


@transaction.atomic
def roster_reset_code(*, cell: Unit, actor, member: Member) -> str:
    """A one-time password reset code for a person of the cell who has forgotten the
    password (shown once to the secretary, who hands it over in person)."""
    _require_manager(actor, cell)
    member = _lock_in_cell(cell, member)
    return signin_services.reset_code_issue(actor=actor, person=member)
