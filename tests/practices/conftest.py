from types import SimpleNamespace

import pytest

from registry.access.models import RoleAssignment

from ..factories import UserFactory, give_role, make_member, make_unit


@pytest.fixture
def world(tree, people):
    """The shared tree, with a third cell in Mường La (hana is its secretary) and two people
    of Vân Hồ: dave, a member of a cell there, and victor, an officer of its committee."""
    third_cell = make_unit("Chi bộ bản Hua Trai", "chi_bo_co_so", tree.district)
    for unit in vars(tree).values():  # siblings are kept in name order: paths may have moved
        unit.refresh_from_db()
    hana = UserFactory(username="hana")
    make_member(third_cell, "Lò Thị Hoa", user=hana)
    give_role(hana, third_cell, RoleAssignment.Role.SECRETARY)
    dave = UserFactory(username="dave")
    make_member(tree.far_cell, "Lò Thị Dung", user=dave)
    victor = UserFactory(username="victor")
    give_role(victor, tree.other_district, RoleAssignment.Role.OFFICER)
    return SimpleNamespace(
        **vars(tree), **vars(people), third_cell=third_cell, hana=hana, dave=dave, victor=victor
    )
