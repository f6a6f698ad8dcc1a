import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.pledges import services
from registry.pledges.models import Evidence, Plan, PlanSnapshot, ProgressReport

from .conftest import docx_file, html_disguised_as_jpeg, jpeg, pdf_file

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d):
    return datetime.datetime(y, m, d, 9, tzinfo=TZ)


@pytest.fixture
def approved_plan(people, programme_2026):
    plan = services.plan_create(
        member=people.alice_member, year=2026, actor=people.alice, at=at(2026, 2, 1)
    )
    services.plan_save(
        plan=plan,
        actor=people.alice,
        study_content="",
        items=[
            {"action": "Dự sinh hoạt chi bộ", "target_value": 12, "target_unit": "buổi"},
            {"action": "Việc hai"},
        ],
    )
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 2, 2)
    )
    return services.plan_approve(plan=plan, actor=people.bob, at=at(2026, 2, 3))


def test_only_the_cells_secretary_or_deputy_approves(people, programme_2026):
    plan = services.plan_create(
        member=people.alice_member, year=2026, actor=people.alice, at=at(2026, 2, 1)
    )
    services.plan_save(plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}])
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 2, 2)
    )
    for outsider in (people.alice, people.charlie, people.olga):
        with pytest.raises(PermissionDenied):
            services.plan_approve(plan=plan, actor=outsider)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED


def test_returning_needs_a_comment(people, programme_2026):
    plan = services.plan_create(
        member=people.alice_member, year=2026, actor=people.alice, at=at(2026, 2, 1)
    )
    services.plan_save(plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}])
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 2, 2)
    )
    with pytest.raises(ValidationError, match="Hãy ghi rõ nội dung"):
        services.plan_return(plan=plan, actor=people.bob, comment="  ")


def test_an_approved_plan_is_locked(approved_plan, people):
    with pytest.raises(ValidationError, match="Không thể sửa kế hoạch"):
        services.plan_save(
            plan=approved_plan, actor=people.alice, study_content="x", items=[{"action": "Khác"}]
        )
    assert approved_plan.items.count() == 2


def test_an_amendment_keeps_the_approved_version(approved_plan, people):
    services.plan_request_amendment(plan=approved_plan, actor=people.alice, reason="Đổi công tác")
    items = [
        {"id": i.pk, "action": i.action + " (sửa)"}
        for i in approved_plan.items.order_by("position")
    ]
    services.plan_save(plan=approved_plan, actor=people.alice, study_content="", items=items)
    services.plan_submit(
        plan=approved_plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 8, 1)
    )
    services.plan_approve(plan=approved_plan, actor=people.bob, at=at(2026, 8, 2))
    first, second = PlanSnapshot.objects.filter(plan=approved_plan).order_by("approved_at")
    assert first.content["items"][0]["action"] == "Dự sinh hoạt chi bộ"
    assert second.content["items"][0]["action"] == "Dự sinh hoạt chi bộ (sửa)"


def test_an_amendment_needs_a_reason(approved_plan, people):
    with pytest.raises(ValidationError):
        services.plan_request_amendment(plan=approved_plan, actor=people.alice, reason="")


def test_late_registration_opened_by_the_secretary(people, programme_2026):
    plan = services.plan_create(
        member=people.alice_member, year=2026, actor=people.alice, at=at(2026, 5, 1)
    )
    services.plan_save(plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}])
    with pytest.raises(ValidationError, match="đăng ký bổ sung"):
        services.plan_submit(
            plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 5, 2)
        )
    with pytest.raises(PermissionDenied):
        services.registration_extend(
            member=people.alice_member,
            year=2026,
            until=datetime.date(2026, 5, 15),
            actor=people.charlie,
            at=at(2026, 5, 2),
        )
    services.registration_extend(
        member=people.alice_member,
        year=2026,
        until=datetime.date(2026, 5, 15),
        actor=people.bob,
        at=at(2026, 5, 2),
    )
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 5, 3)
    )
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED


def test_a_returned_plan_may_be_resubmitted_after_the_window(people, programme_2026):
    plan = services.plan_create(
        member=people.alice_member, year=2026, actor=people.alice, at=at(2026, 3, 1)
    )
    services.plan_save(plan=plan, actor=people.alice, study_content="", items=[{"action": "Việc"}])
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 3, 30)
    )
    services.plan_return(plan=plan, actor=people.bob, comment="Bổ sung", at=at(2026, 4, 2))
    services.plan_submit(
        plan=plan, actor=people.alice, commitment_confirmed=True, at=at(2026, 4, 5)
    )
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED


def test_no_report_before_approval_or_for_a_future_quarter(people, programme_2026, approved_plan):
    draft = services.plan_create(
        member=people.bob_member, year=2026, actor=people.bob, at=at(2026, 2, 1)
    )
    services.plan_save(plan=draft, actor=people.bob, study_content="", items=[{"action": "Việc"}])
    with pytest.raises(ValidationError, match="sau khi kế hoạch đã được chi bộ duyệt"):
        services.report_file(
            item=draft.items.get(), quarter=1, actor=people.bob, status="done", at=at(2026, 3, 1)
        )
    with pytest.raises(ValidationError, match="Quý III chưa bắt đầu"):
        services.report_file(
            item=approved_plan.items.first(),
            quarter=3,
            actor=people.alice,
            status="done",
            at=at(2026, 5, 1),
        )


def test_not_done_needs_a_reason(approved_plan, people):
    with pytest.raises(ValidationError) as exc:
        services.report_file(
            item=approved_plan.items.first(),
            quarter=1,
            actor=people.alice,
            status="not_done",
            at=at(2026, 3, 1),
        )
    assert "Hãy ghi lý do không thực hiện việc này." in exc.value.message_dict["reason"]


def test_a_report_after_the_deadline_is_marked_late_and_correcting_it_keeps_the_mark(
    approved_plan, people
):
    item = approved_plan.items.first()
    on_time = services.report_file(
        item=item, quarter=1, actor=people.alice, status="in_progress", at=at(2026, 3, 25)
    )
    late = services.report_file(
        item=item, quarter=2, actor=people.alice, status="in_progress", at=at(2026, 6, 26)
    )
    assert (on_time.is_late, late.is_late) == (False, True)
    corrected = services.report_file(
        item=item, quarter=1, actor=people.alice, status="done", at=at(2026, 4, 10)
    )
    assert corrected.is_late is False
    assert ProgressReport.objects.filter(item=item).count() == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (html_disguised_as_jpeg, "nội dung không khớp với tên tệp"),
        (lambda: SimpleUploadedFile("virus.exe", b"MZ\x90\x00rest"), "không thuộc loại được nhận"),
        (
            lambda: SimpleUploadedFile("anh.png", b"\xff\xd8\xff\xe0 jpeg bytes"),
            "nội dung không khớp",
        ),
        (lambda: SimpleUploadedFile("trong.pdf", b""), "không có nội dung"),
    ],
)
def test_a_bad_evidence_file_is_refused_and_nothing_is_saved(
    approved_plan, people, settings, upload, message
):
    item = approved_plan.items.first()
    with pytest.raises(ValidationError) as exc:
        services.report_file(
            item=item,
            quarter=1,
            actor=people.alice,
            status="done",
            account="x",
            files=[jpeg(), upload()],
            at=at(2026, 3, 1),
        )
    assert message in " ".join(exc.value.message_dict["files"])
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_an_oversized_file_is_refused_with_its_size(approved_plan, people, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("anh-lon.jpg", b"\xff\xd8\xff" + b"0" * 5000)
    with pytest.raises(ValidationError) as exc:
        services.report_file(
            item=approved_plan.items.first(),
            quarter=1,
            actor=people.alice,
            status="done",
            files=[big],
            at=at(2026, 3, 1),
        )
    assert exc.value.message_dict["files"] == [
        "Tệp “anh-lon.jpg” có dung lượng 4,9\xa0KB; mỗi tệp tối đa 1,0\xa0KB."
    ]
    assert not ProgressReport.objects.exists()


def test_office_documents_and_pdfs_are_accepted(approved_plan, people):
    report = services.report_file(
        item=approved_plan.items.first(),
        quarter=1,
        actor=people.alice,
        status="done",
        files=[pdf_file(), docx_file()],
        at=at(2026, 3, 1),
    )
    assert sorted(e.content_type for e in report.evidence.all()) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]


def test_self_assessment_opens_in_the_fourth_quarter(approved_plan, people):
    with pytest.raises(ValidationError, match="01/10/2026"):
        services.plan_self_assess(
            plan=approved_plan, actor=people.alice, text="x", rating="tot", at=at(2026, 9, 1)
        )
    with time_machine.travel(at(2026, 12, 1), tick=False):
        services.plan_self_assess(
            plan=approved_plan, actor=people.alice, text="Tốt", rating="xuat_sac"
        )
    assert Plan.objects.get(pk=approved_plan.pk).proposed_rating == "xuat_sac"


def test_the_plan_stays_with_the_cell_where_it_was_made(approved_plan, people, tree, login):
    from registry.members.services import member_transfer

    member_transfer(
        member=people.alice_member,
        to_cell=tree.far_cell,
        on=datetime.date(2026, 9, 1),
        actor=people.root,
    )
    from django.urls import reverse

    response = login(people.bob).get(reverse("pledges:detail", args=[approved_plan.pk]))
    assert response.status_code == 200
    assert "Dự sinh hoạt chi bộ" in response.text


def test_before_the_window_opens_the_member_is_told_when(people, programme_2026):
    allowed, why = services.registration_open_for(
        people.alice_member,
        2026,
        people.alice_member.memberships.get().cell,
        datetime.date(2026, 1, 2),
    )
    assert not allowed
    assert why == "Đăng ký năm 2026 bắt đầu từ 10/01/2026 đến hết 31/03/2026."
