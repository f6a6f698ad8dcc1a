from django.utils import timezone

from registry.access.models import RoleAssignment
from registry.core.charts import Series, stacked_bars
from registry.core.documents import date_line, header_for, render_pdf
from registry.programmes.selectors import programme_for
from registry.units.models import Unit

from .models import Review

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
COLORS = [
    ("done", "Hoàn thành", "#1e7b34"),
    ("in_progress", "Đang thực hiện", "#3b78c4"),
    ("not_started", "Chưa bắt đầu", "#9e9e9e"),
    ("not_done", "Không thực hiện", "#b3261e"),
]


def review_chart(review: Review, font_family: str = "system-ui, sans-serif"):
    last = review.quarter or 4
    quarters = [str(q) for q in range(1, last + 1)]
    by_q = review.figures.get("by_quarter", {})
    return stacked_bars(
        categories=[f"Quý {ROMAN[int(q)]}" for q in quarters],
        series=[
            Series(label, color, [by_q.get(q, {}).get(key, 0) for q in quarters])
            for key, label, color in COLORS
        ],
        title="Tiến độ thực hiện các việc làm theo qua từng quý",
        font_family=font_family,
    )


def review_title(review: Review, programme_name: str) -> tuple[str, str]:
    wording = programme_name or "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    wording = wording[0].lower() + wording[1:]
    if review.kind == Review.Kind.QUARTER:
        summary = f"Sơ kết quý {ROMAN[review.quarter]} năm {review.year} việc {wording}"
    else:
        summary = f"Tổng kết năm {review.year} việc {wording}"
    return "Báo cáo", summary


def review_filename(review: Review) -> str:
    period = f"quý {ROMAN[review.quarter]}" if review.kind == Review.Kind.QUARTER else "năm"
    kind = "sơ kết" if review.kind == Review.Kind.QUARTER else "tổng kết"
    return f"Báo cáo {kind} {period} năm {review.year} - {review.unit.name}.pdf".replace(
        "năm năm", "năm"
    )


def _signer(review: Review) -> tuple[str, str]:
    """The secretary or deputy who finalised signs with their name; a report finalised by an
    officer of the committee's office is left for the secretary to sign by hand."""
    user = review.finalised_by
    roles = (
        set(
            RoleAssignment.objects.filter(user=user, unit=review.unit).values_list(
                "role", flat=True
            )
        )
        if user
        else set()
    )
    if RoleAssignment.Role.SECRETARY in roles or RoleAssignment.Role.DEPUTY_SECRETARY in roles:
        title = "Bí thư" if RoleAssignment.Role.SECRETARY in roles else "Phó Bí thư"
        name = user.member.full_name if hasattr(user, "member") else user.get_full_name()
        return title, name
    return "Bí thư", ""


def recipients(unit: Unit, superior: str) -> list[str]:
    """Nơi nhận: the committee above (to report to) and the file copy."""
    rows = [f"{superior} (để báo cáo)"] if superior else []
    rows.append("Lưu chi bộ" if unit.kind.is_cell else "Lưu văn phòng cấp ủy")
    return rows


def render_review_pdf(review: Review) -> tuple[str, str, bytes]:
    unit: Unit = review.unit
    header = header_for(unit)
    programme = programme_for(unit=unit, year=review.year)
    doc_type, summary = review_title(review, programme.name)
    superior = header["superior_name"]
    day = timezone.localdate(review.finalised_at or timezone.now())
    signer_title, signer_name = _signer(review)
    content = render_pdf(
        "pdf/review.html",
        {
            "review": review,
            "header": header,
            "number": review.number_label,
            "date_line": date_line(header["place"], day),
            "doc_type": doc_type,
            "summary": summary,
            "f": review.figures,
            "chart": review_chart(review, font_family="Doc Serif, serif"),
            "signer_name": signer_name,
            "on_behalf": "T/M Chi bộ" if unit.kind.is_cell else "T/M Ban Thường vụ",
            "signer_title": signer_title,
            "recipients": recipients(unit, superior),
        },
    )
    return review_filename(review), "application/pdf", content
