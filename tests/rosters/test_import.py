"""Issue 13, point 1: a committee imports its roster from a file. Upload → the dry run row by
row → confirm; idempotent on the card number; one transaction; any bad row imports nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.audit.models import AuditEvent
from registry.members.models import Member, Membership
from registry.rosters.models import RosterImport
from registry.units.models import Unit

from ..factories import make_member
from .conftest import (
    FAR_CELL_CODE,
    csv_text,
    person,
    to_cp1258,
    xlsx_bytes,
)


def upload(client, unit, name: str, data: bytes):
    return client.post(
        reverse("rosters:start", args=[unit.pk]), {"file": SimpleUploadedFile(name, data)}
    )


def last_job() -> RosterImport:
    return RosterImport.objects.order_by("-pk").first()


def confirm(client, job):
    return client.post(reverse("rosters:confirm", args=[job.pk]), follow=True)


@pytest.mark.django_db
def test_a_10000_row_workbook_is_imported_by_the_worker_and_again_changes_nothing(
    coded, people, login, eager, django_capture_on_commit_callbacks
):
    client = login(people.olga)
    rows = [person(n) for n in range(10_000)]
    rows[7]["group"] = "Tổ đảng số 3"  # not yet a group of the cell: created
    data = xlsx_bytes(rows, typed_dates=True)
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(client, coded.district, "danh-sach.xlsx", data)
    job = last_job()
    assert answer.status_code == 302 and answer.url == reverse("rosters:detail", args=[job.pk])
    assert (job.stage, job.status, job.total, job.done) == ("check", "ready", 10_000, 10_000)
    assert (job.created, job.changed, job.unchanged, job.refused) == (10_000, 0, 0, 0)
    assert Member.objects.filter(card_number__startswith="7").count() == 0  # a dry run
    page = client.get(reverse("rosters:detail", args=[job.pk]))
    assert "10.000" in page.text and "Xác nhận nhập" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rosters:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.stage, job.status, job.done) == ("apply", "ready", 10_000)
    assert client.get(reverse("rosters:progress", args=[job.pk])).json()["percent"] == 100
    imported = Member.objects.filter(card_number__startswith="7")
    assert imported.count() == 10_000
    assert Membership.objects.current().filter(member__in=imported, cell=coded.cell).count() == (
        10_000
    )
    seventh = Member.objects.get(card_number="70000007")
    assert seventh.birth_date == datetime.date(1985, 4, 15)
    assert seventh.phone == "0900000007"  # the leading 0 kept
    assert seventh.status == Member.Status.FULL and seventh.search_name == "lo van thu 7"
    new_group = Unit.objects.get(name="Tổ đảng số 3")
    assert new_group.path.startswith(coded.cell.path) and new_group.kind.is_group
    assert seventh.memberships.get().group == new_group
    assert "10.000 tạo mới, 0 thay đổi" in client.get(reverse("rosters:detail", args=[job.pk])).text

    # The same file again: every row is "no change", and confirming writes nothing.
    counts = (Member.objects.count(), Membership.objects.count(), Unit.objects.count())
    events = AuditEvent.objects.exclude(action="roster.import").count()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, coded.district, "danh-sach.xlsx", data)
    again = last_job()
    assert (again.created, again.changed, again.unchanged, again.refused) == (0, 0, 10_000, 0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rosters:confirm", args=[again.pk]))
    result = client.get(reverse("rosters:detail", args=[again.pk]))
    assert "0 tạo mới, 0 thay đổi" in result.text
    assert (Member.objects.count(), Membership.objects.count(), Unit.objects.count()) == counts
    assert AuditEvent.objects.exclude(action="roster.import").count() == events


@pytest.mark.django_db
def test_a_file_with_one_bad_row_imports_nothing_and_names_that_row(coded, people, login):
    client = login(people.olga)
    rows = [person(n) for n in range(5)]
    rows[3]["birth_date"] = "31/02/1980"
    answer = upload(client, coded.district, "ds.csv", csv_text(rows).encode())
    page = client.get(answer.url)
    job = last_job()
    assert (job.created, job.refused) == (4, 1)
    # Line 5 of the file (the heading is line 1) is named, and why, in Vietnamese.
    assert '<td data-label="Dòng">5</td>' in page.text
    assert "Ngày sinh: “31/02/1980” không phải là ngày" in page.text
    assert "Xác nhận nhập" not in page.text
    confirm(client, job)
    assert not Member.objects.filter(card_number__startswith="7").exists()
    report = client.get(reverse("rosters:report", args=[job.pk, "csv"]))
    text = report.content.decode("utf-8-sig")
    assert "5,Từ chối,70000003" in text and "không phải là ngày" in text
    assert len(text.strip().splitlines()) == 2


@pytest.mark.django_db
def test_the_dry_run_says_why_each_row_is_refused(coded, people, login):
    make_member(coded.next_cell, "Lò Thị Khác", card_number="71000001")
    client = login(people.olga)
    rows = [
        person(1, card_number="12-34"),
        person(2, card_number="71000001"),  # in the cell next door
        person(3, cell_code="khong-co"),
        person(4, cell_code=FAR_CELL_CODE),  # another district: not in olga's reach
        person(5, admission_date="01/01/2099"),
        person(6),
        person(6, full_name="Lò Văn Trùng"),
        person(7, gender="Không rõ", phone="abc"),
    ]
    upload(client, coded.district, "ds.csv", csv_text(rows, separator=";").encode())
    job = last_job()
    assert job.refused == 8
    page = client.get(reverse("rosters:detail", args=[job.pk])).text
    for words in (
        "“12-34” không phải là số thẻ đảng viên",
        "đang sinh hoạt ở chi bộ khác",
        "Không có chi bộ nào mang mã “khong-co”",
        f"Không có chi bộ nào mang mã “{FAR_CELL_CODE}”",
        "Ngày vào Đảng: 01/01/2099 là ngày trong tương lai",
        "cũng có ở dòng 8",
        "cũng có ở dòng 7",
        "Giới tính: ghi Nam hoặc Nữ",
        "“abc” không phải là số điện thoại",
    ):
        assert words in page, words


@pytest.mark.django_db
def test_changes_are_listed_field_by_field_then_applied(coded, people, login):
    client = login(people.olga)
    alice = people.alice_member
    Member.objects.filter(pk=alice.pk).update(card_number="72000001")
    row = person(
        0,
        card_number="72.000.001",
        full_name=alice.full_name,
        job_title="Phó Chánh Văn phòng",
        group="tổ đảng số 1",  # matched by name, accents and case aside
        birth_date="",
        gender="",
        admission_date="",
        full_membership_date="",
        status="",
        workplace="",
        phone="",
    )
    upload(client, coded.cell, "ds.csv", csv_text([row]).encode())
    job = last_job()
    assert (job.changed, job.created) == (1, 0)
    page = client.get(reverse("rosters:detail", args=[job.pk])).text
    assert "Chức vụ" in page and "Phó Chánh Văn phòng" in page and "Tổ đảng số 2" in page
    confirm(client, job)
    alice.refresh_from_db()
    assert alice.job_title == "Phó Chánh Văn phòng"
    assert alice.memberships.current().get().group == coded.group1
    assert Unit.objects.filter(name__iexact="tổ đảng số 1").count() == 1


@pytest.mark.django_db
def test_the_import_refuses_when_the_registry_changed_since_the_check(coded, people, login):
    client = login(people.olga)
    upload(client, coded.district, "ds.csv", csv_text([person(1), person(2)]).encode())
    job = last_job()
    assert job.can_confirm
    # Meanwhile the second person is recorded in the cell next door.
    make_member(coded.next_cell, "Lò Văn Thử 2", card_number="70000002")
    page = confirm(client, job)
    job.refresh_from_db()
    assert (job.stage, job.refused) == ("check", 1)
    assert "không có gì được nhập" in page.text
    assert not Member.objects.filter(card_number="70000001").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-16"),
        lambda text: to_cp1258(text),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("utf-8"),
    ],
    ids=["utf-16", "windows-1258", "utf-8-bom", "utf-8"],
)
def test_csv_encodings_are_read(coded, people, login, encode):
    client = login(people.olga)
    rows = [person(1, full_name="Nguyễn Thị Ngọc Ánh", workplace="Ủy ban nhân dân xã Ít Ong")]
    upload(client, coded.cell, "ds.csv", encode(csv_text(rows, separator=";")))
    confirm(client, last_job())
    member = Member.objects.get(card_number="70000001")
    assert member.full_name == "Nguyễn Thị Ngọc Ánh"  # NFC, whatever the file's marks
    assert member.workplace == "Ủy ban nhân dân xã Ít Ong"
    assert member.search_name == "nguyen thi ngoc anh"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "words"),
    [
        (csv_text([person(1)]).encode("utf-16-le"), "Không đọc được ký tự"),  # no BOM
        (b"S\x81 th\x8d\n", "Không đọc được ký tự"),
        (b"", "rỗng"),
        (b"\xd0\xcf\x11\xe0rest", ".xls"),
        ("Họ và tên\nLò Văn A\n".encode(), "Số thẻ đảng viên"),
    ],
    ids=["utf-16-without-bom", "undecodable", "empty", "old-excel", "no-card-column"],
)
def test_files_that_cannot_be_read_are_refused_clearly(coded, people, login, data, words):
    client = login(people.olga)
    answer = upload(client, coded.cell, "ds.csv", data)
    assert answer.status_code == 200 and words in answer.text
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_excel_dates_and_leading_zeros_are_kept(coded, people, login):
    client = login(people.root)
    rows = [person(1, phone="0212345678", citizen_id="012345678901")]
    upload(client, coded.province, "ds.xlsx", xlsx_bytes(rows, typed_dates=True))
    confirm(client, last_job())
    member = Member.objects.get(card_number="70000001")
    assert (member.phone, member.citizen_id) == ("0212345678", "012345678901")
    assert member.admission_date == datetime.date(2010, 2, 3)


@pytest.mark.django_db
def test_who_may_import(coded, people, login, client):
    from registry.access.models import RoleAssignment

    from ..factories import UserFactory, give_role

    victor = UserFactory(username="victor")
    give_role(victor, coded.other_district, RoleAssignment.Role.OFFICER)
    start = reverse("rosters:start", args=[coded.district.pk])
    login(people.olga)
    upload(client, coded.district, "ds.csv", csv_text([person(1)]).encode())
    job = last_job()
    assert client.get(start).status_code == 200
    assert client.get(reverse("units:detail", args=[coded.district.pk])).text.count(start) == 1
    for outsider in (victor, people.bob, people.alice):
        login(outsider)
        for url in (
            start,
            reverse("rosters:detail", args=[job.pk]),
            reverse("rosters:template", args=[coded.district.pk, "xlsx"]),
            reverse("rosters:report", args=[job.pk, "csv"]),
        ):
            assert client.get(url).status_code == 404, (outsider, url)
        assert client.post(reverse("rosters:confirm", args=[job.pk])).status_code == 404
        assert start not in client.get(reverse("units:detail", args=[coded.cell.pk])).text
    assert not Member.objects.filter(card_number="70000001").exists()
    login(people.root)
    assert client.get(reverse("rosters:start", args=[coded.far_cell.pk])).status_code == 200


@pytest.mark.django_db
def test_the_template_has_the_vietnamese_columns(coded, people, login):
    from io import BytesIO

    from openpyxl import load_workbook

    client = login(people.olga)
    answer = client.get(reverse("rosters:template", args=[coded.district.pk, "xlsx"]))
    sheet = load_workbook(BytesIO(answer.content)).worksheets[0]
    headings = [c.value for c in sheet[1]]
    assert headings[:3] == ["Số thẻ đảng viên", "Họ và tên", "Ngày sinh"]
    assert "Mã đơn vị" in headings and "Tổ đảng" in headings and "Điện thoại" in headings
    assert sheet["A2"].number_format == "@"  # typed as text: a leading 0 stays
    text = client.get(reverse("rosters:template", args=[coded.district.pk, "csv"])).content
    assert text.startswith(b"\xef\xbb\xbf") and "Nơi công tác".encode() in text


@pytest.mark.django_db
def test_a_worker_killed_mid_import_is_redone_later_once(
    coded, people, login, django_capture_on_commit_callbacks, monkeypatch
):
    from unittest import mock

    from registry.rosters import services
    from registry.rosters.tasks import resend_stalled_imports, run_import

    client = login(people.olga)
    monkeypatch.setattr(services, "SYNC_BYTES", 10)  # every file goes to the worker
    with (
        mock.patch("registry.rosters.tasks.run_import.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        upload(client, coded.district, "ds.csv", csv_text([person(1), person(2)]).encode())
    job = last_job()
    send.assert_called_once_with((job.pk,), retry=False)
    assert client.get(reverse("rosters:detail", args=[job.pk])).text.count("data-progress-url")
    run_import.apply(args=(job.pk,))
    with mock.patch("registry.rosters.tasks.run_import.apply_async"):
        confirm(client, job)
    # A worker claimed the import and died: the claim stays, nothing was written.
    stale = datetime.timedelta(minutes=31)
    RosterImport.objects.filter(pk=job.pk).update(status="rendering")
    RosterImport.objects.filter(pk=job.pk).update(started_at=job.requested_at - stale)
    calls = []
    real = services.import_run

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    with mock.patch.object(services, "import_run", side_effect=counting):
        resend_stalled_imports.apply()  # sends it again: imported
        run_import.apply(args=(job.pk,))  # the old message redelivered: nothing to do
        resend_stalled_imports.apply()  # nothing stalled any more
    job.refresh_from_db()
    assert job.is_applied and job.created == 2
    assert Member.objects.filter(card_number__in=["70000001", "70000002"]).count() == 2
    assert AuditEvent.objects.filter(action="roster.import").count() == 1
