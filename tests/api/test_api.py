"""The JSON API: reach, tokens, pages by cursor, rate limits, errors, and a member's plan and
report written through it and seen by the secretary on the site."""

import datetime
import hashlib

import time_machine
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from registry.api.models import AccessToken
from registry.pledges import services as plans
from registry.units.models import Unit

from ..factories import approved_plan, at, make_unit, pass_second_factor, submitted_plan
from .conftest import Api, make_token


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["loi"]


def test_a_member_reads_their_own_plan_and_gets_404_for_another_cells(
    people, programme_2026, api_as
):
    own = approved_plan(people.alice_member, people.alice, people.bob, items=("Học tập",))
    theirs = submitted_plan(people.charlie_member, people.charlie, items=("Trồng cây",))
    api = api_as(people.alice)

    mine = api.get(f"/api/v1/plans/{own.pk}")
    assert mine.status_code == 200
    assert mine.json()["items"][0]["action"] == "Học tập"

    response = api.get(f"/api/v1/plans/{theirs.pk}")
    assert response.status_code == 404
    loi = error_of(response)
    assert loi["ma"] == "khong_tim_thay"
    assert loi["thong_diep"] == "Không tìm thấy, hoặc nằm ngoài phạm vi của đồng chí."
    listed = api.get("/api/v1/plans").json()["items"]
    assert [p["id"] for p in listed] == [own.pk]


def test_a_secretary_reads_the_cell_but_not_the_cell_next_door(tree, people, api_as):
    api = api_as(people.bob)
    assert api.get(f"/api/v1/units/{tree.cell.pk}").json()["name"] == "Chi bộ Khối Đảng"
    names = [
        m["full_name"] for m in api.get(f"/api/v1/units/{tree.cell.pk}/members").json()["items"]
    ]
    assert sorted(names) == ["Lò Văn Thắng", "Nguyễn Văn Đức"]
    assert api.get(f"/api/v1/units/{tree.next_cell.pk}").status_code == 404
    assert api.get(f"/api/v1/units/{tree.next_cell.pk}/members").status_code == 404
    assert api.get(f"/api/v1/members/{people.charlie_member.pk}").status_code == 404
    assert api.get(f"/api/v1/members/{people.alice_member.pk}").json()["cell_id"] == tree.cell.pk
    # The district's figures are the officer's, not the cell secretary's.
    assert api.get(f"/api/v1/units/{tree.district.pk}/rollup").status_code == 404


def test_an_officer_reads_the_districts_figures_and_roll_up(tree, people, programme_2026, api_as):
    approved_plan(people.alice_member, people.alice, people.bob)
    api = api_as(people.olga)
    figures = api.get(f"/api/v1/units/{tree.district.pk}/figures", year=2026, quarter=1)
    assert figures.status_code == 200
    assert figures.json()["figures"]["members"] == 3
    assert {c["unit"]["id"] for c in figures.json()["children"]} >= {tree.cell.pk}
    rollup = api.get(f"/api/v1/units/{tree.district.pk}/rollup", year=2026, quarter=1).json()
    line = next(line for line in rollup["lines"] if line["unit"]["id"] == tree.cell.pk)
    assert line["figures"]["registered"] == 1
    assert rollup["total"]["figures"]["members"] == 3
    assert api.get(f"/api/v1/units/{tree.cell.pk}/rollup").status_code == 404  # a cell has none


def test_a_revoked_token_and_an_expired_one_are_refused(people):
    secret = make_token(people.alice)
    api = Api(secret)
    assert api.get("/api/v1/me").status_code == 200
    token = AccessToken.objects.get(user=people.alice)
    from registry.api.services import token_revoke

    token_revoke(token=token, actor=people.alice)
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert error_of(response)["ma"] == "chua_xac_thuc"
    assert response["WWW-Authenticate"].startswith("Bearer")

    old = Api(make_token(people.alice, days=30, at=at(2026, 1, 1)))
    assert old.get("/api/v1/me").status_code == 401  # it expired on 31/01/2026
    assert Api(secret[:-2] + "xx").get("/api/v1/me").status_code == 401
    assert Api("lt_nothing_here").get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_the_secret_is_kept_only_as_its_digest(people):
    secret = make_token(people.alice)
    token = AccessToken.objects.get(user=people.alice)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    secret_part = secret.split("_", 2)[2]
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        for row in model._default_manager.values_list(*text_fields) if text_fields else []:
            assert not any(secret_part in str(value) for value in row), model


def test_the_last_use_is_recorded(people):
    api = Api(make_token(people.alice))
    assert AccessToken.objects.get().last_used_at is None
    api.get("/api/v1/me")
    assert AccessToken.objects.get().last_used_at is not None


def test_cursor_pages_walk_a_list_without_repeats_or_gaps_while_rows_are_added(
    tree, people, api_as
):
    for n in range(7):
        make_unit(f"Chi bộ thôn {n:02}", "chi_bo_co_so", tree.district)
    api = api_as(people.olga)
    seen, cursor, added = [], None, 0
    while True:
        page = api.get("/api/v1/units", limit=3, **({"cursor": cursor} if cursor else {})).json()
        assert len(page["items"]) <= 3
        seen += [u["id"] for u in page["items"]]
        if added < 2:  # a unit added before the rows already read, and one after them
            make_unit(f"Chi bộ mới {added}", "chi_bo_co_so", tree.district)
            added += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "a unit came twice"
    everything = set(
        Unit.objects.filter(path__startswith=tree.district.path).values_list("pk", flat=True)
    )
    # Every unit there was at the start is listed; those added show if they sort after the
    # page being read, never twice.
    assert everything - set(seen) <= set(
        Unit.objects.filter(name__startswith="Chi bộ mới").values_list("pk", flat=True)
    )
    first = api.get("/api/v1/units", limit=3).json()["next_cursor"]
    assert api.get("/api/v1/units", limit=3, cursor=first).status_code == 200


def test_a_cursor_not_given_by_the_api_is_refused_in_vietnamese(people, api_as):
    api = api_as(people.olga)
    for bad in ("abc", "%%%", "eyJ4Ijoi", "a" * 1999):
        response = api.get("/api/v1/units", cursor=bad)
        assert response.status_code == 400
        assert "con trỏ" in error_of(response)["thong_diep"]
    assert api.get("/api/v1/units", limit=0).status_code == 422
    assert api.get("/api/v1/units", limit=101).status_code == 422


def test_the_rate_limit_answers_429_with_retry_after(people, settings):
    settings.API_RATE_PER_MINUTE = 3
    api = Api(make_token(people.alice))
    other = Api(make_token(people.bob))
    with time_machine.travel(at(2026, 5, 4, 10), tick=False):
        assert [api.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
        refused = api.get("/api/v1/me")
        assert refused.status_code == 429
        assert error_of(refused)["ma"] == "qua_nhieu_yeu_cau"
        assert 1 <= int(refused["Retry-After"]) <= 61
        assert other.get("/api/v1/me").status_code == 200  # each token counts alone
    with time_machine.travel(at(2026, 5, 4, 10) + datetime.timedelta(minutes=1)):
        assert api.get("/api/v1/me").status_code == 200


def test_a_member_writes_a_plan_and_a_report_the_secretary_sees_on_the_page(
    tree, people, programme_2026, api_as, login
):
    with time_machine.travel(at(2026, 2, 15), tick=True):
        api = api_as(people.alice)
        created = api.post("/api/v1/plans", {"year": 2026})
        assert created.status_code == 201, created.content
        plan_id = created.json()["id"]
        assert api.post("/api/v1/plans", {"year": 2026}).status_code == 409

        draft = api.put(
            f"/api/v1/plans/{plan_id}/draft",
            {
                "study_content": "Chuyên đề năm 2026",
                "items": [
                    {
                        "action": "Giúp hai hộ nghèo làm chuồng trại",
                        "target_value": "2",
                        "target_unit": "hộ",
                    },
                    {"action": "Đọc sách về Bác", "quarter": 2},
                ],
            },
        )
        assert draft.status_code == 200, draft.content
        assert draft.json()["items"][0]["action"] == "Giúp hai hộ nghèo làm chuồng trại"

        unconfirmed = api.post(f"/api/v1/plans/{plan_id}/submit", {"commitment_confirmed": False})
        assert unconfirmed.status_code == 400
        assert error_of(unconfirmed)["chi_tiet"][0]["truong"] == "commitment_confirmed"
        submitted = api.post(f"/api/v1/plans/{plan_id}/submit", {"commitment_confirmed": True})
        assert submitted.json()["status"] == "submitted"
        again = api.post(f"/api/v1/plans/{plan_id}/submit", {"commitment_confirmed": True})
        assert again.status_code == 409
        assert error_of(again)["ma"] == "xung_dot_trang_thai"

        page = pass_second_factor(Client(), people.bob).get(
            reverse("pledges:detail", kwargs={"pk": plan_id})
        )
        assert "Giúp hai hộ nghèo làm chuồng trại" in page.text

    plan = plans.plan_approve(
        plan=plans.Plan.objects.get(pk=plan_id), actor=people.bob, at=at(2026, 2, 16)
    )
    item = plan.items.order_by("position").first()
    with time_machine.travel(at(2026, 3, 20), tick=True):
        filed = api.put(
            f"/api/v1/plans/{plan_id}/items/{item.pk}/reports/1",
            {"status": "in_progress", "value_reached": "1", "account": "Đã giúp một hộ"},
        )
        assert filed.status_code == 200, filed.content
        assert filed.json()["items"][0]["reports"][0]["account"] == "Đã giúp một hộ"
        page = pass_second_factor(Client(), people.bob).get(
            reverse("cells:dashboard", kwargs={"pk": tree.cell.pk})
        )
        assert "Nguyễn Văn Đức" in page.text
        detail = pass_second_factor(Client(), people.bob).get(
            reverse("pledges:detail", kwargs={"pk": plan_id})
        )
        assert "Đã giúp một hộ" in detail.text
        # Quarter IV has not started: the service's refusal, in Vietnamese.
        early = api.put(
            f"/api/v1/plans/{plan_id}/items/{item.pk}/reports/4", {"status": "in_progress"}
        )
        assert early.status_code == 400
        assert "Quý IV" in error_of(early)["thong_diep"]


def test_a_member_cannot_write_another_members_plan(people, programme_2026, api_as):
    plan = submitted_plan(people.bob_member, people.bob)
    api = api_as(people.alice)
    assert (
        api.put(f"/api/v1/plans/{plan.pk}/draft", {"items": [{"action": "x"}]}).status_code == 404
    )
    assert (
        api.post(f"/api/v1/plans/{plan.pk}/submit", {"commitment_confirmed": True}).status_code
        == 404
    )
    item = plan.items.get()
    response = api.put(f"/api/v1/plans/{plan.pk}/items/{item.pk}/reports/1", {"status": "done"})
    assert response.status_code == 404
    # The secretary next door does not even read it.
    assert api_as(people.charlie).get(f"/api/v1/plans/{plan.pk}").status_code == 404


def test_bad_input_gets_an_answer_in_vietnamese_never_a_crash(people, programme_2026, api_as):
    api = api_as(people.alice)
    invalid = api.post("/api/v1/plans", {"year": "hai nghìn"})
    assert invalid.status_code == 422
    loi = error_of(invalid)
    assert loi["ma"] == "du_lieu_khong_hop_le"
    assert loi["chi_tiet"] == [
        {"truong": "body.data.year", "thong_diep": "Giá trị này không đúng kiểu."}
    ]
    assert api.post("/api/v1/plans", {"year": 99999}).status_code == 400
    assert api.post("/api/v1/plans", {"year": 0}).status_code == 400
    assert api.get("/api/v1/plans", year=99999).status_code == 404
    assert api.get("/api/v1/plans", year=0).status_code == 404
    assert api.get("/api/v1/plans/99999999999999999999").status_code == 422
    assert api.get("/api/v1/units/0").status_code == 422
    nul = api.get("/api/v1/units", cursor="a\x00b")
    assert nul.status_code == 400
    assert error_of(nul)["ma"] == "yeu_cau_khong_hop_le"
    plan = api.post("/api/v1/plans", {"year": 2026}).json()
    nul_body = api.put(f"/api/v1/plans/{plan['id']}/draft", {"items": [{"action": "Học\u0000tập"}]})
    assert nul_body.status_code == 422
    broken = api.client.post(
        "/api/v1/plans", "{not json", content_type="application/json", headers=api.headers
    )
    assert broken.status_code in (400, 422)
    assert error_of(broken)["thong_diep"]
    unknown = api.get("/api/v1/nothing-here")
    assert unknown.status_code == 404 and error_of(unknown)["ma"] == "khong_tim_thay"
    wrong_method = api.client.delete("/api/v1/me", headers=api.headers)
    assert wrong_method.status_code == 405
    assert error_of(wrong_method)["ma"] == "phuong_thuc_khong_ho_tro"
    other_standard = api.put(
        f"/api/v1/plans/{plan['id']}/draft", {"items": [{"action": "Học", "standards": [999]}]}
    )
    assert other_standard.status_code == 400


def test_the_sites_own_session_works_with_csrf_for_changes(people, programme_2026):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.alice)
    assert client.get("/api/v1/me").json()["member"]["full_name"] == "Nguyễn Văn Đức"
    refused = client.post("/api/v1/plans", {"year": 2026}, content_type="application/json")
    assert refused.status_code == 403
    assert error_of(refused)["ma"] == "khong_duoc_phep"
    client.get(reverse("pledges:my_plan"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    created = client.post(
        "/api/v1/plans",
        {"year": 2026},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert created.status_code == 201


def test_a_session_that_owes_the_second_step_is_answered_in_json(people, login):
    client = login(people.bob)  # a secretary: the sign-in leaves the second step owed
    from registry.signin.middleware import PENDING_STEP

    session = client.session
    session[PENDING_STEP] = "setup"
    session.save()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "bước" in error_of(response)["thong_diep"]


def test_the_schema_and_docs_are_at_stable_addresses(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/plans/{plan_id}" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_a_party_groups_people_are_those_in_it(tree, people, api_as):
    api = api_as(people.bob)
    listed = api.get(f"/api/v1/units/{tree.group2.pk}/members").json()["items"]
    assert [m["full_name"] for m in listed] == ["Nguyễn Văn Đức"]
    assert api.get(f"/api/v1/units/{tree.group2.pk}/figures").status_code == 404
