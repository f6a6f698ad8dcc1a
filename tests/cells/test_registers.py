"""The cell's printed registers (issue 13, point 3): the roster of party members, the minutes
of a meeting, the list of checks and supervision of a year, and the book of registrations of a
year, each a Party document printed from the page it belongs to by whoever may see that page;
the book is rendered by a worker, once."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.cells import services
from registry.cells.models import CellMeeting, RegistrationBook
from registry.cells.tasks import render_book, resend_stalled_books
from registry.members.models import Member
from registry.members.services import member_leave

from ..factories import UserFactory, approved_plan, make_member, submitted_plan
from ..pdfs import flat, needs_poppler, pages, reading_text, save

pytestmark = needs_poppler

HEADER = ("ĐẢNG CỘNG SẢN VIỆT NAM", "HUYỆN ỦY MƯỜNG LA", "CHI BỘ KHỐI ĐẢNG")


@pytest.fixture
def cell(tree, people, programme_2026):
    """Chi bộ Khối Đảng: Đức (group 2, the member alice), Thắng (group 1, the secretary bob),
    Dung (group 1, probationary, with every detail), Sùng (no group), a participant who is not
    a party member, and a member who has left."""
    people.dung = make_member(
        tree.cell,
        "Cà Thị Dung",
        group=tree.group1,
        user=UserFactory(username="dung"),
        card_number="91234567",
        birth_date=datetime.date(1980, 5, 4),
        admission_date=datetime.date(2005, 3, 2),
        job_title="Trưởng phòng Tổ chức",
        status=Member.Status.PROBATIONARY,
    )
    people.sung = make_member(tree.cell, "Mùa A Sùng")
    make_member(tree.cell, "Hoàng Thị Mai", category=Member.Category.WORKER)
    gone = make_member(tree.cell, "Tòng Văn Đi")
    member_leave(member=gone, on=datetime.date(2026, 6, 30))
    return tree.cell


def pdf_text(response, tmp_path, name="document.pdf"):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return flat(reading_text(save(response.content, tmp_path, name)))


def test_the_roster_lists_the_party_members_by_group_with_a_count(login, cell, people, tmp_path):
    client = login(people.bob)
    page = client.get(reverse("units:detail", args=[cell.pk]))
    assert reverse("cells:roster_pdf", args=[cell.pk]) in page.text
    text = pdf_text(client.get(reverse("cells:roster_pdf", args=[cell.pk])), tmp_path)
    for line in HEADER:
        assert line in text
    assert "DANH SÁCH ĐẢNG VIÊN" in text
    assert "Tổng số: 4 đảng viên (chính thức: 3; dự bị: 1)." in text
    # by party group, in the groups' order, those in none last
    one, two, none = (
        text.index("Tổ đảng số 1 (2 đảng viên)"),
        text.index("Tổ đảng số 2 (1 đảng viên)"),
        text.index("Chưa xếp tổ đảng (1 đảng viên)"),
    )
    assert one < text.index("Cà Thị Dung") < text.index("Lò Văn Thắng") < two
    assert two < text.index("Nguyễn Văn Đức") < none < text.index("Mùa A Sùng")
    # card number, date of birth, date of admission, position (the cell office first)
    assert "91234567" in text and "04/05/1980" in text and "02/03/2005" in text
    assert "Trưởng phòng Tổ chức" in text and "(dự bị)" in text
    assert "Bí thư chi bộ" in text
    assert "Hoàng Thị Mai" not in text and "Tòng Văn Đi" not in text
    assert "T/M CHI BỘ" in text and "BÍ THƯ" in text and "Lưu chi bộ" in text


def test_the_minutes_print_what_the_meeting_form_recorded(login, cell, people, tmp_path):
    client = login(people.bob)
    today = timezone.localdate()
    response = client.post(
        reverse("cells:meeting_new", args=[cell.pk]),
        {
            "date": today.isoformat(),
            "starts_at": "14:00",
            "ends_at": "16:30",
            "place": "Hội trường Huyện ủy",
            "chair": people.bob_member.pk,
            "minute_taker": people.alice_member.pk,
            "attendees": [people.bob_member.pk, people.alice_member.pk],
            f"reason_{people.dung.pk}": "Đi công tác tỉnh",
            f"reason_{people.alice_member.pk}": "Bỏ qua: đã có mặt",
            "agenda": "Kiểm điểm việc làm theo quý\nTriển khai nhiệm vụ tháng tới",
            "content": "Các đồng chí báo cáo tiến độ việc đăng ký.",
            "conclusions": "Chi bộ thống nhất giao tổ đảng số 1 đôn đốc.",
        },
    )
    assert response.status_code == 302
    meeting = CellMeeting.objects.get()
    assert meeting.absence_reasons == {str(people.dung.pk): "Đi công tác tỉnh"}
    assert meeting.minute_taker == people.alice_member and meeting.place == "Hội trường Huyện ủy"
    url = reverse("cells:meeting_minutes", args=[cell.pk, meeting.pk])
    assert url in client.get(reverse("cells:meetings", args=[cell.pk])).text
    text = pdf_text(client.get(url), tmp_path)
    for line in HEADER:
        assert line in text
    assert "BIÊN BẢN" in text
    assert f"sinh hoạt chi bộ tháng {today.month} năm {today.year}" in text
    assert f"vào hồi 14 giờ 00 phút, ngày {today:%d/%m/%Y}, tại Hội trường Huyện ủy" in text
    assert "Chủ trì: đồng chí Lò Văn Thắng." in text
    assert "Thư ký: đồng chí Nguyễn Văn Đức." in text
    assert "Đảng viên có mặt: 2/4 đồng chí." in text
    assert "Đảng viên vắng mặt: 2 đồng chí" in text
    assert "Đồng chí Cà Thị Dung – lý do: Đi công tác tỉnh" in text
    assert "Đồng chí Mùa A Sùng – không ghi lý do" in text
    assert "Bỏ qua" not in text and "Hoàng Thị Mai" not in text
    assert "Triển khai nhiệm vụ tháng tới" in text
    assert "Các đồng chí báo cáo tiến độ việc đăng ký." in text
    assert "Chi bộ thống nhất giao tổ đảng số 1 đôn đốc." in text
    assert "kết thúc vào hồi 16 giờ 30 phút" in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text


def test_the_meeting_must_end_after_it_starts(login, cell, people):
    response = login(people.bob).post(
        reverse("cells:meeting_new", args=[cell.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "starts_at": "16:00",
            "ends_at": "15:00",
            "chair": people.bob_member.pk,
            "attendees": [people.bob_member.pk],
            "conclusions": "Kết luận",
        },
    )
    assert response.status_code == 200
    assert "Buổi sinh hoạt phải kết thúc sau giờ bắt đầu." in response.text
    assert not CellMeeting.objects.exists()


def test_a_meeting_recorded_without_the_minutes_fields_still_prints(login, cell, people, tmp_path):
    meeting = services.meeting_record(
        cell=cell,
        actor=people.bob,
        date=datetime.date(2026, 3, 5),
        chair=people.bob_member,
        attendees=[people.bob_member, people.alice_member, people.dung, people.sung],
        conclusions="Thống nhất nội dung đăng ký năm.",
    )
    url = reverse("cells:meeting_minutes", args=[cell.pk, meeting.pk])
    text = pdf_text(login(people.olga).get(url), tmp_path)
    assert "BIÊN BẢN" in text and "sinh hoạt chi bộ tháng 3 năm 2026" in text
    assert "Hôm nay, ngày 05/03/2026, Chi bộ Khối Đảng tiến hành sinh hoạt chi bộ." in text
    # counted among the members of that day: Đi left the cell in June
    assert "Đảng viên có mặt: 4/5 đồng chí." in text
    assert "Đồng chí Tòng Văn Đi – không ghi lý do." in text
    assert "Thư ký: …" in text  # left to fill in by hand
    assert "Thống nhất nội dung đăng ký năm." in text
    assert "CHỦ TRÌ" in text and "Lò Văn Thắng" in text


def test_the_checks_of_a_year_are_listed_with_a_count(login, cell, people, tmp_path):
    for member, kind, day, subject in [
        (people.alice_member, "kiem_tra", datetime.date(2026, 4, 2), "Việc thực hiện cam kết"),
        (people.dung, "giam_sat", datetime.date(2026, 8, 20), "Việc nêu gương nơi cư trú"),
        (people.sung, "kiem_tra", datetime.date(2025, 11, 3), "Việc năm trước"),
    ]:
        services.supervision_record(
            cell=cell,
            actor=people.bob,
            member=member,
            kind=kind,
            date=day,
            subject=subject,
            findings="Đã thực hiện",
            conclusion="Đạt yêu cầu",
        )
    client = login(people.bob)
    url = reverse("cells:checks_pdf", args=[cell.pk])
    assert f"{url}?year=2026" in client.get(reverse("cells:checks", args=[cell.pk])).text
    text = pdf_text(client.get(url, {"year": 2026}), tmp_path)
    for line in HEADER:
        assert line in text
    assert "DANH SÁCH" in text and "kiểm tra, giám sát đảng viên năm 2026" in text
    assert "Tổng số: 2 cuộc (kiểm tra: 1; giám sát: 1)." in text
    assert text.index("02/04/2026") < text.index("20/08/2026")
    assert "Nguyễn Văn Đức" in text and "Việc nêu gương nơi cư trú" in text
    assert "Việc năm trước" not in text and "Mùa A Sùng" not in text
    assert client.get(url, {"year": "99999"}).status_code == 404


def test_another_cells_secretary_and_a_plain_member_get_404(login, cell, people):
    meeting = services.meeting_record(
        cell=cell,
        actor=people.bob,
        date=datetime.date(2026, 3, 5),
        chair=people.bob_member,
        attendees=[people.bob_member],
        conclusions="Kết luận",
    )
    book = RegistrationBook.objects.create(
        cell=cell, year=2026, status="failed", requested_at=timezone.now()
    )
    urls = [
        reverse("cells:registers", args=[cell.pk]),
        reverse("cells:roster_pdf", args=[cell.pk]),
        reverse("cells:meeting_minutes", args=[cell.pk, meeting.pk]),
        reverse("cells:checks_pdf", args=[cell.pk]),
        reverse("cells:book_status", args=[book.pk]),
        reverse("cells:book_download", args=[book.pk]),
    ]
    for user in (people.charlie, people.alice):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("cells:book_retry", args=[book.pk])).status_code == 404
        assert client.post(urls[0], {"year": "2026"}).status_code == 404
    # the next cell's own minutes page does not print this cell's meeting
    next_cell = people.charlie_member.memberships.get().cell
    url = reverse("cells:meeting_minutes", args=[next_cell.pk, meeting.pk])
    assert login(people.charlie).get(url).status_code == 404
    assert RegistrationBook.objects.count() == 1


@pytest.fixture
def plans(cell, people):
    """Đức's plan approved, Dung's submitted; Thắng, Sùng and Mai have none."""
    return {
        "Nguyễn Văn Đức": approved_plan(
            people.alice_member,
            people.alice,
            people.bob,
            items=("Học tập chuyên đề năm", "Giúp đỡ hộ nghèo bản Nà Lốc"),
        ),
        "Cà Thị Dung": submitted_plan(
            people.dung, people.dung.user, items=("Nêu gương nơi cư trú",)
        ),
    }


def _without_page_numbers(page: str) -> list[str]:
    """A printed page's lines, without the page number at its top and blank lines."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return lines[1:] if lines and re.fullmatch(r"\d+", lines[0]) else lines


def test_the_book_prints_every_plan_as_its_own_pdf_with_a_table_of_contents(
    login, cell, people, plans, eager, django_capture_on_commit_callbacks, tmp_path
):
    client = login(people.bob)
    registers = reverse("cells:registers", args=[cell.pk])
    assert registers in client.get(reverse("cells:dashboard", args=[cell.pk])).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(registers, {"year": "2026"})
    assert response.status_code == 302
    book = RegistrationBook.objects.get()
    assert book.status == "ready", book.error
    assert book.plan_count == 2 and book.attempts == 1
    download = reverse("cells:book_download", args=[book.pk])
    assert download in client.get(registers).text
    content = b"".join(client.get(download).streaming_content)
    path = save(content, tmp_path, "book.pdf")
    text = flat(reading_text(path))
    for line in HEADER:
        assert line in text
    assert "SỔ ĐĂNG KÝ" in text and "MỤC LỤC" in text
    # participants who are not party members register too; by given name, as lists are
    assert (
        "Tổng số: 2 bản đăng ký. Chưa đăng ký (3): Hoàng Thị Mai, Mùa A Sùng, Lò Văn Thắng." in text
    )
    printed = pages(path)
    contents = printed[0].splitlines()

    def listed_on(name: str) -> int:
        return int(next(line for line in contents if name in line).split()[-1])

    # every member with a plan is listed with the page their plan starts on, by name
    first, second = listed_on("1. Nguyễn Văn Đức"), listed_on("2. Cà Thị Dung")
    assert (first, second) == (2, 3)
    assert "(chờ chi bộ duyệt)" in next(line for line in contents if "Cà Thị Dung" in line)
    # each member's pages say exactly what their own plan PDF says
    for name, start, end in [
        ("Nguyễn Văn Đức", first, second),
        ("Cà Thị Dung", second, len(printed) + 1),
    ]:
        own = client.get(reverse("pledges:pdf", args=[plans[name].pk]))
        own_pages = pages(save(own.content, tmp_path, f"{plans[name].pk}.pdf"))
        assert [_without_page_numbers(p) for p in printed[start - 1 : end - 1]] == [
            _without_page_numbers(p) for p in own_pages
        ]


def test_a_second_order_while_the_book_waits_is_the_same_book(
    login, cell, people, plans, django_capture_on_commit_callbacks
):
    client = login(people.olga)  # the district's officer, whose reach covers the cell
    plans_list = client.get(reverse("cells:list", args=[cell.pk, "plans-approved"]), {"year": 2026})
    assert f'action="{reverse("cells:registers", args=[cell.pk])}"' in plans_list.text
    assert "In sổ đăng ký năm 2026" in plans_list.text
    with (
        mock.patch("registry.cells.tasks.render_book.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("cells:registers", args=[cell.pk]), {"year": "2026"})
        client.post(reverse("cells:registers", args=[cell.pk]), {"year": "2026"})
    book = RegistrationBook.objects.get()
    send.assert_called_once_with((book.pk,), retry=False)
    page = client.get(reverse("cells:registers", args=[cell.pk]))
    assert reverse("cells:book_status", args=[book.pk]) in page.text  # it polls its state
    assert (
        client.post(
            reverse("cells:registers", args=[cell.pk]), {"year": "abc"}, follow=True
        ).text.count("Đề nghị nhập năm từ")
        == 1
    )
    assert RegistrationBook.objects.count() == 1


def test_a_book_whose_worker_died_is_rendered_later_exactly_once(
    cell, people, plans, eager, django_capture_on_commit_callbacks
):
    with (
        mock.patch("registry.cells.tasks.render_book.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        book = services.book_order(cell=cell, actor=people.bob, year=2026)
    send.assert_called_once_with((book.pk,), retry=False)
    # A worker claimed it and was killed before it finished.
    now = timezone.now()
    RegistrationBook.objects.filter(pk=book.pk).update(
        status="rendering",
        requested_at=now - datetime.timedelta(minutes=11),
        started_at=now - datetime.timedelta(minutes=6),
    )
    renders = []
    real = services.book_render

    def counting(**kwargs):
        renders.append(kwargs)
        return real(**kwargs)

    with mock.patch.object(services, "book_render", side_effect=counting):
        resend_stalled_books.apply()  # sends it again: rendered
        render_book.apply(args=(book.pk,))  # the old message redelivered: nothing to do
        resend_stalled_books.apply()  # nothing stalled any more
    book.refresh_from_db()
    assert book.status == "ready" and book.attempts == 1 and book.plan_count == 2
    assert len(renders) == 2  # two deliveries, one rendering (attempts == 1)


def test_a_failed_book_shows_its_reason_and_renders_again_on_retry(
    login, cell, people, plans, eager, django_capture_on_commit_callbacks
):
    client = login(people.bob)
    with (
        mock.patch("registry.cells.pdf.render_pdf", side_effect=OSError("hết dung lượng")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("cells:registers", args=[cell.pk]), {"year": "2026"})
    book = RegistrationBook.objects.get()
    assert book.status == "failed" and "hết dung lượng" in book.error
    page = client.get(reverse("cells:book_status", args=[book.pk]))
    assert "hết dung lượng" in page.text
    assert reverse("cells:book_retry", args=[book.pk]) in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cells:book_retry", args=[book.pk]))
    book.refresh_from_db()
    assert book.status == "ready" and book.attempts == 2
