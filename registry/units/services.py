"""Changes to the organisation tree. Each function is one transaction and checks its own
rules; views, imports and the seed loader all call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from registry.audit.services import audit_record, audit_record_many

from .models import Unit, UnitKind


def check_placement(kind: UnitKind, parent: Unit | None) -> None:
    if parent is not None and parent.kind.is_group:
        raise ValidationError(_("A party group cannot contain other units."))
    if kind.is_group and (parent is None or not parent.kind.is_cell):
        raise ValidationError(_("A party group must be placed directly under a cell."))
    if parent is not None and parent.kind.is_cell and not kind.is_group:
        raise ValidationError(_("Only party groups can be placed under a cell."))


def check_kind_change(unit: Unit, kind: UnitKind) -> None:
    """A unit may change kind only if what is below it still fits."""
    if not kind.is_cell and unit.memberships.current().exists():
        raise ValidationError(_("People belong to this cell; it must stay a cell."))
    probe = Unit(kind=kind)
    for child in Unit.objects.get_children(unit).select_related("kind"):
        check_placement(child.kind, probe)


@transaction.atomic
def unit_create(*, parent: Unit | None, kind: UnitKind, name: str, actor=None, **fields) -> Unit:
    check_placement(kind, parent)
    values = {"name": name.strip(), "kind": kind, **fields}
    if parent is None:
        unit = Unit.objects.add_root(values)
    else:
        unit = Unit.objects.add_child(parent, values)
    audit_record(actor=actor, action="unit.create", target=unit, summary=unit.name)
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit | None, actor=None) -> Unit:
    """Move a unit with its whole sub-tree. Paths below it are rewritten in the same
    transaction, so sub-tree queries stay right."""
    unit = Unit.objects.select_for_update().select_related("kind").get(pk=unit.pk)
    check_placement(unit.kind, new_parent)
    old_parent = Unit.objects.get_parent(unit)
    try:
        if new_parent is None:
            first_root = Unit.objects.filter(depth=1).order_by("path").first()
            Unit.objects.move(unit, first_root, pos="sorted-sibling")
        else:
            Unit.objects.move(unit, new_parent, pos="sorted-child")
    except InvalidMoveToDescendant:
        raise ValidationError(
            _("A unit cannot be moved under itself or one of its own units.")
        ) from None
    unit.refresh_from_db()
    audit_record(
        actor=actor,
        action="unit.move",
        target=unit,
        summary=unit.name,
        old_parent=old_parent.pk if old_parent else None,
        new_parent=new_parent.pk if new_parent else None,
    )
    return unit


@transaction.atomic
def groups_create_bulk(*, names_by_cell: dict[Unit, list[str]], kind: UnitKind, actor=None):
    """`unit_create` for many party groups at once (an imported roster names them): each
    cell's new groups, in name order, are placed after its present ones. One query finds the
    last child of every cell; the groups are inserted in bulk. Returns {(cell id, name): group}."""
    if not kind.is_group:
        raise ValidationError(_("A party group must be placed directly under a cell."))
    cells = [cell for cell, names in names_by_cell.items() if names]
    for cell in cells:
        check_placement(kind, cell)
    step = Unit.steplen
    last = {}
    for start in range(0, len(cells), 2000):
        chunk = cells[start : start + 2000]
        rows = (
            Unit.objects.filter(depth__in={c.depth + 1 for c in chunk})
            .annotate(parent_path=Substr("path", 1, Length("path") - step))
            .filter(parent_path__in=[c.path for c in chunk])
            .values("parent_path")
            .annotate(last=Max("path"), count=Count("id"))
        )
        last.update((r["parent_path"], (r["last"], r["count"])) for r in rows)
    created, counts = [], {}
    for cell in cells:
        last_path, _count = last.get(cell.path, (None, 0))
        number = Unit._str2int(last_path[-step:]) if last_path else 0
        names = sorted({name.strip() for name in names_by_cell[cell]})
        for offset, name in enumerate(names, start=1):
            created.append(
                Unit(
                    name=name,
                    kind=kind,
                    depth=cell.depth + 1,
                    numchild=0,
                    path=Unit._get_path(cell.path, cell.depth + 1, number + offset),
                )
            )
        counts[cell.pk] = len(names)
    Unit.objects.bulk_create(created, batch_size=2000)
    for cell in cells:
        Unit.objects.filter(pk=cell.pk).update(numchild=F("numchild") + counts[cell.pk])
    audit_record_many(actor=actor, action="unit.create", rows=((g, g.name, {}) for g in created))
    by_path = {cell.path: cell for cell in cells}
    return {(by_path[g.path[:-step]].pk, g.name): g for g in created}
