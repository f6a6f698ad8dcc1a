import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse

from registry.pledges import services
from registry.pledges.models import Plan
from registry.pledges.pdf import render_plan_pdf
from registry.pledges.selectors import plan_full

TZ = datetime.timezone(datetime.timedelta(hours=7))

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


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
