import datetime
import subprocess

import pytest
from django.urls import reverse

from registry.pledges import services
from registry.pledges.models import Plan
from registry.pledges.pdf import render_plan_pdf
from registry.pledges.selectors import plan_full

from ..factories import UserFactory, approved_plan, make_member, submitted_plan
from ..pdfs import flat, needs_poppler, page_count, pages, reading_text, save, word_spans

TZ = datetime.timezone(datetime.timedelta(hours=7))

pytestmark = needs_poppler


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def plan(people, programme_2026, tree):
    tree.district.place = "Mường La"
    tree.district.save()
    plan = services.plan_create(
        member=people.alice_member,
        year=2026,
        actor=people.alice,
        at=datetime.datetime(2026, 2, 1, tzinfo=TZ),
    )
    services.plan_save(
        plan=plan,
        actor=people.alice,
        study_content="Học tập chuyên đề năm 2026; đọc tác phẩm “Sửa đổi lối làm việc”.",
        items=[
            {
                "action": "Dự đầy đủ sinh hoạt chi bộ, phát biểu xây dựng",
                "measures": "Sắp xếp công việc hợp lý",
                "target_value": 12,
                "target_unit": "buổi",
                "quarter": 4,
            },
            {
                "action": "Giải quyết hồ sơ đúng hạn, không để tồn đọng",
                "expected_result": "Hồ sơ đúng hạn",
                "target_value": 100,
                "target_unit": "%",
                "deadline": datetime.date(2026, 12, 31),
                "is_breakthrough": True,
            },
        ],
    )
    services.plan_submit(
        plan=plan,
        actor=people.alice,
        commitment_confirmed=True,
        at=datetime.datetime(2026, 3, 5, 10, tzinfo=TZ),
    )
    return plan


def test_the_plan_pdf_carries_the_official_header_and_every_diacritic(plan, tmp_path):
    filename, mimetype, content = render_plan_pdf(plan_full(plans=Plan.objects.all(), pk=plan.pk))
    assert mimetype == "application/pdf"
    assert filename == "Bản đăng ký làm theo 2026 - Nguyễn Văn Đức.pdf"
    text = pdf_text(content, tmp_path)
    for line in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "HUYỆN ỦY MƯỜNG LA",
        "CHI BỘ KHỐI ĐẢNG",
        "Mường La, ngày 05 tháng 3 năm 2026",
        "BẢN ĐĂNG KÝ",
        "HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG, ĐẠO ĐỨC, PHONG CÁCH HỒ CHÍ MINH NĂM 2026",
        "Nguyễn Văn Đức",
        "Dự đầy đủ sinh hoạt chi bộ, phát biểu xây dựng",
        "Giải quyết hồ sơ đúng hạn, không để tồn đọng",
        "Chỉ tiêu: 12 buổi",
        "“Sửa đổi lối làm việc”",
        "Tôi xin cam kết thực hiện đầy đủ",
        "T/M CHI BỘ",
        "NGƯỜI ĐĂNG KÝ",
    ]:
        assert line in " ".join(text.split()), line


def test_the_pdf_is_a4_and_served_inline_with_a_vietnamese_name(plan, login, people, tmp_path):
    response = login(people.alice).get(reverse("pledges:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''B%E1%BA%A3n" in response["Content-Disposition"]
    path = tmp_path / "p.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.28 x 841.89 pts (A4)" in info or "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    # Only the shipped serif, embedded: no fallback font that could miss a diacritic.
    names = [row.split()[0] for row in fonts.splitlines()[2:]]
    assert names and all("Doc-Serif" in name for name in names), fonts


def test_the_secretary_may_print_it_and_another_cell_may_not(plan, login, people):
    assert login(people.bob).get(reverse("pledges:pdf", args=[plan.pk])).status_code == 200
    assert login(people.charlie).get(reverse("pledges:pdf", args=[plan.pk])).status_code == 404


# Layout: what a reader of the printed form sees, page by page.

A4_WIDTH = 595.28
MM = 72 / 25.4
SHORT_ITEMS = [
    {
        "action": "Dự đầy đủ sinh hoạt chi bộ, phát biểu xây dựng",
        "measures": "Sắp xếp công việc hợp lý",
        "target_value": 12,
        "target_unit": "buổi",
        "quarter": 4,
    },
    {
        "action": "Giải quyết hồ sơ đúng hạn, không để tồn đọng",
        "expected_result": "Hồ sơ đúng hạn",
        "target_value": 100,
        "target_unit": "%",
        "deadline": datetime.date(2026, 12, 31),
        "is_breakthrough": True,
    },
    {"action": "Tham gia lao động vệ sinh môi trường ở bản", "measures": "Mỗi tháng một buổi"},
    {"action": "Đọc và chia sẻ một tác phẩm của Bác với tổ đảng", "quarter": 2},
]


def printed(plan, tmp_path, name="plan.pdf"):
    _filename, _mimetype, content = render_plan_pdf(plan_full(plans=Plan.objects.all(), pk=plan.pk))
    return save(content, tmp_path, name)


@pytest.fixture
def full_identity(people, tree):
    """Every identity line of the form filled in, and a place on the date line."""
    tree.district.place = "Mường La"
    tree.district.save()
    member = people.alice_member
    member.birth_date = datetime.date(1985, 5, 19)
    member.job_title = "Chuyên viên Văn phòng Huyện ủy"
    member.workplace = "Văn phòng Huyện ủy Mường La"
    member.save()
    return member


def test_the_title_keeps_ho_chi_minh_on_one_line(plan, tmp_path):
    first = pages(printed(plan, tmp_path))[0]
    title = [line.strip() for line in first.splitlines() if "HỌC TẬP VÀ LÀM THEO" in line]
    title += [line.strip() for line in first.splitlines() if "MINH NĂM 2026" in line]
    assert any("HỒ CHÍ MINH" in line for line in title), title
    assert flat(" ".join(dict.fromkeys(title))) == (
        "HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG, ĐẠO ĐỨC, PHONG CÁCH HỒ CHÍ MINH NĂM 2026"
    )


def test_a_very_long_item_and_a_long_address_print_whole_inside_the_margins(
    people, programme_2026, tmp_path
):
    words = "Tham gia sinh hoạt chuyên đề ở tổ đảng, viết thu hoạch và báo cáo chi bộ;"
    end = " việc cuối cùng là tổng kết cả năm"
    action = " ".join([words] * 200)[: 10_000 - len(end)] + end
    address = "https://thuvien.example.vn/tai_lieu?ma=" + "x" * 252 + "HETDIACHI"
    assert len(action) == 10_000 and len(address) == 300
    plan = submitted_plan(
        people.alice_member,
        people.alice,
        items=[SHORT_ITEMS[0], {"action": action, "measures": address}, SHORT_ITEMS[1]],
    )
    path = printed(plan, tmp_path)
    texts = pages(path)
    whole = reading_text(path)
    assert "việc cuối cùng là tổng kết cả năm" in flat(whole)
    assert address in "".join(whole.split())
    assert "Giải quyết hồ sơ đúng hạn" in flat(whole)  # the row after the long one
    assert "Tôi xin cam kết" in flat(whole)
    # The long row breaks across pages, and the table's head repeats on each of them.
    assert len(texts) >= 4
    assert all("Việc làm theo" in text for text in texts[1:-1])
    # Nothing is printed in the margins, let alone off the page.
    left, right = 35 * MM, A4_WIDTH - 15 * MM
    spans = word_spans(path)
    assert spans and all(left - 1 <= a and b <= right + 1 for a, b in spans), max(
        b for _a, b in spans
    )


def test_the_signature_always_takes_the_end_of_the_commitment_along(
    people, programme_2026, tree, tmp_path
):
    """Whatever the length of the table, the page with the signatures also holds the end of the
    commitment, never the signatures alone."""
    counts = set()
    for n in range(3, 10):
        member = make_member(tree.cell, f"Lò Văn Thử Số {n}", user=UserFactory())
        items = [
            {
                "action": f"Việc làm theo số {i}, viết đủ dài để chiếm hai dòng của bảng",
                "measures": "Sắp xếp công việc hợp lý",
            }
            for i in range(n)
        ]
        plan = approved_plan(member, member.user, people.bob, items=items)
        path = printed(plan, tmp_path, f"plan-{n}.pdf")
        texts = [flat(text) for text in pages(path)]
        counts.add(len(texts))
        end = " ".join(plan.commitment.split()[-4:])
        signed = [text for text in texts if "Lò Văn Thắng" in text]
        assert len(signed) == 1, n
        assert end in signed[0] and member.full_name in signed[0], (n, signed[0])
    assert {1, 2} <= counts  # the closing met the end of the first page on the way


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "amending"])
def test_a_plan_the_cell_has_not_approved_prints_as_a_draft(
    state, people, programme_2026, tmp_path
):
    at = datetime.datetime(2026, 3, 10, tzinfo=TZ)
    if state == "draft":
        plan = services.plan_create(
            member=people.alice_member, year=2026, actor=people.alice, at=at
        )
        services.plan_save(plan=plan, actor=people.alice, study_content="", items=SHORT_ITEMS)
    else:
        plan = submitted_plan(people.alice_member, people.alice, items=SHORT_ITEMS)
    if state == "returned":
        services.plan_return(plan=plan, actor=people.bob, comment="Bổ sung chỉ tiêu", at=at)
    if state == "amending":
        services.plan_approve(plan=plan, actor=people.bob, at=at)
        services.plan_request_amendment(
            plan=plan, actor=people.alice, reason="Đổi việc thứ ba", at=at
        )
    plan.refresh_from_db()
    assert plan.status == state
    text = flat(pages(printed(plan, tmp_path))[0])
    label = {
        "draft": "Bản nháp",
        "submitted": "Chờ chi bộ duyệt",
        "returned": "Trả lại để bổ sung",
        "amending": "Đang điều chỉnh",
    }[state]
    assert f"DỰ THẢO – {label}" in text
    assert "Lò Văn Thắng" not in text  # the cell has not confirmed this version


def test_an_approved_plan_carries_no_draft_mark_and_the_secretarys_name(
    people, programme_2026, tmp_path
):
    plan = approved_plan(people.alice_member, people.alice, people.bob, items=SHORT_ITEMS)
    text = flat(" ".join(pages(printed(plan, tmp_path))))
    assert "DỰ THẢO" not in text
    assert "Lò Văn Thắng" in text


@pytest.mark.parametrize("approved", [False, True], ids=["submitted", "approved"])
def test_a_short_plan_prints_on_one_page(approved, people, programme_2026, full_identity, tmp_path):
    make = approved_plan if approved else submitted_plan
    extra = (people.bob,) if approved else ()
    plan = make(
        people.alice_member,
        people.alice,
        *extra,
        items=SHORT_ITEMS,
        study_content="Học tập chuyên đề năm 2026; đọc tác phẩm “Sửa đổi lối làm việc”.",
    )
    path = printed(plan, tmp_path)
    assert page_count(path) == 1
    text = flat(pages(path)[0])
    for line in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "CHI BỘ KHỐI ĐẢNG",
        "Mường La, ngày 02 tháng 02 năm 2026",
        "BẢN ĐĂNG KÝ",
        "Chức vụ: Chuyên viên Văn phòng Huyện ủy.",
        "Đơn vị công tác: Văn phòng Huyện ủy Mường La.",
        "Đọc và chia sẻ một tác",
        "Tôi xin cam kết",
        "XÁC NHẬN CỦA CHI BỘ",
        "NGƯỜI ĐĂNG KÝ",
    ]:
        assert line in text, line
    assert ("Lò Văn Thắng" in text) == approved


def test_an_empty_study_content_prints_what_the_page_shows(people, programme_2026, tmp_path):
    plan = submitted_plan(people.alice_member, people.alice, items=SHORT_ITEMS[:1])
    text = flat(pages(printed(plan, tmp_path))[0])
    assert "I. Nội dung học tập – II. Những việc đăng ký làm theo" in text
    assert "kế hoạch của chi bộ" not in text
