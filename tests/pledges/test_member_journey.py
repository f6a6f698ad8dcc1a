"""A member's year, driven through the pages as a signed-in member."""

import datetime
import re

import time_machine
from django.urls import reverse

from registry.pledges import services
from registry.pledges.models import Evidence, Plan, PlanTransition, ProgressReport

from .conftest import jpeg

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d, h=9):
    return time_machine.travel(datetime.datetime(y, m, d, h, tzinfo=TZ), tick=False)


def item_data(n, action, **extra):
    data = {
        f"items-{n}-action": action,
        f"items-{n}-measures": extra.get("measures", ""),
        f"items-{n}-expected_result": extra.get("expected_result", ""),
        f"items-{n}-target_value": extra.get("target_value", ""),
        f"items-{n}-target_unit": extra.get("target_unit", ""),
        f"items-{n}-target_unit_other": extra.get("target_unit_other", ""),
        f"items-{n}-deadline": extra.get("deadline", ""),
        f"items-{n}-quarter": extra.get("quarter", ""),
        f"items-{n}-ORDER": extra.get("order", n + 1),
        f"items-{n}-id": extra.get("id", ""),
    }
    if extra.get("deadline"):  # a date only when asked for
        data[f"items-{n}-exact_date"] = "on"
    if extra.get("delete"):
        data[f"items-{n}-DELETE"] = "on"
    if extra.get("standards"):
        data[f"items-{n}-standards"] = extra["standards"]
    return data


def edit_post(client, plan, items, study="Chuyên đề năm 2026", action="save", initial=0):
    data = {
        "study_content": study,
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        action: "1",
    }
    for n, item in enumerate(items):
        data.update(item_data(n, **item))
    return client.post(reverse("pledges:edit", args=[plan.pk]), data)


def test_a_members_whole_year(login, tree, people, programme_2026, standard):
    client = login(people.alice)

    # Register: start a plan and fill it in.
    with at(2026, 2, 1):
        page = client.get(reverse("pledges:my_plan"))
        assert "Bắt đầu kế hoạch mới" in page.text
        response = client.post(reverse("pledges:start"), {"year": "2026"})
        plan = Plan.objects.get(member=people.alice_member, year=2026)
        assert response["Location"] == reverse("pledges:edit", args=[plan.pk])
        response = edit_post(
            client,
            plan,
            [
                {
                    "action": "Dự sinh hoạt chi bộ đầy đủ",
                    "target_value": "12",
                    "target_unit": "buổi",
                    "quarter": "4",
                    "standards": [standard.pk],
                },
                {
                    "action": "Giải quyết hồ sơ đúng hạn",
                    "expected_result": "100% hồ sơ đúng hạn",
                    "deadline": "2026-12-31",
                },
            ],
        )
        assert response.status_code == 302
        assert [i.action for i in plan.items.order_by("position")] == [
            "Dự sinh hoạt chi bộ đầy đủ",
            "Giải quyết hồ sơ đúng hạn",
        ]
        assert list(plan.items.get(position=1).standards.all()) == [standard]

        # Submitting without ticking the commitment is refused, with the reason.
        response = client.post(reverse("pledges:submit", args=[plan.pk]), {}, follow=True)
        assert "Đánh dấu vào ô để xác nhận cam kết" in response.text
        plan.refresh_from_db()
        assert plan.status == Plan.Status.DRAFT

        client.post(reverse("pledges:submit", args=[plan.pk]), {"commitment_confirmed": "on"})
        plan.refresh_from_db()
        assert plan.status == Plan.Status.SUBMITTED
        assert plan.committed_at is not None

    # The secretary returns it with a comment; the member sees the comment and revises.
    with at(2026, 2, 3):
        services.plan_return(
            plan=plan, actor=people.bob, comment="Bổ sung chỉ tiêu cụ thể cho việc 2"
        )
        page = client.get(reverse("pledges:my_plan"))
        assert "Bổ sung chỉ tiêu cụ thể cho việc 2" in page.text
        ids = list(plan.items.order_by("position").values_list("pk", flat=True))
        edit_post(
            client,
            plan,
            [
                {
                    "action": "Dự sinh hoạt chi bộ đầy đủ",
                    "target_value": "12",
                    "target_unit": "buổi",
                    "quarter": "4",
                    "id": ids[0],
                },
                {
                    "action": "Giải quyết hồ sơ đúng hạn",
                    "target_value": "100",
                    "target_unit": "%",
                    "deadline": "2026-12-31",
                    "id": ids[1],
                },
            ],
            initial=2,
        )
        client.post(reverse("pledges:submit", args=[plan.pk]), {"commitment_confirmed": "on"})
        plan.refresh_from_db()
        assert plan.status == Plan.Status.SUBMITTED
        assert plan.items.get(pk=ids[1]).target_value == 100

    # Approved through the service (the secretary's pages come with the next issue).
    with at(2026, 2, 5):
        services.plan_approve(plan=plan, actor=people.bob)
        # An approved plan cannot be edited: the editor sends the member back.
        response = client.get(reverse("pledges:edit", args=[plan.pk]))
        assert response.status_code == 302
        response = edit_post(client, plan, [{"action": "Sửa lén", "id": ids[0]}], initial=1)
        assert plan.items.get(pk=ids[0]).action == "Dự sinh hoạt chi bộ đầy đủ"

    item1 = plan.items.order_by("position").first()
    # Quarter I, on time, with a photo as evidence.
    with at(2026, 3, 20):
        response = client.post(
            reverse("pledges:report", args=[plan.pk, item1.pk, 1]),
            {
                "status": "in_progress",
                "value_reached": "3",
                "account": "Dự đủ 3 buổi sinh hoạt",
                "files": [jpeg()],
            },
        )
        assert response.status_code == 302
    # Quarter II, after the 25/06 deadline: accepted and marked late.
    with at(2026, 7, 2):
        response = client.post(
            reverse("pledges:report", args=[plan.pk, item1.pk, 2]),
            {"status": "in_progress", "value_reached": "6", "account": "Dự đủ 6 buổi"},
        )
        assert response.status_code == 302
    q1, q2 = ProgressReport.objects.filter(item=item1).order_by("quarter")
    assert (q1.is_late, q2.is_late) == (False, True)
    evidence = Evidence.objects.get(report=q1)
    assert evidence.content_type == "image/jpeg"

    # The evidence downloads for the member, as an attachment with safe headers.
    download = client.get(reverse("pledges:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"

    with at(2026, 7, 2):
        page = client.get(reverse("pledges:my_plan"))
    assert "trễ hạn" in page.text
    assert "anh-minh-chung.jpg" in page.text

    # Year-end self-assessment.
    with at(2026, 12, 10):
        response = client.post(
            reverse("pledges:self_assessment", args=[plan.pk]),
            {"text": "Hoàn thành các việc đã đăng ký.", "rating": "tot"},
        )
        assert response["Location"] == reverse("pledges:my_plan_year", args=[2026])
    plan.refresh_from_db()
    assert plan.proposed_rating == "tot"

    steps = list(PlanTransition.objects.filter(plan=plan).values_list("to_status", flat=True))
    assert steps == ["draft", "submitted", "returned", "submitted", "approved"]


def test_a_second_plan_for_the_same_year_is_refused(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        client.post(reverse("pledges:start"), {"year": "2026"})
        response = client.post(reverse("pledges:start"), {"year": "2026"}, follow=True)
    assert Plan.objects.filter(member=people.alice_member, year=2026).count() == 1
    assert "đã có kế hoạch năm 2026" in response.text


def test_a_member_cannot_read_or_change_another_members_plan(login, people, programme_2026):
    with at(2026, 2, 1):
        plan = services.plan_create(member=people.bob_member, year=2026, actor=people.bob)
        item_plan = services.plan_save(
            plan=plan, actor=people.bob, study_content="", items=[{"action": "Việc của Bob"}]
        )
        item = item_plan.items.get()
    client = login(people.alice)
    for url in [
        reverse("pledges:detail", args=[plan.pk]),
        reverse("pledges:edit", args=[plan.pk]),
        reverse("pledges:pdf", args=[plan.pk]),
        reverse("pledges:self_assessment", args=[plan.pk]),
        reverse("pledges:report", args=[plan.pk, item.pk, 1]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("pledges:edit", args=[plan.pk]),
        reverse("pledges:submit", args=[plan.pk]),
        reverse("pledges:amend", args=[plan.pk]),
    ]:
        assert client.post(url, {"commitment_confirmed": "on", "reason": "x"}).status_code == 404, (
            url
        )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_submission_outside_the_window_names_the_dates(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 5, 1):
        client.post(reverse("pledges:start"), {"year": "2026"})
        plan = Plan.objects.get(member=people.alice_member)
        services.plan_save(
            plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}]
        )
        response = client.post(
            reverse("pledges:submit", args=[plan.pk]), {"commitment_confirmed": "on"}, follow=True
        )
    assert "từ 10/01/2026 đến 31/03/2026" in response.text
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_start_from_last_years_plan(login, tree, people, programme_2026):
    with at(2025, 2, 1):
        old = services.plan_create(member=people.alice_member, year=2025, actor=people.alice)
        services.plan_save(
            plan=old,
            actor=people.alice,
            study_content="Chuyên đề 2025",
            items=[
                {
                    "action": "Việc cũ",
                    "deadline": datetime.date(2025, 6, 30),
                    "target_value": 4,
                    "target_unit": "bài",
                }
            ],
        )
    client = login(people.alice)
    with at(2026, 2, 1):
        page = client.get(reverse("pledges:my_plan"))
        assert "Bắt đầu từ kế hoạch năm 2025" in page.text
        client.post(reverse("pledges:start"), {"year": "2026", "copy_from": str(old.pk)})
    new = Plan.objects.get(member=people.alice_member, year=2026)
    item = new.items.get()
    assert (item.action, item.deadline, item.target_value) == (
        "Việc cũ",
        datetime.date(2026, 6, 30),
        4,
    )
    assert new.study_content == "Chuyên đề 2025"


def test_adding_an_item_keeps_what_was_typed(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        client.post(reverse("pledges:start"), {"year": "2026"})
        plan = Plan.objects.get(member=people.alice_member)
        response = edit_post(
            client,
            plan,
            [{"action": "Việc đang gõ dở"}],
            study="Nội dung đang gõ",
            action="add_item",
        )
    assert response.status_code == 200
    assert "Việc đang gõ dở" in response.text
    assert "Nội dung đang gõ" in response.text
    assert len(re.findall(r'name="items-\d+-action"', response.text)) == 2
    assert not plan.items.exists()  # nothing saved until the member saves


def test_reorder_and_remove_items(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        services.plan_save(
            plan=plan,
            actor=people.alice,
            study_content="",
            items=[{"action": "A"}, {"action": "B"}, {"action": "C"}],
        )
        a, b, c = plan.items.order_by("position")
        edit_post(
            client,
            plan,
            [
                {"action": "A", "id": a.pk, "order": 3},
                {"action": "B", "id": b.pk, "delete": True},
                {"action": "C", "id": c.pk, "order": 1},
            ],
            initial=3,
        )
    assert list(plan.items.order_by("position").values_list("action", "position")) == [
        ("C", 1),
        ("A", 2),
    ]


def test_errors_are_shown_next_to_the_field_in_vietnamese(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        response = edit_post(
            client,
            plan,
            [
                {"action": "", "measures": "Có biện pháp nhưng chưa có việc"},
                {"action": "Việc", "deadline": "2027-01-05"},
            ],
        )
    assert response.status_code == 200
    assert "Hãy ghi rõ việc sẽ làm." in response.text
    assert (
        "Biện pháp nhưng" not in response.text or "Có biện pháp nhưng chưa có việc" in response.text
    )
    assert not plan.items.exists()


def test_item_problems_show_next_to_their_field(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        response = edit_post(
            client, plan, [{"action": "Việc", "deadline": "2027-01-05", "target_unit": "buổi"}]
        )
    form = response.context["formset"].forms[0]
    assert form.errors["deadline"] == ["Thời hạn phải nằm trong năm 2026."]
    assert form.errors["target_value"] == ["Hãy ghi con số cho chỉ tiêu “buổi”."]
    assert 'id="id_items-0-deadline_error"' in response.text


def test_a_disguised_file_is_refused_on_the_report_page_and_nothing_is_saved(
    login, people, programme_2026
):
    from .conftest import html_disguised_as_jpeg

    with at(2026, 2, 1):
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        services.plan_save(
            plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}]
        )
        services.plan_submit(plan=plan, actor=people.alice, commitment_confirmed=True)
        services.plan_approve(plan=plan, actor=people.bob)
    item = plan.items.get()
    with at(2026, 3, 10):
        response = login(people.alice).post(
            reverse("pledges:report", args=[plan.pk, item.pk, 1]),
            {"status": "done", "account": "Đã làm", "files": [html_disguised_as_jpeg()]},
        )
    assert response.status_code == 200
    assert "nội dung không khớp với tên tệp" in response.context["form"].errors["files"][0]
    assert "Đã làm" in response.text  # what was typed is still there
    assert not ProgressReport.objects.exists()


def test_amendment_through_the_pages_keeps_the_approved_version(login, people, programme_2026):
    client = login(people.alice)
    with at(2026, 2, 1):
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        services.plan_save(
            plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc gốc"}]
        )
        services.plan_submit(plan=plan, actor=people.alice, commitment_confirmed=True)
        services.plan_approve(plan=plan, actor=people.bob)
    with at(2026, 8, 1):
        refused = client.post(reverse("pledges:amend", args=[plan.pk]), {"reason": ""}, follow=True)
        assert "Lý do" in refused.text or "lý do" in refused.text
        response = client.post(
            reverse("pledges:amend", args=[plan.pk]), {"reason": "Chuyển công tác"}
        )
        assert response["Location"] == reverse("pledges:edit", args=[plan.pk])
        page = client.get(reverse("pledges:my_plan"))
    assert "Đang điều chỉnh" in page.text
    assert "Các bản đã duyệt" in page.text
    assert "Việc gốc" in page.text
