"""The quarterly review as printed: its title and its closing."""

import pytest

from registry.programmes.models import Programme
from registry.reviews.pdf import render_review_pdf

from ..pdfs import flat, needs_poppler, pages, save

pytestmark = needs_poppler


@pytest.fixture
def review(issued):
    return issued


def printed(review, tmp_path, name="review.pdf"):
    _filename, _mimetype, content = render_review_pdf(review)
    return pages(save(content, tmp_path, name))


@pytest.mark.parametrize(
    "wording",
    [
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        # Left to itself, a line of these would end inside the name.
        "Học tập và làm theo phong cách Hồ Chí Minh",
        "Học tập và làm theo tấm gương đạo đức Hồ Chí Minh",
    ],
)
def test_the_title_keeps_ho_chi_minh_on_one_line(wording, review, tmp_path):
    Programme.objects.filter(year=2026).update(name=wording)
    first = printed(review, tmp_path)[0]
    lines = [line.strip() for line in first.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Sơ kết quý III"))
    title = lines[start : lines.index("", start)]
    assert any("Hồ Chí Minh" in line for line in title), title
    assert (
        flat(" ".join(title)) == f"Sơ kết quý III năm 2026 việc {wording[0].lower()}{wording[1:]}"
    )


def test_the_signature_always_takes_the_end_of_the_last_section_along(review, tmp_path):
    """However long the last section, the signature's page also holds its end."""
    counts = set()
    review.limitations = "Một số đồng chí báo cáo chậm, chưa kèm minh chứng. " * 10
    for n in range(1, 8):
        review.next_tasks = "\n".join(
            f"{i}. Đôn đốc đảng viên chưa đăng ký hoàn thành bản đăng ký, báo cáo chi bộ "
            f"kết quả trong quý tới (việc số {i})."
            for i in range(1, n + 1)
        )
        texts = [flat(text) for text in printed(review, tmp_path, f"review-{n}.pdf")]
        counts.add(len(texts))
        signed = [text for text in texts if "T/M CHI BỘ" in text]
        assert len(signed) == 1 and signed[0] == texts[-1], n
        assert f"(việc số {n})." in signed[0], (n, signed[0])
    assert len(counts) > 1  # the closing met the end of a page on the way
