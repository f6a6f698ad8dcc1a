import pytest
from django.core.exceptions import ValidationError

from registry.audit.models import AuditEvent
from registry.members import selectors
from registry.units import services
from registry.units.models import Unit

from ..factories import kind, make_member, make_unit


def test_moving_a_district_carries_its_cells_and_members(tree):
    make_member(tree.cell, "A")
    make_member(tree.next_cell, "B")
    other_province = make_unit("Tỉnh ủy Hà Giang", "tinh_uy")

    services.unit_move(unit=tree.district, new_parent=other_province)

    tree.cell.refresh_from_db()
    tree.group1.refresh_from_db()
    other_province.refresh_from_db()
    assert tree.cell.path.startswith(other_province.path)
    assert tree.group1.path.startswith(tree.cell.path)
    assert selectors.unit_member_counts(unit=other_province).party_members == 2
    assert selectors.unit_member_counts(unit=Unit.objects.get(pk=tree.province.pk)).total == 0
    assert AuditEvent.objects.filter(action="unit.move", target_id=str(tree.district.pk)).exists()
    # treebeard's own consistency check: paths, depths and child counts agree
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_a_unit_cannot_move_under_its_own_subtree(tree):
    with pytest.raises(ValidationError):
        services.unit_move(unit=tree.district, new_parent=tree.next_cell)
    with pytest.raises(ValidationError):
        services.unit_move(unit=tree.province, new_parent=tree.other_district)


@pytest.mark.parametrize(
    ("child_kind", "parent_attr", "message"),
    [
        ("to_dang", "district", "Tổ đảng phải trực thuộc một chi bộ."),
        ("chi_bo_truc_thuoc", "cell", "Dưới chi bộ chỉ có tổ đảng."),
        ("to_dang", "group1", "Tổ đảng không có đơn vị trực thuộc."),
    ],
)
def test_placement_rules_are_refused_in_vietnamese(tree, child_kind, parent_attr, message):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(parent=getattr(tree, parent_attr), kind=kind(child_kind), name="X")
    assert message in exc.value.messages
