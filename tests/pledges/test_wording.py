"""What members read about their plans: the board of the cell's approved plans says what it
is, quarters are I–IV, numbers are never padded ("12", not "12.00"), and Django's form errors
are Vietnamese."""

import datetime

import time_machine
from django.urls import reverse

from registry.pledges import services
from registry.pledges.models import Plan, ProgressReport

from ..text import english_words, says_ban, visible_text
from .test_member_journey import edit_post

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d):
    return time_machine.travel(datetime.datetime(y, m, d, 9, tzinfo=TZ), tick=False)


def approved_plan(people):
    plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
    services.plan_save(
        plan=plan,
        actor=people.alice,
        study_content="",
        items=[
            {"action": "Dự sinh hoạt chi bộ", "target_value": 12, "target_unit": "buổi"},
            {"action": "Hoàn thành hồ sơ", "quarter": 3},
        ],
    )
    services.plan_submit(plan=plan, actor=people.alice, commitment_confirmed=True)
    return services.plan_approve(plan=plan, actor=people.bob)


def assert_vietnamese(response):
    text = visible_text(response.content.decode())
    assert not says_ban(text)
    assert english_words(text) == set(), text
    return text


def test_the_board_is_the_members_approved_plans_not_a_plan_of_the_cell(
    login, people, programme_2026
):
    with at(2026, 2, 1):
        approved_plan(people)
    with at(2026, 4, 2):
        home = visible_text(login(people.alice).get(reverse("portal:home")).text)
        board = assert_vietnamese(login(people.alice).get(reverse("pledges:board")))
    assert "Bản đăng ký của đảng viên" in home
    assert "Bản đăng ký đã duyệt năm 2026 – Chi bộ Khối Đảng" in board
    assert "Quý I: –" in board and "Quý IV: –" in board
    for text in (home, board):
        assert "Kế hoạch của chi bộ" not in text


def test_quarters_are_roman_and_numbers_are_not_padded(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        plan = approved_plan(people)
    with at(2026, 4, 2):
        item = plan.items.get(position=1)
        client.post(
            reverse("pledges:report", args=[plan.pk, item.pk, 1]),
            {"status": "in_progress", "value_reached": "4"},
        )
        client.post(reverse("pledges:amend", args=[plan.pk]), {"reason": "Chuyển công tác"})
        page = assert_vietnamese(client.get(reverse("pledges:my_plan")))
        report_page = visible_text(
            client.get(reverse("pledges:report", args=[plan.pk, item.pk, 2])).text
        )
    assert "Quý III" in page  # the second item is due by the end of the third quarter
    assert "chỉ tiêu: 12 buổi" in page
    assert "4 buổi" in page
    assert "Dự sinh hoạt chi bộ – 12 buổi" in page  # the approved version kept by the amendment
    assert "Báo cáo kết quả – Quý II/2026" in report_page
    for text in (page, report_page):
        assert "12.00" not in text and "12,00" not in text and "4.00" not in text
        assert "Quý 3" not in text and "Q3" not in text


def test_a_report_for_a_quarter_not_yet_begun_names_it_in_roman(login, people, programme_2026):
    with at(2026, 2, 1):
        plan = approved_plan(people)
        item = plan.items.get(position=1)
        response = login(people.alice).post(
            reverse("pledges:report", args=[plan.pk, item.pk, 3]), {"status": "done"}
        )
    assert "Quý III chưa bắt đầu" in assert_vietnamese(response)


def test_progress_reports_are_listed_by_quarter_in_roman_in_the_administration(
    login, people, programme_2026
):
    with at(2026, 2, 1):
        plan = approved_plan(people)
    with at(2026, 7, 2):
        report = services.report_file(
            item=plan.items.get(position=2), quarter=3, actor=people.alice, status="done"
        )
    client = login(people.root)
    page = visible_text(client.get(reverse("admin:pledges_progressreport_changelist")).text)
    assert "2. Hoàn thành hồ sơ\nIII\n" in page
    assert "Q3" not in page
    one = visible_text(
        client.get(reverse("admin:pledges_progressreport_change", args=[report.pk])).text
    )
    assert "2. Hoàn thành hồ sơ – quý III" in one


def test_more_than_forty_items_are_refused_in_vietnamese(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        response = edit_post(client, plan, [{"action": f"Việc {n}"} for n in range(45)])
    assert response.status_code == 200
    assert "Chỉ được có tối đa 40 mục." in assert_vietnamese(response)
    assert not Plan.objects.get(pk=plan.pk).items.exists()


def test_a_form_without_its_hidden_counts_is_refused_in_vietnamese(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        response = client.post(
            reverse("pledges:edit", args=[plan.pk]), {"study_content": "x", "save": "1"}
        )
    assert response.status_code == 200
    assert "Dữ liệu điều khiển của biểu mẫu bị thiếu" in assert_vietnamese(response)


def test_number_and_length_errors_are_in_vietnamese(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        response = edit_post(
            client,
            plan,
            [
                {"action": "Việc một", "target_value": "1,234", "target_unit": "buổi"},
                {
                    "action": "Việc hai",
                    "target_value": "12345678901",
                    "target_unit": "other",
                    "target_unit_other": "x" * 51,
                },
                {"action": "Việc ba", "target_value": "mười", "target_unit": "buổi"},
            ],
        )
    text = assert_vietnamese(response)
    assert "Chỉ ghi tối đa 2 chữ số sau dấu phẩy." in text
    assert "Số quá lớn: tối đa" in text
    assert "Nội dung này tối đa 50 ký tự (hiện có 51)." in text
    assert "Đồng chí hãy ghi số như 12, 1.234 hoặc 98,5" in text


def test_a_negative_value_reached_is_refused_in_vietnamese(login, people, programme_2026):
    with at(2026, 2, 1):
        plan = approved_plan(people)
    with at(2026, 4, 2):
        item = plan.items.get(position=1)
        response = login(people.alice).post(
            reverse("pledges:report", args=[plan.pk, item.pk, 1]),
            {"status": "in_progress", "value_reached": "-1"},
        )
    assert "Số không được âm." in assert_vietnamese(response)
    assert not ProgressReport.objects.exists()
