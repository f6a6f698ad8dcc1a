"""Every operation of the API, asked for a cell's objects by everybody outside it (a member of
another cell, the secretary of the cell next door, an officer of another district), with
their own valid tokens: 404 each time and nothing changed; the lists and the caller's own
page name nothing of the cell. Walks the OpenAPI schema, so a new operation is checked at
once (and one with a parameter this table cannot fill fails)."""

import pytest

from registry.access.models import RoleAssignment
from registry.api.endpoints import api as ninja_api

from ..access.test_every_url import database_state
from ..factories import UserFactory, approved_plan, at, give_role, make_member
from ..pledges.conftest import jpeg
from .conftest import Api, make_token

BODIES = {
    "/api/v1/plans/{plan_id}/draft": {"items": [{"action": "Việc của người ngoài"}]},
    "/api/v1/plans/{plan_id}/submit": {"commitment_confirmed": True},
    "/api/v1/plans/{plan_id}/items/{item_id}/reports/{quarter}": {"status": "done"},
}

# Operations that take files (multipart): a good file each.
UPLOADS = {"/api/v1/plans/{plan_id}/items/{item_id}/reports/{quarter}/evidence": jpeg}


@pytest.fixture
def cell_objects(tree, people, programme_2026):
    from registry.pledges import services

    plan = approved_plan(
        people.alice_member, people.alice, people.bob, items=("Học tập chuyên đề",)
    )
    item = plan.items.get()
    services.report_file(
        item=item, quarter=1, actor=people.alice, status="done", at=at(2026, 3, 20)
    )
    dave = UserFactory(username="dave")
    make_member(tree.far_cell, "Lò Thị Dung", user=dave)
    victor = UserFactory(username="victor")
    give_role(victor, tree.other_district, RoleAssignment.Role.OFFICER)
    return {
        "unit_id": tree.cell.pk,
        "member_id": people.alice_member.pk,
        "plan_id": plan.pk,
        "item_id": item.pk,
        "quarter": 1,
        "outsiders": [dave, people.charlie, victor],
        "district": tree.district.pk,
    }


def operations():
    schema = ninja_api.get_openapi_schema(path_prefix="/api/v1/")
    for path, methods in schema["paths"].items():
        for method in methods:
            yield path, method


def test_nobody_outside_the_cell_reaches_its_objects_through_the_api(cell_objects):
    clients = [Api(make_token(user)) for user in cell_objects["outsiders"]]
    for client in clients:
        assert client.get("/api/v1/me").status_code == 200  # the first use is recorded now
    before = database_state()
    leaks = []
    for path, method in operations():
        if "{" not in path:
            continue
        names = {"unit_id", "member_id", "plan_id", "item_id", "quarter"}
        url = path
        for name in names:
            url = url.replace("{" + name + "}", str(cell_objects[name]))
        assert "{" not in url, f"fill the parameters of {path} in this test"
        urls = [url]
        if path.endswith("/rollup"):  # the roll-up is a committee's: the cell's district
            urls.append(path.replace("{unit_id}", str(cell_objects["district"])))
        for target in urls:
            for client in clients:
                if method == "get":
                    response = client.get(target)
                elif path in UPLOADS:
                    response = client.upload(target, UPLOADS[path]())
                else:
                    response = getattr(client, method)(target, BODIES[path])
                if response.status_code != 404:
                    leaks.append(f"{method.upper()} {target}: {response.status_code}")
    assert leaks == []
    assert database_state() == before, "a refused request changed the database"


def test_the_lists_and_own_pages_show_outsiders_nothing_of_the_cell(cell_objects):
    for user in cell_objects["outsiders"]:
        client = Api(make_token(user))
        for path, method in operations():
            if "{" in path or method != "get":
                continue
            response = client.get(path)
            assert response.status_code == 200, path
            assert "Nguyễn Văn Đức" not in response.text
            assert "Học tập chuyên đề" not in response.text
            assert "Chi bộ Khối Đảng" not in response.text
