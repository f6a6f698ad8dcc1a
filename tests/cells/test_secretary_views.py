"""The secretary's actions through the pages, and the same requests from the secretary of
the next cell, which must all answer 404."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry.audit.models import AuditEvent
from registry.cells.models import CellMeeting, Supervision, YearRating
from registry.members.models import Membership, Transfer
from registry.pledges import services
from registry.pledges.models import Plan, PlanComment, ProgressReport

from ..factories import UserFactory, make_member
from .conftest import at, submitted_plan


def test_secretary_approves_a_plan(login, alice_plan, people):
    response = login(people.bob).post(
        reverse("cells:plan_review", args=[alice_plan.pk]), {"action": "approve"}, follow=True
    )
    assert "Đã duyệt kế hoạch của đồng chí Nguyễn Văn Đức." in response.text
    alice_plan.refresh_from_db()
    assert alice_plan.status == Plan.Status.APPROVED and alice_plan.approved_by == people.bob


def test_returning_needs_a_comment_and_keeps_it(login, alice_plan, people):
    client = login(people.bob)
    response = client.post(
        reverse("cells:plan_review", args=[alice_plan.pk]),
        {"action": "return", "comment": ""},
        follow=True,
    )
    assert "Hãy ghi rõ nội dung đảng viên cần bổ sung, sửa đổi." in response.text
    assert Plan.objects.get(pk=alice_plan.pk).status == Plan.Status.SUBMITTED
    client.post(
        reverse("cells:plan_review", args=[alice_plan.pk]),
        {"action": "return", "comment": "Ghi rõ chỉ tiêu"},
    )
    plan = Plan.objects.get(pk=alice_plan.pk)
    assert plan.status == Plan.Status.RETURNED
    assert plan.transitions.last().comment == "Ghi rõ chỉ tiêu"
    page = login(people.alice).get(reverse("pledges:my_plan_year", args=[2026]))
    assert "Ghi rõ chỉ tiêu" in page.text


def test_bulk_approval_approves_what_it_can_and_names_the_rest(login, tree, people, alice_plan):
    dung = make_member(tree.cell, "Cà Văn Dũng", user=UserFactory(username="dung"))
    dung_plan = submitted_plan(dung, dung.user)
    services.plan_return(plan=dung_plan, actor=people.bob, comment="Bổ sung")
    response = login(people.bob).post(
        reverse("cells:bulk_approve", args=[tree.cell.pk]),
        {"plans": [alice_plan.pk, dung_plan.pk], "confirm": "on"},
        follow=True,
    )
    assert Plan.objects.get(pk=alice_plan.pk).status == Plan.Status.APPROVED
    assert Plan.objects.get(pk=dung_plan.pk).status == Plan.Status.RETURNED
    assert "Đã duyệt 1 kế hoạch: Nguyễn Văn Đức." in response.text
    assert "Cà Văn Dũng: Chỉ duyệt được kế hoạch đang chờ duyệt" in response.text


def test_bulk_approval_needs_the_confirmation_box(login, tree, people, alice_plan):
    client = login(people.bob)
    page = client.get(reverse("cells:dashboard", args=[tree.cell.pk]))
    assert 'id="confirm-approve"' in page.text
    response = client.post(
        reverse("cells:bulk_approve", args=[tree.cell.pk]), {"plans": [alice_plan.pk]}, follow=True
    )
    assert "Đánh dấu vào ô để xác nhận việc duyệt" in response.text
    assert Plan.objects.get(pk=alice_plan.pk).status == Plan.Status.SUBMITTED


def test_issuing_a_transfer_needs_the_confirmation_box(login, tree, people):
    client = login(people.bob)
    url = reverse("cells:roster_member", args=[tree.cell.pk, people.alice_member.pk])
    response = client.post(url, {"action": "transfer", "t-to_cell": tree.next_cell.pk})
    assert response.status_code == 200 and "Đánh dấu vào ô để xác nhận" in response.text
    assert not Transfer.objects.exists()


def test_nobody_approves_or_rates_themselves(login, tree, people, programme_2026):
    own = submitted_plan(people.bob_member, people.bob)
    client = login(people.bob)
    page = client.get(reverse("pledges:my_plan_year", args=[2026]))
    assert "Duyệt kế hoạch" not in page.text
    client.post(reverse("cells:plan_review", args=[own.pk]), {"action": "approve"})
    assert Plan.objects.get(pk=own.pk).status == Plan.Status.SUBMITTED
    response = client.post(
        reverse("cells:rating_edit", args=[tree.cell.pk, people.bob_member.pk]) + "?year=2026",
        {"level": "xuat_sac", "justification": "Tự đánh giá cao"},
    )
    assert "Không tự xếp loại cho chính mình" in response.text
    assert not YearRating.objects.exists()


def test_comment_on_one_item(login, alice_plan, people):
    item = alice_plan.items.first()
    login(people.bob).post(
        reverse("cells:plan_review", args=[alice_plan.pk]),
        {"action": "comment", "item": item.pk, "text": "Cần số liệu cụ thể"},
    )
    comment = PlanComment.objects.get()
    assert (comment.item, comment.author, comment.text) == (item, people.bob, "Cần số liệu cụ thể")
    assert (
        "Cần số liệu cụ thể"
        in login(people.alice).get(reverse("pledges:my_plan_year", args=[2026])).text
    )


def test_accept_a_report_and_ask_for_more_on_another(login, alice_plan, people):
    services.plan_approve(plan=alice_plan, actor=people.bob, at=at(2026, 2, 3))
    first, second = alice_plan.items.order_by("position")
    r1 = services.report_file(
        item=first, quarter=1, actor=people.alice, status="done", at=at(2026, 3, 20)
    )
    r2 = services.report_file(
        item=second, quarter=1, actor=people.alice, status="in_progress", at=at(2026, 3, 20)
    )
    client = login(people.bob)
    client.post(reverse("cells:report_review", args=[r1.pk]), {"action": "accept"})
    client.post(
        reverse("cells:report_review", args=[r2.pk]),
        {"action": "ask_more", "comment": "Gửi ảnh minh chứng"},
    )
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert (r1.review, r1.reviewed_by) == ("accepted", people.bob)
    assert (r2.review, r2.review_comment) == ("more_needed", "Gửi ảnh minh chứng")
    # an accepted report is locked for the member; the other one is completed and goes back
    with pytest.raises(ValidationError, match="Chi bộ đã xác nhận báo cáo này"):
        services.report_file(
            item=first, quarter=1, actor=people.alice, status="in_progress", at=at(2026, 3, 22)
        )
    services.report_file(
        item=second,
        quarter=1,
        actor=people.alice,
        status="done",
        account="Đã bổ sung",
        at=at(2026, 3, 22),
    )
    assert ProgressReport.objects.get(pk=r2.pk).review == "pending"


def test_late_registration_through_the_page(login, tree, people, programme_2026):
    client = login(people.bob)
    url = (
        reverse("cells:late_registration", args=[tree.cell.pk, people.alice_member.pk])
        + "?year=2026"
    )
    with time_machine.travel(at(2026, 5, 1), tick=False):
        response = client.post(url, {"until": "2026-05-20"})
        assert response.status_code == 302
        plan = services.plan_create(member=people.alice_member, year=2026, actor=people.alice)
        services.plan_save(
            plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}]
        )
        services.plan_submit(plan=plan, actor=people.alice, commitment_confirmed=True)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED


def test_rating_is_recorded_with_who_and_when(login, tree, people):
    client = login(people.bob)
    url = reverse("cells:rating_edit", args=[tree.cell.pk, people.alice_member.pk]) + "?year=2026"
    response = client.post(url, {"level": "tot", "score": "95", "justification": "Hoàn thành tốt"})
    assert "Điểm 95 không khớp với mức “Hoàn thành tốt nhiệm vụ” (70–89 điểm)." in response.text
    client.post(url, {"level": "tot", "score": "85", "justification": "Hoàn thành tốt"})
    rating = YearRating.objects.get()
    assert (rating.level, rating.score, rating.rated_by, rating.version) == (
        "tot",
        85,
        people.bob,
        1,
    )
    listing = client.get(reverse("cells:ratings", args=[tree.cell.pk]) + "?year=2026")
    assert "Hoàn thành tốt nhiệm vụ" in listing.text and "bob" in listing.text
    assert listing.context["distribution"]["tot"] == 1


def test_recording_a_meeting(login, tree, people, alice_plan):
    client = login(people.bob)
    with time_machine.travel(at(2026, 3, 5), tick=False):
        response = client.post(
            reverse("cells:meeting_new", args=[tree.cell.pk]),
            {
                "date": "2026-03-05",
                "chair": people.bob_member.pk,
                "attendees": [people.bob_member.pk, people.alice_member.pk],
                "plans": [alice_plan.pk],
                "conclusions": "Thống nhất duyệt kế hoạch của các đồng chí.",
            },
        )
        assert response.status_code == 302
        meeting = CellMeeting.objects.get()
        assert set(meeting.attendees.all()) == {people.bob_member, people.alice_member}
        assert list(meeting.plans_reviewed.all()) == [alice_plan]
        dashboard = client.get(reverse("cells:dashboard", args=[tree.cell.pk]))
    assert dashboard.context["d"].meeting_this_month is True
    assert "sinh hoạt gần nhất 05/03/2026" in dashboard.text


def test_a_meeting_with_an_outsider_is_refused(login, tree, people):
    response = login(people.bob).post(
        reverse("cells:meeting_new", args=[tree.cell.pk]),
        {
            "date": "2026-03-05",
            "chair": people.charlie_member.pk,
            "attendees": [people.bob_member.pk],
            "conclusions": "x",
        },
    )
    assert response.status_code == 200
    assert not CellMeeting.objects.exists()


def test_recording_a_check(login, tree, people):
    response = login(people.bob).post(
        reverse("cells:check_new", args=[tree.cell.pk]),
        {
            "member": people.alice_member.pk,
            "kind": "giam_sat",
            "date": "2026-04-01",
            "subject": "Thực hiện việc đã đăng ký",
            "findings": "Đúng tiến độ",
            "conclusion": "Tốt",
        },
    )
    assert response.status_code == 302
    assert Supervision.objects.get().member == people.alice_member
    dashboard = login(people.bob).get(
        reverse("cells:dashboard", args=[tree.cell.pk]) + "?year=2026&q=2"
    )
    assert dashboard.context["d"].f["supervisions"] == 1


def test_a_transfer_is_issued_here_and_received_there(login, tree, people):
    """The whole procedure through the pages; the details are in `test_transfers.py`."""
    response = login(people.bob).post(
        reverse("cells:roster_member", args=[tree.cell.pk, people.alice_member.pk]),
        {
            "action": "transfer",
            "t-to_cell": tree.next_cell.pk,
            "t-note": "Giấy giới thiệu số 12",
            "t-confirm": "on",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.current().get(member=people.alice_member).cell == tree.cell
    transfer = Transfer.objects.get(member=people.alice_member, status="pending")
    response = login(people.charlie).post(
        reverse("cells:transfer_decide", args=[transfer.pk]), {"action": "accept"}
    )
    assert response.status_code == 302
    assert Membership.objects.current().get(member=people.alice_member).cell == tree.next_cell
    assert AuditEvent.objects.filter(action="transfer.issue", actor=people.bob).exists()
    assert AuditEvent.objects.filter(action="member.transfer", actor=people.charlie).exists()


def test_add_move_and_mark_left(login, tree, people):
    client = login(people.bob)
    response = client.post(
        reverse("cells:roster_add", args=[tree.cell.pk]),
        {
            "full_name": "Lường Văn Mới",
            "category": "dang_vien",
            "card_number": "55555555",
            "status": "du_bi",
            "group": tree.group1.pk,
            "since": "2025-01-01",
        },
    )
    assert response.status_code == 302
    new = Membership.objects.get(member__card_number="55555555", end_date__isnull=True)
    assert new.group == tree.group1
    client.post(
        reverse("cells:roster_member", args=[tree.cell.pk, new.member_id]),
        {"action": "group", "g-group": tree.group2.pk, "g-on": "2026-06-01"},
    )
    # A change of party group is a dated period: figures of May keep the old group.
    periods = list(
        Membership.objects.filter(member=new.member)
        .order_by("start_date")
        .values_list("group", "start_date", "end_date", "end_reason")
    )
    assert periods == [
        (tree.group1.pk, datetime.date(2025, 1, 1), datetime.date(2026, 6, 1), "regroup"),
        (tree.group2.pk, datetime.date(2026, 6, 1), None, ""),
    ]
    assert Membership.objects.at(datetime.date(2026, 5, 31)).get(member=new.member).group == (
        tree.group1
    )
    client.post(
        reverse("cells:roster_member", args=[tree.cell.pk, new.member_id]),
        {"action": "leave", "l-reason": "left", "l-on": "2026-07-01", "l-confirm": "on"},
    )
    assert Membership.objects.filter(member=new.member).latest("start_date").end_reason == "left"


def test_recording_a_leaving_asks_for_a_reason_and_a_confirmation(login, tree, people):
    client = login(people.bob)
    url = reverse("cells:roster_member", args=[tree.cell.pk, people.alice_member.pk])
    page = client.get(url)
    # Neither "left" nor "deceased" is chosen for the secretary.
    assert not page.context["leave_form"]["reason"].value()
    assert 'value="left" checked' not in page.text and 'value="deceased" checked' not in page.text
    refused = client.post(url, {"action": "leave", "l-reason": "deceased", "l-on": "2026-07-01"})
    assert refused.status_code == 200
    assert "Đánh dấu vào ô xác nhận trước khi ghi." in refused.text
    unchosen = client.post(url, {"action": "leave", "l-on": "2026-07-01", "l-confirm": "on"})
    assert unchosen.status_code == 200
    assert Membership.objects.get(member=people.alice_member, end_date__isnull=True)
    assert not AuditEvent.objects.filter(action="member.leave").exists()
    client.post(
        url, {"action": "leave", "l-reason": "deceased", "l-on": "2026-07-01", "l-confirm": "on"}
    )
    ended = Membership.objects.filter(member=people.alice_member).latest("start_date")
    assert (ended.end_date, ended.end_reason) == (datetime.date(2026, 7, 1), "deceased")


def test_a_committee_member_reads_but_cannot_act(login, tree, people, alice_plan):
    from registry.access.models import RoleAssignment

    from ..factories import give_role

    carol = UserFactory(username="carol")
    give_role(carol, tree.cell, RoleAssignment.Role.COMMITTEE_MEMBER)
    client = login(carol)
    assert client.get(reverse("cells:dashboard", args=[tree.cell.pk])).status_code == 200
    assert (
        client.post(
            reverse("cells:plan_review", args=[alice_plan.pk]), {"action": "approve"}
        ).status_code
        == 403
    )
    assert Plan.objects.get(pk=alice_plan.pk).status == Plan.Status.SUBMITTED


def test_secretary_of_another_cell_gets_404_on_everything(login, tree, people, alice_plan):
    services.plan_approve(
        plan=submitted_plan(people.bob_member, people.bob), actor=people.root, at=at(2026, 2, 20)
    )
    report_plan = Plan.objects.get(member=people.bob_member)
    report = services.report_file(
        item=report_plan.items.first(),
        quarter=1,
        actor=people.bob,
        status="done",
        at=at(2026, 3, 1),
    )
    cell, member = tree.cell.pk, people.alice_member.pk
    client = login(people.charlie)
    gets = [
        reverse("cells:dashboard", args=[cell]),
        reverse("cells:ratings", args=[cell]),
        reverse("cells:rating_edit", args=[cell, member]),
        reverse("cells:meetings", args=[cell]),
        reverse("cells:meeting_new", args=[cell]),
        reverse("cells:checks", args=[cell]),
        reverse("cells:check_new", args=[cell]),
        reverse("cells:roster_add", args=[cell]),
        reverse("cells:roster_receive", args=[cell]),
        reverse("cells:roster_member", args=[cell, member]),
        reverse("cells:late_registration", args=[cell, member]),
        reverse("pledges:detail", args=[alice_plan.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (reverse("cells:plan_review", args=[alice_plan.pk]), {"action": "approve"}),
        (reverse("cells:plan_review", args=[alice_plan.pk]), {"action": "return", "comment": "x"}),
        (reverse("cells:bulk_approve", args=[cell]), {"plans": [alice_plan.pk]}),
        (reverse("cells:report_review", args=[report.pk]), {"action": "accept"}),
        (reverse("cells:report_review", args=[report.pk]), {"action": "ask_more", "comment": "x"}),
        (reverse("cells:rating_edit", args=[cell, member]), {"level": "tot", "justification": "x"}),
        (
            reverse("cells:meeting_new", args=[cell]),
            {"date": "2026-03-01", "chair": member, "attendees": [member], "conclusions": "x"},
        ),
        (
            reverse("cells:roster_member", args=[cell, member]),
            {"action": "transfer", "t-to_cell": tree.next_cell.pk},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert Plan.objects.get(pk=alice_plan.pk).status == Plan.Status.SUBMITTED
    assert ProgressReport.objects.get(pk=report.pk).review == "pending"
    assert not YearRating.objects.exists() and not CellMeeting.objects.exists()
    assert (
        Membership.objects.get(member=people.alice_member, end_date__isnull=True).cell == tree.cell
    )
