"""A review as a Party document. The page and the PDF print the same stored text, figures
and chart; a preview is the same document marked as a draft and without a number."""

from django.utils import timezone, translation

from registry.cells.figures import chart_caption, progress_chart
from registry.core.documents import date_line, render_pdf
from registry.programmes.selectors import programme_for
from registry.units.selectors import document_header

from .models import Review


def review_chart(review: Review, font_family: str = "system-ui, sans-serif"):
    return progress_chart(
        review.figures.get("by_quarter", {}),
        last_quarter=review.period.last_quarter,
        font_family=font_family,
    )


def review_caption(review: Review) -> str:
    return chart_caption(as_of=review.as_of or timezone.localdate(review.generated_at))


def review_title(review: Review, programme_name: str) -> tuple[str, str]:
    wording = programme_name or "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    wording = wording[0].lower() + wording[1:]
    if review.kind == Review.Kind.QUARTER:
        summary = f"Sơ kết quý {review.quarter_roman} năm {review.year} việc {wording}"
    else:
        summary = f"Tổng kết năm {review.year} việc {wording}"
    return "Báo cáo", summary


def review_filename(review: Review) -> str:
    kind = "sơ kết" if review.kind == Review.Kind.QUARTER else "tổng kết"
    return f"Báo cáo {kind} {review.period.label_vi} - {review.unit.name}.pdf"


def document_context(review: Review, *, preview: bool) -> dict:
    """What the page shows and the PDF prints, from the stored review."""
    unit = review.unit
    header = document_header(unit=unit)
    programme = programme_for(unit=unit, year=review.year)
    doc_type, summary = review_title(review, programme.name)
    day = timezone.localdate(review.finalised_at or timezone.now())
    replaces = review.replaces
    return {
        "review": review,
        "header": header,
        "number": "" if preview else review.number_label,
        "preview": preview,
        "date_line": date_line(header["place"], day),
        "doc_type": doc_type,
        "summary": summary,
        "f": review.figures,
        "replaces": replaces,
        "replaces_date": timezone.localdate(replaces.finalised_at) if replaces else None,
        "caption": review_caption(review),
    }


def render_review_pdf(review: Review, *, preview: bool = False) -> tuple[str, str, bytes]:
    with translation.override("vi"):  # a Party document, whatever the reader's language
        context = document_context(review, preview=preview)
        context["chart"] = review_chart(review, font_family="Doc Serif, serif")
    content = render_pdf("pdf/review.html", context)
    filename = review_filename(review)
    if preview:
        filename = "Dự thảo - " + filename
    return filename, "application/pdf", content
