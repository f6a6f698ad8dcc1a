"""Changes to people and their membership periods. One transaction each; every change is
written to the audit trail."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit.services import audit_record, audit_record_many
from registry.core import bulk, stale
from registry.units.models import Unit

from .models import Member, Membership, Transfer, name_columns, normalise_card_number


def _check_cell_and_group(cell: Unit, group: Unit | None) -> None:
    if not cell.kind.is_cell:
        raise ValidationError({"cell": _("“%(unit)s” is not a cell.") % {"unit": cell}})
    if group is not None and (not group.kind.is_group or not group.path.startswith(cell.path)):
        raise ValidationError(
            {
                "group": _("“%(group)s” is not a party group of “%(cell)s”.")
                % {"group": group, "cell": cell}
            }
        )


@transaction.atomic
def member_create(
    *,
    cell: Unit,
    group: Unit | None = None,
    since: datetime.date | None = None,
    actor=None,
    **fields,
) -> Member:
    """Record a person and open their first period in `cell`."""
    _check_cell_and_group(cell, group)
    member = Member(**fields)
    member.full_clean()
    member.save()
    period = Membership.objects.create(
        member=member, cell=cell, group=group, start_date=since or timezone.localdate()
    )
    mark_figures_since(member=member, on=period.start_date)
    audit_record(
        actor=actor, action="member.create", target=member, summary=member.full_name, cell=cell.pk
    )
    return member


def mark_figures(*, member_ids, years) -> None:
    """The kept figures of the cells these people were in during these years need
    recomputing (call inside the transaction that changed something they count)."""
    years = sorted(set(years))
    if not years:
        return
    cells = (
        Membership.objects.during(datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31))
        .filter(member_id__in=list(member_ids))
        .values_list("cell_id", flat=True)
        .distinct()
    )
    stale.mark(set(cells), years)


def mark_figures_since(*, member: Member, on: datetime.date) -> None:
    """A change to the person's periods from `on`: every year from then on (and next
    year's plans, registered in advance) counts them differently."""
    mark_figures(member_ids=[member.pk], years=range(on.year, timezone.localdate().year + 2))


def current_membership(member: Member) -> Membership | None:
    return member.memberships.current().select_related("cell", "group").first()


def lock_member(member: Member) -> Member:
    """Lock the person's row for the rest of the transaction: every change of membership
    takes this lock first, so two changes to one person happen one after the other."""
    return Member.objects.select_for_update().get(pk=member.pk)


@transaction.atomic
def member_transfer(
    *,
    member: Member,
    to_cell: Unit,
    to_group: Unit | None = None,
    on: datetime.date | None = None,
    actor=None,
    note: str = "",
) -> Membership:
    """Chuyển sinh hoạt đảng: close the current period and open one in `to_cell`."""
    _check_cell_and_group(to_cell, to_group)
    member = lock_member(member)
    on = on or timezone.localdate()
    current = current_membership(member)
    if current is not None:
        if current.cell_id == to_cell.pk:
            raise ValidationError(_("%(name)s already belongs to this cell.") % {"name": member})
        if on < current.start_date:
            raise ValidationError(_("The transfer date is before the start of the current period."))
        current.end_date = on
        current.end_reason = Membership.EndReason.TRANSFER
        current.save(update_fields=["end_date", "end_reason"])
    new = Membership.objects.create(
        member=member, cell=to_cell, group=to_group, start_date=on, note=note
    )
    mark_figures_since(member=member, on=on)
    audit_record(
        actor=actor,
        action="member.transfer",
        target=member,
        summary=member.full_name,
        from_cell=current.cell_id if current else None,
        to_cell=to_cell.pk,
        on=on.isoformat(),
    )
    return new


@transaction.atomic
def member_set_group(
    *, member: Member, group: Unit | None, on: datetime.date | None = None, actor=None
) -> Membership:
    """Move the person to another party group of the same cell from `on` (today by default):
    a dated period like a transfer, so figures of earlier days keep the old group. A change
    dated on the first day of the current period corrects that period instead."""
    member = lock_member(member)
    current = current_membership(member)
    if current is None:
        raise ValidationError(_("%(name)s does not belong to any cell now.") % {"name": member})
    _check_cell_and_group(current.cell, group)
    on = on or timezone.localdate()
    if on < current.start_date:
        raise ValidationError({"on": _("The date is before the start of the current period.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if current.group_id == (group.pk if group else None):
        return current
    if on == current.start_date:
        current.group = group
        current.save(update_fields=["group"])
        new = current
    else:
        current.end_date, current.end_reason = on, Membership.EndReason.REGROUP
        current.save(update_fields=["end_date", "end_reason"])
        new = Membership.objects.create(
            member=member, cell=current.cell, group=group, start_date=on
        )
    audit_record(
        actor=actor,
        action="member.set_group",
        target=member,
        group=group.pk if group else None,
        on=on.isoformat(),
    )
    return new


@transaction.atomic
def member_set_key_official(*, member: Member, value: bool, actor=None) -> Member:
    """Mark the person as a key official (cán bộ chủ chốt, người đứng đầu) or not."""
    member = lock_member(member)
    if member.is_key_official == bool(value):
        return member
    member.is_key_official = bool(value)
    member.save(update_fields=["is_key_official", "updated_at"])
    audit_record(actor=actor, action="member.key_official", target=member, value=bool(value))
    # Pages that show key officials apart read this flag (`core.pagecache`).
    mark_figures(member_ids=[member.pk], years=[timezone.localdate().year])
    return member


@transaction.atomic
def member_leave(
    *,
    member: Member,
    on: datetime.date | None = None,
    reason: str = "left",
    actor=None,
    note: str = "",
) -> Membership:
    """Close the person's open period without opening another (left the cell, deceased)."""
    if reason not in (Membership.EndReason.LEFT, Membership.EndReason.DECEASED):
        raise ValidationError({"reason": _("Choose why the person leaves the cell.")})
    member = lock_member(member)
    current = current_membership(member)
    if current is None:
        raise ValidationError(_("%(name)s does not belong to any cell now.") % {"name": member})
    on = on or timezone.localdate()
    if on < current.start_date:
        raise ValidationError({"on": _("The date is before the start of the current period.")})
    current.end_date, current.end_reason = on, reason
    if note:
        current.note = note[:300]
    current.save(update_fields=["end_date", "end_reason", "note"])
    # A transfer still waiting can no longer be received: it is withdrawn with the leaving.
    Transfer.objects.filter(member=member, status=Transfer.Status.PENDING).update(
        status=Transfer.Status.CANCELLED,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=timezone.now(),
    )
    mark_figures_since(member=member, on=on)
    audit_record(
        actor=actor,
        action="member.leave",
        target=member,
        cell=current.cell_id,
        reason=reason,
        on=on.isoformat(),
    )
    return current


# Bulk forms of the services above, for an imported roster (`rosters.services`): the same
# rules, a fixed number of statements for any number of people. The caller runs them in its
# own transaction and has checked each row (card, dates, citizen ID) beforehand.

BULK_BATCH = 2000
# The columns `Member.derive_columns` sets, in the order a bulk row gives them.
_DERIVED = ("full_name", "search_name", "sort_name", "card_number", "citizen_id")


def lock_members(member_ids) -> None:
    """`lock_member` for many people: their rows stay locked until the transaction ends."""
    ids = sorted(set(member_ids))
    for start in range(0, len(ids), 20_000):
        list(
            Member.objects.select_for_update()
            .filter(pk__any=ids[start : start + 20_000])
            .values_list("pk", flat=True)
        )


@transaction.atomic
def members_create_bulk(
    *, people: list[tuple[dict, Unit, Unit | None]], since: datetime.date, actor=None, **audit
) -> list[Member]:
    """`member_create` for many people: each `(fields, cell, group)` is recorded and opens
    its first period in `cell` (and `group`) from `since`. Written from plain rows (the
    derived columns as `Member.derive_columns` sets them), not model instances; returns the
    new people's ids in the order of `people`."""
    checked = set()
    for _fields, cell, group in people:
        key = (cell.pk, group.pk if group else None)
        if key not in checked:
            _check_cell_and_group(cell, group)
            checked.add(key)
    others = sorted({name for fields, _cell, _group in people for name in fields} - set(_DERIVED))
    meta = Member._meta
    missing = tuple(meta.get_field(name).get_default() for name in others)
    rows, names = [], []
    for fields, _cell, _group in people:
        full_name, search_name, sort_name = name_columns(fields.get("full_name", ""))
        card = fields.get("card_number")
        rows.append(
            (
                full_name,
                search_name,
                sort_name,
                (normalise_card_number(card) or card) if card else None,
                fields.get("citizen_id") or None,
                *(fields.get(name, default) for name, default in zip(others, missing, strict=True)),
            )
        )
        names.append(full_name)
    ids = bulk.insert_rows(Member, [*_DERIVED, *others], rows)
    bulk.insert_rows(
        Membership,
        ["member_id", "cell_id", "group_id", "start_date"],
        [
            (pk, cell.pk, group.pk if group else None, since)
            for pk, (_fields, cell, group) in zip(ids, people, strict=True)
        ],
    )
    cells = {cell.pk for _fields, cell, _group in people}
    stale.mark(cells, range(since.year, timezone.localdate().year + 2))
    audit_record_many(
        actor=actor,
        action="member.create",
        model=Member,
        rows=(
            (pk, name, {"cell": cell.pk, **audit})
            for pk, name, (_fields, cell, _group) in zip(ids, names, people, strict=True)
        ),
    )
    return ids


@transaction.atomic
def members_update_bulk(*, changes: list[tuple[Member, dict]], actor=None, **audit) -> list[Member]:
    """Correct the record of many people at once (`changes`: each person with the fields that
    change and their new values)."""
    if not changes:
        return []
    names = {"search_name", "sort_name", "updated_at"}
    now = timezone.now()
    for member, fields in changes:
        for name, value in fields.items():
            setattr(member, name, value)
        member.derive_columns()
        member.updated_at = now
        names.update(fields)
    members = [member for member, _fields in changes]
    Member.objects.bulk_update(members, sorted(names), batch_size=BULK_BATCH)
    # A status or a date may change what the figures count, this year and next.
    mark_figures(
        member_ids=[m.pk for m in members],
        years=[timezone.localdate().year, timezone.localdate().year + 1],
    )
    audit_record_many(
        actor=actor,
        action="member.update",
        rows=(
            (member, member.full_name, {"fields": sorted(fields), **audit})
            for member, fields in changes
        ),
    )
    return members


@transaction.atomic
def members_set_group_bulk(
    *, moves: list[tuple[Membership, Unit | None]], on: datetime.date, actor=None, **audit
) -> int:
    """`member_set_group` for many people: each current period of `moves` goes to its new party
    group of the same cell from `on` (a period that started on `on` is corrected instead)."""
    closed, opened, corrected = [], [], []
    for period, group in moves:
        _check_cell_and_group(period.cell, group)
        if on < period.start_date:
            raise ValidationError({"on": _("The date is before the start of the current period.")})
        if period.group_id == (group.pk if group else None):
            continue
        if on == period.start_date:
            period.group = group
            corrected.append(period)
        else:
            period.end_date, period.end_reason = on, Membership.EndReason.REGROUP
            closed.append(period)
            opened.append(
                Membership(member_id=period.member_id, cell=period.cell, group=group, start_date=on)
            )
    Membership.objects.bulk_update(corrected, ["group"], batch_size=BULK_BATCH)
    Membership.objects.bulk_update(closed, ["end_date", "end_reason"], batch_size=BULK_BATCH)
    Membership.objects.bulk_create(opened, batch_size=BULK_BATCH)
    moved = corrected + opened
    audit_record_many(
        actor=actor,
        action="member.set_group",
        rows=(
            (Member(pk=p.member_id), "", {"group": p.group_id, "on": on.isoformat(), **audit})
            for p in moved
        ),
    )
    return len(moved)
