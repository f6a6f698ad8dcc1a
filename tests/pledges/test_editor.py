"""The plan editor on a phone: folded item cards, standards grouped by the level that set them,
a quarter or a date when asked, reordering by buttons, and the draft saved while typing
through the same service, never over a newer version."""

import datetime
import json
import re

import pytest
import time_machine
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from registry.pledges import services
from registry.pledges.forms import fitting_rows
from registry.pledges.models import Plan
from registry.signin.middleware import PENDING_STEP
from registry.units.models import EthicalStandard

from ..factories import PASSWORD

TZ = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def february():
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=TZ), tick=False):
        yield


@pytest.fixture
def plan(people, programme_2026):
    plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
    return services.plan_save(
        plan=plan,
        actor=people.alice,
        study_content="Chuyên đề năm 2026",
        items=[
            {"action": "Dự sinh hoạt chi bộ đầy đủ", "quarter": 4},
            {"action": "Giải quyết hồ sơ đúng hạn", "target_value": 100, "target_unit": "%"},
            {"action": "Hướng dẫn đảng viên trẻ", "quarter": 2},
        ],
    )


def form_data(plan, items=None, study="Chuyên đề năm 2026", **extra):
    """The editor's form as the page sends it: every stored item in order, or `items`."""
    if items is None:
        items = [
            {"id": i.pk, "action": i.action, "quarter": i.quarter or ""}
            for i in plan.items.order_by("position")
        ]
    data = {
        "version": services.plan_version(plan),
        "study_content": study,
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": "0",
        **extra,
    }
    for n, item in enumerate(items):
        for name, value in item.items():
            data[f"items-{n}-{name}"] = value
        data.setdefault(f"items-{n}-ORDER", str(n + 1))
    return data


def autosave(client, plan, data):
    return client.post(reverse("pledges:autosave", args=[plan.pk]), data)


def actions(plan):
    return list(plan.items.order_by("position").values_list("action", flat=True))


def test_autosave_saves_the_draft_through_the_service_and_names_the_new_items(login, people, plan):
    client = login(people.alice)
    items = [{"id": i.pk, "action": i.action + " (sửa)"} for i in plan.items.order_by("position")]
    items.append({"action": "Việc mới đang gõ", "measures": "Mỗi tháng một lần"})
    response = autosave(client, plan, form_data(plan, items))
    assert response.status_code == 200
    answer = response.json()
    assert answer["saved"] is True
    assert answer["at"] == "09:00"
    plan.refresh_from_db()
    assert actions(plan)[-1] == "Việc mới đang gõ"
    assert actions(plan)[0] == "Dự sinh hoạt chi bộ đầy đủ (sửa)"
    new = plan.items.get(action="Việc mới đang gõ")
    assert answer["ids"]["items-3"] == new.pk  # the page writes it in: no duplicate next time
    assert answer["version"] == services.plan_version(plan)

    # The next save from the page, with the id and version it was given, makes no duplicate.
    items[-1]["id"] = new.pk
    data = form_data(plan, items)
    data["version"] = answer["version"]
    assert autosave(client, plan, data).json()["saved"] is True
    assert plan.items.count() == 4


def test_autosave_of_another_persons_plan_is_not_found(login, people, plan):
    client = login(people.bob)
    response = autosave(client, plan, form_data(plan, [{"action": "Ghi đè của người khác"}]))
    assert response.status_code == 404
    assert "Ghi đè của người khác" not in actions(plan)


def test_autosave_refuses_a_submitted_plan(login, people, plan):
    services.plan_submit(plan=plan, actor=people.alice, commitment_confirmed=True)
    plan.refresh_from_db()
    client = login(people.alice)
    response = autosave(client, plan, form_data(plan, [{"action": "Sửa sau khi nộp"}]))
    assert response.status_code == 409
    assert response.json()["saved"] is False
    assert "Chờ chi bộ duyệt" in response.json()["error"]
    assert "Sửa sau khi nộp" not in actions(plan)


def test_autosave_keeps_nothing_half_written_when_one_item_is_wrong(login, people, plan):
    client = login(people.alice)
    before = actions(plan)
    stored = list(plan.items.order_by("position"))
    items = [
        {"id": stored[0].pk, "action": "Việc 1 đã sửa"},
        {"id": stored[1].pk, "action": stored[1].action, "exact_date": "on"},
        {"id": stored[2].pk, "action": stored[2].action},
    ]
    items[1]["deadline"] = "2027-01-05"  # outside the plan's year
    response = autosave(client, plan, form_data(plan, items, study="Nội dung mới"))
    assert response.status_code == 400
    answer = response.json()
    assert answer["saved"] is False
    assert answer["items"] == ["items-1"]
    assert "2026" in answer["error"]
    plan.refresh_from_db()
    assert actions(plan) == before
    assert plan.study_content == "Chuyên đề năm 2026"

    # What only the service can refuse (an item with reports removed) rolls back the rest.
    services.plan_submit(plan=plan, actor=people.alice, commitment_confirmed=True)
    services.plan_approve(plan=plan, actor=people.bob)
    services.report_file(
        item=stored[2],
        quarter=1,
        actor=people.alice,
        status="in_progress",
        value_reached=None,
        account="Đã hướng dẫn một buổi",
        reason="",
        files=[],
    )
    services.plan_request_amendment(plan=plan, actor=people.alice, reason="Thêm việc")
    plan.refresh_from_db()
    items = [
        {"id": stored[0].pk, "action": "Việc 1 đã sửa"},
        {"id": stored[1].pk, "action": stored[1].action},
        {"id": stored[2].pk, "action": stored[2].action, "DELETE": "on"},
    ]
    response = autosave(client, plan, form_data(plan, items, study="Nội dung mới"))
    assert response.status_code == 400
    assert "đã có báo cáo kết quả nên không thể xóa" in response.json()["error"]
    plan.refresh_from_db()
    assert actions(plan) == before
    assert plan.study_content == "Chuyên đề năm 2026"


def test_a_stale_page_does_not_overwrite_a_newer_version(login, people, plan):
    client = login(people.alice)
    opened = form_data(plan)  # the page on the phone, opened first
    # Meanwhile the plan is saved from a desk.
    with time_machine.travel(datetime.datetime(2026, 2, 1, 10, 5, tzinfo=TZ), tick=False):
        desk = form_data(plan, [{"id": plan.items.first().pk, "action": "Bản ở máy bàn"}])
        assert autosave(client, plan, desk).json()["saved"] is True
    opened["items-0-action"] = "Bản ở điện thoại"
    response = autosave(client, plan, opened)
    assert response.status_code == 409
    answer = response.json()
    assert answer["stale"] is True
    assert "10:05 01/02/2026" in answer["error"]
    assert actions(plan) == ["Bản ở máy bàn"]

    # The page's own save says so and keeps the typed text; saving again is deliberate.
    response = client.post(reverse("pledges:edit", args=[plan.pk]), {**opened, "save": "1"})
    assert response.status_code == 200
    assert "10:05 01/02/2026" in response.text
    assert "Bản ở điện thoại" in response.text
    assert actions(plan) == ["Bản ở máy bàn"]
    version = re.search(r'name="version" value="(\d+)"', response.text).group(1)
    response = client.post(
        reverse("pledges:edit", args=[plan.pk]), {**opened, "version": version, "save": "1"}
    )
    assert response.status_code == 302
    assert actions(plan)[0] == "Bản ở điện thoại"


def test_autosave_without_a_version_is_refused(login, people, plan):
    client = login(people.alice)
    data = form_data(plan)
    del data["version"]
    data["items-0-action"] = "Không rõ phiên bản"
    assert autosave(client, plan, data).status_code == 409
    assert "Không rõ phiên bản" not in actions(plan)


def test_autosave_needs_the_csrf_token_and_the_second_step(people, plan):
    client = Client(enforce_csrf_checks=True)
    client.login(request=HttpRequest(), username="alice", password=PASSWORD)
    data = form_data(plan, [{"action": "Không có mã chống giả mạo"}])
    assert autosave(client, plan, data).status_code == 403

    client = Client()
    client.login(request=HttpRequest(), username="alice", password=PASSWORD)
    session = client.session
    session[PENDING_STEP] = "verify"
    session.save()
    response = autosave(client, plan, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("signin:verify")
    assert "Không có mã chống giả mạo" not in actions(plan)


def test_the_move_buttons_without_script_reorder_and_saving_keeps_the_order(login, people, plan):
    client = login(people.alice)
    url = reverse("pledges:edit", args=[plan.pk])
    data = form_data(plan)
    response = client.post(url, {**data, "move": "2:up"})  # the third item, one up
    assert response.status_code == 200
    shown = re.findall(r'name="(items-\d)-action"', response.text)
    assert shown == ["items-0", "items-2", "items-1"]
    assert 'data-focus-item="items-2"' in response.text
    assert actions(plan)[1] == "Giải quyết hồ sơ đúng hạn"  # nothing saved by a move

    # The page sent back carries the new order in its hidden fields; saving keeps it.
    orders = dict(re.findall(r'name="items-(\d)-ORDER" value="(\d)"', response.text))
    assert orders == {"0": "1", "1": "3", "2": "2"}
    moved = {**data, **{f"items-{n}-ORDER": order for n, order in orders.items()}}
    assert client.post(url, {**moved, "save": "1"}).status_code == 302
    assert actions(plan) == [
        "Dự sinh hoạt chi bộ đầy đủ",
        "Hướng dẫn đảng viên trẻ",
        "Giải quyết hồ sơ đúng hạn",
    ]

    # Moving the first item up, or a made-up item, changes nothing.
    for move in ("0:up", "9:down", "x"):
        response = client.post(url, {**form_data(plan), "move": move})
        assert re.findall(r'name="(items-\d)-action"', response.text) == [
            "items-0",
            "items-1",
            "items-2",
        ]


def test_the_order_written_by_the_page_script_is_saved(login, people, plan):
    client = login(people.alice)
    data = form_data(plan)
    data.update({"items-0-ORDER": "3", "items-1-ORDER": "1", "items-2-ORDER": "2"})
    assert autosave(client, plan, data).json()["saved"] is True
    assert actions(plan) == [
        "Giải quyết hồ sơ đúng hạn",
        "Hướng dẫn đảng viên trẻ",
        "Dự sinh hoạt chi bộ đầy đủ",
    ]


def test_every_standard_is_offered_grouped_by_the_level_that_set_it(login, tree, people, plan):
    province = [
        EthicalStandard.objects.create(unit=tree.province, position=n, text=f"Tỉnh {n}")
        for n in (1, 2)
    ]
    district = [EthicalStandard.objects.create(unit=tree.district, position=1, text="Huyện 1")]
    cell = [
        EthicalStandard.objects.create(unit=tree.cell, position=n, text=f"Chi bộ {n}")
        for n in (1, 2, 3)
    ]
    EthicalStandard.objects.create(unit=tree.next_cell, position=1, text="Chi bộ bên cạnh")
    page = login(people.alice).get(reverse("pledges:edit", args=[plan.pk])).text
    card = page[page.index('id="card-items-0"') : page.index('id="card-items-1"')]
    groups = re.findall(
        r'<fieldset class="standard-group">\s*<legend>(.*?)</legend>(.*?)</fieldset>', card, re.S
    )
    assert [legend for legend, _ in groups] == [
        "Chuẩn mực do Tỉnh ủy Sơn La đề ra",
        "Chuẩn mực do Huyện ủy Mường La đề ra",
        "Chuẩn mực do Chi bộ Khối Đảng đề ra",
    ]
    for (_legend, body), standards in zip(groups, [province, district, cell], strict=True):
        assert re.findall(r'value="(\d+)"', body) == [str(s.pk) for s in standards]
    assert "Chi bộ bên cạnh" not in page

    # A standard of any level is kept with the item.
    data = form_data(plan)
    data["items-0-standards"] = [province[1].pk, cell[2].pk]
    assert autosave(login(people.alice), plan, data).json()["saved"] is True
    assert set(plan.items.get(position=1).standards.all()) == {province[1], cell[2]}


def test_a_date_is_kept_only_when_asked_for_and_the_dates_rule_stays(login, people, plan):
    client = login(people.alice)
    first = plan.items.get(position=1)
    data = form_data(plan)
    data["items-0-deadline"] = "2026-06-30"  # left in the hidden box, not asked for
    assert autosave(client, plan, data).json()["saved"] is True
    first.refresh_from_db()
    assert (first.deadline, first.quarter) == (None, 4)

    data = form_data(plan)
    data.update({"items-0-exact_date": "on", "items-0-deadline": "2026-06-30"})
    assert autosave(client, plan, data).json()["saved"] is True
    first.refresh_from_db()
    assert first.deadline == datetime.date(2026, 6, 30)

    page = client.get(reverse("pledges:edit", args=[plan.pk])).text
    assert re.search(r'name="items-0-exact_date"[^>]*checked', page)
    assert not re.search(r'name="items-1-exact_date"[^>]*checked', page)


def test_folded_cards_show_their_summary_and_a_card_with_a_mistake_opens(login, people, plan):
    client = login(people.alice)
    page = client.get(reverse("pledges:edit", args=[plan.pk])).text
    assert page.count('<details class="item-details" name="plan-items">') == 3  # all folded
    assert "quý IV" in page and "chỉ tiêu 100 %" in page

    data = form_data(plan)
    data["items-1-target_unit"] = "buổi"  # a unit without its number
    data["save"] = "1"
    page = client.post(reverse("pledges:edit", args=[plan.pk]), data).text
    opened = re.findall(r'id="card-(items-\d)".*?<details class="item-details"( open)?', page, re.S)
    assert opened == [("items-0", ""), ("items-1", " open"), ("items-2", "")]


def test_text_boxes_have_rows_for_their_whole_text_without_script(login, people, plan):
    long = "Phối hợp với các đoàn thể trong bản để vận động bà con tham gia. " * 6
    data = form_data(plan)
    data["items-0-measures"] = long
    assert autosave(login(people.alice), plan, data).json()["saved"] is True
    page = login(people.alice).get(reverse("pledges:edit", args=[plan.pk])).text
    area = re.search(r'<textarea[^>]*name="items-0-measures"[^>]*>', page).group(0)
    rows = int(re.search(r'rows="(\d+)"', area).group(1))
    assert rows == fitting_rows(long.strip()) >= len(long) // 36
    assert fitting_rows("") == 3


def test_autosave_answers_json_a_page_script_can_read(login, people, plan):
    response = autosave(login(people.alice), plan, form_data(plan))
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["saved"] is True
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT
