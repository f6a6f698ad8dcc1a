"""The cell's records. Every function checks that the actor acts for the cell
(`policy.can_manage_unit`), runs in one transaction and writes the audit trail."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.access import policy
from registry.access.models import RoleAssignment
from registry.audit.services import audit_record
from registry.core import exports, stale
from registry.members import services as member_services
from registry.members.models import Member, Membership, Transfer, normalise_card_number
from registry.pledges import standing
from registry.pledges.models import Plan, ProgressReport, Rating
from registry.signin import services as signin_services
from registry.units.models import Unit

from .models import CellMeeting, RegistrationBook, Supervision, YearRating

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
        # A new proposal: the committee decides again.
        rating.decided_level = rating.decision_note = ""
        rating.decided_unit = rating.decided_by = rating.decided_at = None
        rating.decided_version = None
        rating.save()
    audit_record(
        actor=actor, action="rating.set", target=member, year=year, level=level, score=score
    )
    return rating


@dataclass(frozen=True)
class RatingDecision:
    """One line of the committee's decision: the rating `rating_id` at the `version` shown,
    decided at `level` (the proposed one to accept it), with a `note` if it differs."""

    rating_id: int
    version: int
    level: str
    note: str = ""


@transaction.atomic
def rating_decide(
    *, cell: Unit, year: int, actor, decisions: list[RatingDecision], at=None
) -> list[YearRating]:
    """The grassroots committee decides the ratings `cell` proposed for `year`, all or none:
    a line whose proposal changed since the page was shown (its version) is refused, as is a
    level other than the proposed one without a note."""
    committee = policy.rating_deciding_committee(cell)
    if not policy.can_decide_ratings(actor, cell, committee):
        raise PermissionDenied
    if not decisions:
        raise ValidationError(_("Tick at least one rating, or choose a level."), code="empty")
    at = at or timezone.now()
    ratings = {
        r.pk: r
        for r in YearRating.objects.select_for_update().filter(
            cell=cell, year=year, pk__in=[d.rating_id for d in decisions]
        )
    }
    errors = {}
    for d in decisions:
        rating = ratings.get(d.rating_id)
        key = f"r{d.rating_id}"
        if rating is None:
            errors[key] = _("This rating was removed meanwhile; reload the page.")
        elif rating.version != d.version:
            errors[key] = _(
                "The cell changed this proposal meanwhile (now “%(level)s”); reload the page "
                "and decide on the new one."
            ) % {"level": rating.get_level_display()}
        elif d.level not in Rating.values:
            errors[key] = _("Choose a rating.")
        elif d.level != rating.level and not d.note.strip():
            errors[key] = _("Give the reason when the final rating differs from the proposal.")
    if errors:
        raise ValidationError(errors, code="invalid")
    decided = []
    for d in decisions:
        rating = ratings[d.rating_id]
        rating.decided_level = d.level
        rating.decision_note = d.note.strip()
        rating.decided_unit = committee
        rating.decided_by = actor if actor.is_authenticated else None
        rating.decided_at = at
        rating.decided_version = rating.version
        rating.save()
        audit_record(
            actor=actor,
            action="rating.decide",
            target=rating.member,
            year=year,
            level=d.level,
            proposed=rating.level,
        )
        decided.append(rating)
    return decided


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
    place: str = "",
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    minute_taker: Member | None = None,
    agenda: str = "",
    content: str = "",
    absence_reasons: dict[int, str] | None = None,
    at=None,
) -> CellMeeting:
    """Record a meeting. What only its minutes print (place, hours, minute-taker, agenda,
    content, reasons for absence) is optional; a reason is kept only for someone of the cell
    marked absent."""
    at = at or timezone.now()
    _require_manager(actor, cell)
    members = _current_member_ids(cell, party_only=True)
    errors = {}
    if date > timezone.localdate(at):
        errors["date"] = _("A meeting cannot be recorded before it takes place.")
    if chair.pk not in members:
        errors["chair"] = _("The chair must be a member of the cell.")
    if minute_taker is not None and minute_taker.pk not in members:
        errors["minute_taker"] = _("The secretary of the meeting must be a member of the cell.")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if not attendees:
        errors["attendees"] = _("Tick who was present.")
    elif any(m.pk not in members for m in attendees):
        errors["attendees"] = _("Only members of the cell can be marked present.")
    if not (conclusions or "").strip():
        errors["conclusions"] = _("Write the meeting's conclusions.")
    present = {m.pk for m in attendees}
    reasons = {
        str(pk): reason.strip()
        for pk, reason in (absence_reasons or {}).items()
        if (reason or "").strip() and pk in members and pk not in present
    }
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
        place=(place or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        chair=chair,
        minute_taker=minute_taker,
        absence_reasons=reasons,
        agenda=(agenda or "").strip(),
        content=(content or "").strip(),
        conclusions=conclusions.strip(),
        recorded_by=actor,
        recorded_at=at,
    )
    meeting.attendees.set(attendees)
    meeting.plans_reviewed.set(plans)
    meeting.reports_reviewed.set(reports)
    audit_record(actor=actor, action="meeting.record", target=meeting, date=date.isoformat())
    # The overview shows the last meeting whatever year it is read for.
    stale.mark([cell.pk], {date.year, timezone.localdate().year})
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
def roster_set_key_official(*, cell: Unit, actor, member: Member, value: bool) -> Member:
    if not policy.can_set_key_official(actor, cell):
        raise PermissionDenied
    member = _lock_in_cell(cell, member)
    return member_services.member_set_key_official(member=member, value=value, actor=actor)


# --- Transfers (chuyển sinh hoạt đảng): issued by the sending side, accepted by the receiving --
# The person stays in the sending cell, counted and followed up there, until the receiving cell
# accepts; acceptance is the dated `member_transfer` (which marks the kept figures of both
# cells) in the same transaction. Each step locks the person first, then the transfer.

NOT_RECEIVABLE = gettext_lazy(
    "No transfer to this cell is waiting for this card number. The sending cell issues the "
    "transfer (giấy giới thiệu sinh hoạt đảng); it then appears here to be received."
)


def _lock_transfer(transfer: Transfer) -> Transfer:
    member_services.lock_member(transfer.member)
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_cell", "from_cell__kind", "to_cell", "to_cell__kind")
        .get(pk=transfer.pk)
    )


def _still_pending(transfer: Transfer) -> None:
    if not transfer.is_pending:
        raise ValidationError(
            _("This transfer is no longer waiting (%(state)s, %(who)s).")
            % {"state": transfer.get_status_display(), "who": transfer.decided_by or "—"},
            code="decided",
        )


@transaction.atomic
def transfer_issue(*, member: Member, to_cell: Unit, actor, note: str = "", at=None) -> Transfer:
    """Issue the introduction letter: the person's current cell (or a committee above it)
    addresses them to `to_cell`, looked for in the areas the policy allows."""
    member = member_services.lock_member(member)
    current = member_services.current_membership(member)
    if current is None or not policy.can_issue_transfer(actor, member, from_cell=current.cell):
        raise PermissionDenied
    areas = policy.transfer_search_areas(current.cell)
    if not (
        to_cell.kind.is_cell
        and to_cell.is_active
        and areas
        and to_cell.path.startswith(areas[-1].path)
    ):
        raise ValidationError({"to_cell": _("Choose the receiving cell from the list.")})
    if to_cell.pk == current.cell_id:
        raise ValidationError(
            {"to_cell": _("%(name)s already belongs to this cell.") % {"name": member}}
        )
    if Transfer.objects.filter(member=member, status=Transfer.Status.PENDING).exists():
        raise ValidationError(
            _("A transfer of %(name)s is already waiting; withdraw it first.") % {"name": member},
            code="pending",
        )
    transfer = Transfer.objects.create(
        member=member,
        from_cell=current.cell,
        to_cell=to_cell,
        note=(note or "").strip()[:300],
        issued_by=actor,
        issued_at=at or timezone.now(),
    )
    audit_record(
        actor=actor,
        action="transfer.issue",
        target=member,
        summary=member.full_name,
        transfer=transfer.pk,
        from_cell=current.cell_id,
        to_cell=to_cell.pk,
    )
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: Transfer, actor, group: Unit | None = None, at=None) -> Transfer:
    """The receiving cell (or a committee above it) receives the person: from today they
    are in the new cell, which follows their open plan up (decisions waiting included)."""
    transfer = _lock_transfer(transfer)
    if not policy.can_accept_transfer(actor, transfer):
        _still_pending(transfer)
        raise PermissionDenied
    current = member_services.current_membership(transfer.member)
    if current is None or current.cell_id != transfer.from_cell_id:
        raise ValidationError(
            _(
                "%(name)s no longer belongs to the sending cell; this transfer cannot be "
                "received. Ask the sending side to withdraw it."
            )
            % {"name": transfer.member},
            code="moved",
        )
    at = at or timezone.now()
    on = timezone.localdate(at)
    member_services.member_transfer(
        member=transfer.member,
        to_cell=transfer.to_cell,
        to_group=group,
        on=on,
        actor=actor,
        note=transfer.note,
    )
    _end_roles_in(transfer.from_cell, transfer.member, actor=actor)
    transfer.status = Transfer.Status.ACCEPTED
    transfer.decided_by, transfer.decided_at, transfer.effective_on = actor, at, on
    transfer.save(update_fields=["status", "decided_by", "decided_at", "effective_on"])
    audit_record(
        actor=actor,
        action="transfer.accept",
        target=transfer.member,
        summary=transfer.member.full_name,
        transfer=transfer.pk,
        on=on.isoformat(),
    )
    return transfer


def _close(*, transfer: Transfer, actor, status: str, reason: str, at, allowed) -> Transfer:
    transfer = _lock_transfer(transfer)
    if not allowed(actor, transfer):
        _still_pending(transfer)
        raise PermissionDenied
    transfer.status = status
    transfer.decided_by, transfer.decided_at = actor, at or timezone.now()
    transfer.decision_note = (reason or "").strip()[:300]
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action=f"transfer.{status}",
        target=transfer.member,
        summary=transfer.member.full_name,
        transfer=transfer.pk,
    )
    return transfer


@transaction.atomic
def transfer_refuse(*, transfer: Transfer, actor, reason: str, at=None) -> Transfer:
    """The receiving side declines: the person stays where they are."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the transfer is refused.")})
    return _close(
        transfer=transfer,
        actor=actor,
        status=Transfer.Status.REFUSED,
        reason=reason,
        at=at,
        allowed=policy.can_accept_transfer,
    )


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, actor, reason: str = "", at=None) -> Transfer:
    """The sending side withdraws a transfer not yet received."""
    return _close(
        transfer=transfer,
        actor=actor,
        status=Transfer.Status.CANCELLED,
        reason=reason,
        at=at,
        allowed=policy.can_withdraw_transfer,
    )


@transaction.atomic
def roster_receive(
    *, cell: Unit, actor, card_number: str, group: Unit | None = None, at=None
) -> Member:
    """Receive by card number: answers only a pending transfer addressed to `cell`. Whether
    the card number is unknown, belongs to someone in another cell, or to someone who left,
    the answer is the same and says nothing about the person."""
    _require_manager(actor, cell)
    card = normalise_card_number(card_number)
    transfer = (
        Transfer.objects.filter(
            member__card_number=card, to_cell=cell, status=Transfer.Status.PENDING
        ).first()
        if card
        else None
    )
    if transfer is None or not policy.can_accept_transfer(actor, transfer):
        raise ValidationError({"card_number": NOT_RECEIVABLE}, code="not_receivable")
    return transfer_accept(transfer=transfer, actor=actor, group=group, at=at).member


def _end_roles_in(cell: Unit, member: Member, *, actor) -> int:
    """The person no longer belongs to `cell`: the roles they held in it (or in its party
    groups) end with it, in the same transaction. Roles elsewhere (an officer of a committee)
    are the administrators' to end. Returns how many ended."""
    if member.user_id is None:
        return 0
    roles = RoleAssignment.objects.filter(user_id=member.user_id, unit__path__startswith=cell.path)
    ended = sorted(f"{unit_id}:{role}" for unit_id, role in roles.values_list("unit_id", "role"))
    if ended:
        roles.delete()
        audit_record(
            actor=actor,
            action="member.roles_end",
            target=member,
            summary=member.full_name,
            cell=cell.pk,
            roles=ended,
        )
    return len(ended)


@transaction.atomic
def roster_leave(
    *, cell: Unit, actor, member: Member, on=None, reason: str = "left", note: str = ""
):
    """The person left the cell or died: their period closes and the roles they held in the
    cell end. Nobody records this about themselves."""
    _require_manager(actor, cell)
    member = _lock_in_cell(cell, member)
    if not policy.can_record_leaving(actor, cell, member):
        raise PermissionDenied
    period = member_services.member_leave(
        member=member, on=on, reason=reason, actor=actor, note=note
    )
    _end_roles_in(cell, member, actor=actor)
    return period


@transaction.atomic
def roster_reset_code(*, cell: Unit, actor, member: Member) -> str:
    """A one-time password reset code for a person of the cell who has forgotten the
    password (shown once to the secretary, who hands it over in person)."""
    _require_manager(actor, cell)
    member = _lock_in_cell(cell, member)
    return signin_services.reset_code_issue(actor=actor, person=member)


# --- The book of registrations -----------------------------------------------------------------

BOOK_TASK = "registry.cells.tasks.render_book"  # cells/tasks.py


def _require_printer(actor, cell: Unit) -> None:
    if not policy.can_print_cell_registers(actor, cell):
        raise PermissionDenied


@transaction.atomic
def book_order(*, cell: Unit, actor, year: int, at=None) -> RegistrationBook:
    """Order the cell's book of registrations for `year`; a worker renders it after the
    commit (`core.exports`). A book of the same year still waiting is not ordered twice."""
    _require_printer(actor, cell)
    Unit.objects.select_for_update().filter(pk=cell.pk).first()  # one order at a time
    waiting = (
        RegistrationBook.objects.filter(
            cell=cell,
            year=year,
            status__in=[RegistrationBook.Status.QUEUED, RegistrationBook.Status.RENDERING],
        )
        .order_by("-requested_at", "-id")
        .first()
    )
    if waiting is not None:
        return waiting
    book = RegistrationBook.objects.create(
        cell=cell, year=year, requested_by=actor, requested_at=at or timezone.now()
    )
    audit_record(actor=actor, action="book.order", target=book, year=year)
    exports.send_after_commit(RegistrationBook, BOOK_TASK, book.pk)
    return book


@transaction.atomic
def book_retry(*, book: RegistrationBook, actor) -> RegistrationBook:
    """Render a failed book again (the same row, so it is rendered once)."""
    book = RegistrationBook.objects.select_for_update().select_related("cell__kind").get(pk=book.pk)
    _require_printer(actor, book.cell)
    if book.status != RegistrationBook.Status.FAILED:
        raise ValidationError(_("Only a book that failed can be rendered again."))
    book.status = RegistrationBook.Status.QUEUED
    book.requested_at = timezone.now()
    book.save(update_fields=["status", "requested_at"])
    audit_record(actor=actor, action="book.retry", target=book)
    exports.send_after_commit(RegistrationBook, BOOK_TASK, book.pk)
    return book


def books_resend_stalled(*, now=None) -> int:
    return exports.resend_stalled(RegistrationBook, BOOK_TASK, now=now)


def book_render(*, book_id: int) -> RegistrationBook:
    """The worker's part: claim the book, render it, keep the file and the number of plans."""
    from .pdf import render_book_pdf

    def render(book):
        result = render_book_pdf(book)
        RegistrationBook.objects.filter(pk=book.pk).update(plan_count=book.plan_count)
        return result

    return exports.render_claimed(
        RegistrationBook,
        book_id,
        render=render,
        stored_name=lambda book: f"book-{book.cell_id}-{book.year}-{book.pk}.pdf",
        select_related=("cell__kind",),
    )
