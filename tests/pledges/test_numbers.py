"""Numbers on plans and reports, through the pages: typed and shown the Vietnamese way
(98,5 and 1.234,5), standard units, and a second look at values that seem mistyped."""

import datetime
import importlib
import re
import shutil
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry.pledges import services
from registry.pledges.models import Plan, PlanItem, ProgressReport, canonical_unit
from registry.pledges.pdf import render_plan_pdf
from registry.pledges.selectors import plan_full

from ..factories import approved_plan
from .test_pdf import pdf_text

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d):
    return time_machine.travel(datetime.datetime(y, m, d, 9, tzinfo=TZ), tick=False)


def item_fields(n, **fields) -> dict:
    data = {
        "action": "Việc",
        "measures": "",
        "expected_result": "",
        "target_value": "",
        "target_unit": "",
        "target_unit_other": "",
        "deadline": "",
        "quarter": "",
        "ORDER": n + 1,
        "id": "",
        **fields,
    }
    if not data.get("confirmed"):
        data.pop("confirmed", None)
    return {f"items-{n}-{key}": value for key, value in data.items()}


def save_items(client, plan, *items, initial=0):
    data = {
        "study_content": "",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "save": "1",
    }
    for n, fields in enumerate(items):
        data.update(item_fields(n, **fields))
    return client.post(reverse("pledges:edit", args=[plan.pk]), data)


@pytest.fixture
def draft(people, programme_2026):
    with at(2026, 2, 1):
        return services.plan_create(member=people.alice_member, year=2026, actor=people.alice)


@pytest.fixture
def percent_plan(people, programme_2026):
    """Approved, one item with a target of 100 %."""
    return approved_plan(
        people.alice_member,
        people.alice,
        people.bob,
        items=[{"action": "Giải quyết hồ sơ đúng hạn", "target_value": 100, "target_unit": "%"}],
    )


def report(client, plan, quarter=1, **fields):
    item = plan.items.get()
    data = {"status": "in_progress", "value_reached": "", "account": "", **fields}
    return client.post(reverse("pledges:report", args=[plan.pk, item.pk, quarter]), data)


# Results ----------------------------------------------------------------------------------


def test_a_result_typed_with_a_decimal_comma_is_kept_and_shown_as_typed(
    login, people, percent_plan
):
    client = login(people.alice)
    with at(2026, 3, 10):
        response = report(client, percent_plan, value_reached="98,5")
        assert response.status_code == 302
        page = client.get(reverse("pledges:my_plan"))
    assert ProgressReport.objects.get().value_reached == Decimal("98.5")
    assert "98,5 %" in page.text
    assert "985" not in page.text


def test_a_result_with_a_decimal_dot_is_refused_with_the_spelling_to_use(
    login, people, percent_plan
):
    with at(2026, 3, 10):
        response = report(login(people.alice), percent_plan, value_reached="98.5")
    assert response.status_code == 200
    assert response.context["form"].errors["value_reached"] == [
        "“98.5” chưa rõ ràng: trong tiếng Việt, phần thập phân đứng sau dấu phẩy. "
        "Đồng chí hãy ghi 98,5."
    ]
    assert 'value="98.5"' in response.text  # what was typed stays to be corrected
    assert not ProgressReport.objects.exists()


def test_the_report_form_is_a_text_box_with_the_number_keyboard_and_the_unit(
    login, people, percent_plan
):
    item = percent_plan.items.get()
    with at(2026, 3, 10):
        page = login(people.alice).get(
            reverse("pledges:report", args=[percent_plan.pk, item.pk, 1])
        )
    field = re.search(r'<input[^>]*name="value_reached"[^>]*>', page.text)[0]
    assert 'type="text"' in field and 'inputmode="decimal"' in field
    assert 'type="number"' not in page.text
    assert "chỉ tiêu: 100 %" in page.text


def test_a_result_over_100_percent_asks_for_confirmation_then_is_saved(login, people, percent_plan):
    client = login(people.alice)
    with at(2026, 3, 10):
        first = report(client, percent_plan, value_reached="150")
        assert first.status_code == 200
        assert not ProgressReport.objects.exists()
        assert first.context["form"].errors["value_reached"] == [
            "150 % vượt quá 100 %. Đồng chí hãy kiểm tra lại con số: phần thập phân ghi sau "
            "dấu phẩy (98,5)."
        ]
        assert "Tôi xác nhận giá trị này là đúng" in first.text
        assert 'name="confirmed"' in first.text

        confirmed = report(client, percent_plan, value_reached="150", confirmed="on")
        assert confirmed.status_code == 302
    assert ProgressReport.objects.get().value_reached == 150


def test_the_confirmation_box_is_not_offered_for_an_ordinary_value(login, people, percent_plan):
    item = percent_plan.items.get()
    client = login(people.alice)
    with at(2026, 3, 10):
        page = client.get(reverse("pledges:report", args=[percent_plan.pk, item.pk, 1]))
        refused = report(client, percent_plan, value_reached="98.5")
    assert 'name="confirmed"' not in page.text
    assert 'name="confirmed"' not in refused.text


def test_a_result_over_ten_times_its_target_asks_for_confirmation(login, people, programme_2026):
    plan = approved_plan(
        people.alice_member,
        people.alice,
        people.bob,
        items=[{"action": "Dự sinh hoạt", "target_value": 12, "target_unit": "buổi"}],
    )
    client = login(people.alice)
    with at(2026, 4, 10):
        ten_times = report(client, plan, quarter=1, value_reached="120")
        assert ten_times.status_code == 302  # ten times is still believable
        more = report(client, plan, quarter=2, value_reached="1.200")
    assert more.status_code == 200
    assert more.context["form"].errors["value_reached"] == [
        "1.200 buổi lớn hơn mười lần chỉ tiêu (12 buổi). Đồng chí hãy kiểm tra lại con số."
    ]


def test_correcting_a_confirmed_report_does_not_ask_again(login, people, percent_plan):
    client = login(people.alice)
    with at(2026, 3, 10):
        report(client, percent_plan, value_reached="150", confirmed="on")
        item = percent_plan.items.get()
        page = client.get(reverse("pledges:report", args=[percent_plan.pk, item.pk, 1]))
        assert 'value="150"' in page.text
        again = report(client, percent_plan, value_reached="150", account="Bổ sung mô tả")
    assert again.status_code == 302
    assert ProgressReport.objects.get().account == "Bổ sung mô tả"


def test_a_stored_result_is_shown_back_in_the_vietnamese_way(login, people, percent_plan):
    client = login(people.alice)
    item = percent_plan.items.get()
    with at(2026, 3, 10):
        report(client, percent_plan, value_reached="98,5")
        page = client.get(reverse("pledges:report", args=[percent_plan.pk, item.pk, 1]))
    assert 'value="98,5"' in page.text


# Targets ----------------------------------------------------------------------------------


def test_a_target_with_thousands_and_decimals_is_kept_and_shown_back(login, people, draft):
    client = login(people.alice)
    with at(2026, 2, 1):
        response = save_items(client, draft, {"target_value": "1.234,5", "target_unit": "giờ"})
        assert response.status_code == 302
        editor = client.get(reverse("pledges:edit", args=[draft.pk]))
        page = client.get(reverse("pledges:my_plan"))
    item = draft.items.get()
    assert (item.target_value, item.target_unit) == (Decimal("1234.5"), "giờ")
    assert 'value="1.234,5"' in editor.text
    assert "1.234,5 giờ" in page.text


def test_the_editor_shows_whole_numbers_without_decimals(login, people, draft):
    services.plan_save(
        plan=draft,
        actor=people.alice,
        study_content="",
        items=[{"action": "Viết bài", "target_value": Decimal("4.00"), "target_unit": "bài"}],
    )
    with at(2026, 2, 1):
        editor = login(people.alice).get(reverse("pledges:edit", args=[draft.pk]))
    assert 'name="items-0-target_value" value="4"' in editor.text
    assert "4.00" not in editor.text and "4,00" not in editor.text
    assert '<option value="bài" selected>' in editor.text


def test_a_target_with_a_decimal_dot_is_refused_next_to_the_field(login, people, draft):
    with at(2026, 2, 1):
        response = save_items(
            login(people.alice), draft, {"target_value": "98.5", "target_unit": "%"}
        )
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors["target_value"]
    assert errors == [
        "“98.5” chưa rõ ràng: trong tiếng Việt, phần thập phân đứng sau dấu phẩy. "
        "Đồng chí hãy ghi 98,5."
    ]
    assert not draft.items.exists()


def test_a_target_over_100_percent_asks_for_confirmation_once(login, people, draft):
    client = login(people.alice)
    with at(2026, 2, 1):
        first = save_items(client, draft, {"target_value": "120", "target_unit": "%"})
        assert first.status_code == 200
        assert not draft.items.exists()
        form = first.context["formset"].forms[0]
        assert form.errors["target_value"][0].startswith("120 % vượt quá 100 %.")
        assert 'name="items-0-confirmed"' in first.text
        assert "Tôi xác nhận giá trị này là đúng" in first.text

        confirmed = save_items(
            client, draft, {"target_value": "120", "target_unit": "%", "confirmed": "on"}
        )
        assert confirmed.status_code == 302
        item = draft.items.get()
        assert item.target_value == 120

        # Saved once confirmed: saving the plan again does not ask again.
        again = save_items(
            client,
            draft,
            {"target_value": "120", "target_unit": "%", "id": item.pk, "action": "Việc khác"},
            initial=1,
        )
    assert again.status_code == 302
    assert draft.items.get().action == "Việc khác"


# Units ------------------------------------------------------------------------------------


def test_the_editor_offers_the_standard_units_and_other(login, people, draft):
    with at(2026, 2, 1):
        editor = login(people.alice).get(reverse("pledges:edit", args=[draft.pk]))
    select = editor.text.split('name="items-0-target_unit"')[1].split("</select>")[0]
    for unit in ["%", "buổi", "lượt", "hồ sơ", "triệu đồng"]:
        assert f'<option value="{unit}">{unit}</option>' in select
    assert "khác (ghi rõ)" in select
    assert 'name="items-0-target_unit_other"' in editor.text


def test_another_unit_is_written_out(login, people, draft):
    client = login(people.alice)
    with at(2026, 2, 1):
        response = save_items(
            client,
            draft,
            {"target_value": "6", "target_unit": "other", "target_unit_other": " chuyến "},
        )
        assert response.status_code == 302
        editor = client.get(reverse("pledges:edit", args=[draft.pk]))
    assert draft.items.get().target_unit == "chuyến"
    assert '<option value="other" selected>' in editor.text
    assert 'name="items-0-target_unit_other" value="chuyến"' in editor.text


def test_other_needs_its_text_and_a_standard_unit_ignores_it(login, people, draft):
    client = login(people.alice)
    with at(2026, 2, 1):
        missing = save_items(client, draft, {"target_value": "6", "target_unit": "other"})
        assert missing.context["formset"].forms[0].errors["target_unit_other"] == [
            "Đồng chí hãy ghi đơn vị tính, ví dụ: chuyến."
        ]
        assert not draft.items.exists()
        standard = save_items(
            client,
            draft,
            {"target_value": "6", "target_unit": "buổi", "target_unit_other": "chuyến"},
        )
    assert standard.status_code == 302
    assert draft.items.get().target_unit == "buổi"


def test_a_standard_unit_written_as_other_is_stored_in_its_standard_spelling(login, people, draft):
    with at(2026, 2, 1):
        save_items(
            login(people.alice),
            draft,
            {"target_value": "90", "target_unit": "other", "target_unit_other": "Phần trăm"},
        )
    assert draft.items.get().target_unit == "%"


# Services (what a future API gets) --------------------------------------------------------


def test_the_services_refuse_an_implausible_value_unless_confirmed(people, percent_plan):
    item = percent_plan.items.get()
    with at(2026, 3, 10), pytest.raises(ValidationError) as caught:
        services.report_file(
            item=item, quarter=1, actor=people.alice, status="done", value_reached=Decimal("985")
        )
    assert caught.value.error_dict["value_reached"][0].code == "implausible"
    with at(2026, 3, 10):
        services.report_file(
            item=item,
            quarter=1,
            actor=people.alice,
            status="done",
            value_reached=Decimal("985"),
            confirmed=True,
        )
    assert ProgressReport.objects.get().value_reached == 985

    bob_plan = services.plan_create(member=people.bob_member, year=2026, actor=people.bob)
    items = [{"action": "Việc", "target_value": Decimal("150"), "target_unit": "phần trăm"}]
    with pytest.raises(ValidationError) as caught:
        services.plan_save(plan=bob_plan, actor=people.bob, study_content="", items=items)
    assert caught.value.error_dict["target_value"][0].code == "implausible"
    services.plan_save(
        plan=bob_plan, actor=people.bob, study_content="", items=items, confirmed=True
    )
    assert (bob_plan.items.get().target_value, bob_plan.items.get().target_unit) == (150, "%")


@pytest.mark.parametrize(
    ("value", "unit", "target", "asks"),
    [
        (Decimal("100"), "%", None, False),
        (Decimal("100.01"), "%", None, True),
        (Decimal("101"), "% hồ sơ đúng hạn", None, True),  # a share, however it is named
        (Decimal("120"), "buổi", Decimal("12"), False),
        (Decimal("121"), "buổi", Decimal("12"), True),
        (Decimal("5"), "lần", Decimal("0"), False),  # "0 vi phạm": no ratio to a zero target
        (Decimal("500"), "buổi", None, False),
    ],
)
def test_what_counts_as_implausible(value, unit, target, asks):
    assert (services.implausible_value(value, unit=unit, target=target) is not None) is asks


# Shown back everywhere --------------------------------------------------------------------


def test_plan_pages_board_and_history_write_numbers_the_vietnamese_way(
    login, people, programme_2026
):
    plan = approved_plan(
        people.alice_member,
        people.alice,
        people.bob,
        items=[
            {"action": "Tiết kiệm giấy in", "target_value": Decimal("4.00"), "target_unit": "bài"}
        ],
    )
    item = plan.items.get()
    with at(2026, 3, 10):
        services.report_file(
            item=item,
            quarter=1,
            actor=people.alice,
            status="in_progress",
            value_reached=Decimal("2.50"),
        )
        services.plan_request_amendment(plan=plan, actor=people.alice, reason="Đổi chỉ tiêu")
        bob = login(people.bob)
        detail = bob.get(reverse("pledges:detail", args=[plan.pk]))
        board = bob.get(reverse("pledges:board"))
    for page in (detail, board):
        assert "4.00" not in page.text and "4,00" not in page.text
    assert "chỉ tiêu: 4 bài" in detail.text
    assert "2,5 bài" in detail.text
    assert "– 4 bài" in detail.text  # the approved version in the history
    assert "chỉ tiêu: 4 bài" in board.text  # the approved version, while amended


def test_the_board_shows_results_the_vietnamese_way(login, people, percent_plan):
    with at(2026, 3, 10):
        services.report_file(
            item=percent_plan.items.get(),
            quarter=1,
            actor=people.alice,
            status="in_progress",
            value_reached=Decimal("98.5"),
        )
        board = login(people.bob).get(reverse("pledges:board"))
    assert "chỉ tiêu: 100 %" in board.text
    assert "98,5 %" in board.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_printed_plan_writes_the_target_the_vietnamese_way(people, programme_2026, tmp_path):
    plan = approved_plan(
        people.alice_member,
        people.alice,
        people.bob,
        items=[{"action": "Hồ sơ đúng hạn", "target_value": Decimal("98.5"), "target_unit": "%"}],
    )
    _name, _type, content = render_plan_pdf(plan_full(plans=Plan.objects.all(), pk=plan.pk))
    assert "Chỉ tiêu: 98,5 %" in " ".join(pdf_text(content, tmp_path).split())


# Existing data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" Buổi ", "buổi"),
        ("phần trăm", "%"),
        ("Phần  trăm", "%"),
        ("HỒ SƠ", "hồ sơ"),
        ("tr.đ", "triệu đồng"),
        ("lượt.", "lượt"),
        ("% hồ sơ đúng hạn", "% hồ sơ đúng hạn"),  # kept: it says what is counted
        ("  chuyến   đi ", "chuyến đi"),
        ("", ""),
    ],
)
def test_units_take_their_standard_spelling(typed, stored):
    assert canonical_unit(typed) == stored


def test_the_migration_tidies_the_units_already_stored(people, draft):
    services.plan_save(
        plan=draft,
        actor=people.alice,
        study_content="",
        items=[{"action": f"Việc {n}"} for n in range(3)],
    )
    a, b, c = draft.items.order_by("position")
    # As typed before units were standardised (written directly, past the services).
    PlanItem.objects.filter(pk=a.pk).update(target_value=90, target_unit=" Phần trăm ")
    PlanItem.objects.filter(pk=b.pk).update(target_value=3, target_unit="Tr.đ")
    PlanItem.objects.filter(pk=c.pk).update(target_value=6, target_unit="chuyến  công tác")
    migration = importlib.import_module("registry.pledges.migrations.0004_target_units")
    migration.normalise_units(apps, None)
    assert list(draft.items.order_by("position").values_list("target_unit", flat=True)) == [
        "%",
        "triệu đồng",
        "chuyến công tác",
    ]
