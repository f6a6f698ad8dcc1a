"""A review as a Party document. The page and the PDF print the same stored text, figures
and chart; a preview is the same document marked as a draft and without a number."""

from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from registry.cells.figures import chart_caption, progress_chart
from registry.core.charts import Series, bars_with_share
from registry.core.documents import date_line, render_pdf
from registry.core.numbers import format_number
from registry.programmes.selectors import programme_for
from registry.units.selectors import document_header

from .models import Review


def review_chart(review: Review, font_family: str = "system-ui, sans-serif"):
    if review.is_term:
        return term_chart(review, font_family=font_family)
    return progress_chart(
        review.figures.get("by_quarter", {}),
        last_quarter=review.period.last_quarter,
        font_family=font_family,
    )


def review_caption(review: Review) -> str:
    as_of = review.as_of or timezone.localdate(review.generated_at)
    if review.is_term:
        return _(
            "Each column counts the items of the year reported done at the end of the year "
            "(quarter IV) and the other items registered; the line is the share of members "
            "who registered. Each year's figures are those of its year-end review; figures "
            "as of %(date)s."
        ) % {"date": formats.date_format(as_of, "SHORT_DATE_FORMAT")}
    return chart_caption(as_of=as_of)


# --- Reviews of several years: the year-by-year table and chart, from the stored rows -------


def _signed(value) -> str:
    if value is None:
        return "–"
    text = format_number(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def term_table(review: Review) -> dict:
    """The year-by-year table of a term review, as printed: one column per year and one for
    the whole term (flows added up; members, registrations and the share registered as the
    change from the first year to the last); every number written the Vietnamese way."""
    years = review.figures.get("years", [])
    total = review.figures.get("total", {})
    change = review.figures.get("change", {})
    commendations = review.commendations or {}

    def row(label, key, *, summed=True):
        values = [format_number(y["figures"].get(key)) or "–" for y in years]
        last = format_number(total.get(key)) if summed else _signed(change.get(key))
        return {"label": label, "values": values, "total": last}

    def deeds(label, key):
        values = [format_number(y["commendations"].get(key, 0)) for y in years]
        return {"label": label, "values": values, "total": format_number(commendations.get(key, 0))}

    def key_officials(y):
        k = y["figures"].get("key_officials") or {}
        return f"{format_number(k.get('registered', 0))}/{format_number(k.get('counted', 0))}"

    rows = [
        row("Đảng viên (cuối năm)", "members", summed=False),
        row("Đảng viên đăng ký kế hoạch học tập và làm theo", "registered", summed=False),
        row("Tỷ lệ đảng viên đăng ký (%)", "registered_pct", summed=False),
        row("Bản đăng ký được duyệt", "approved_plans"),
        row("Việc làm theo đã đăng ký", "items"),
        row("Trong đó: việc làm đột phá", "breakthrough"),
        row("Việc hoàn thành (báo cáo quý IV)", "items_done"),
        {
            "label": "Cán bộ chủ chốt đăng ký / tổng số",
            "values": [key_officials(y) for y in years],
            "total": "–",
        },
        row("Lượt kiểm tra đảng viên", "checks"),
        row("Lượt giám sát đảng viên", "supervisions"),
        row("Xếp loại: hoàn thành xuất sắc nhiệm vụ", "rating_xuat_sac"),
        row("Xếp loại: hoàn thành tốt nhiệm vụ", "rating_tot"),
        row("Xếp loại: hoàn thành nhiệm vụ", "rating_hoan_thanh"),
        row("Xếp loại: không hoàn thành nhiệm vụ", "rating_khong_hoan_thanh"),
        deeds("Việc tốt được ghi nhận", "deeds"),
        deeds("Lượt biểu dương tại chi bộ", "praised"),
        deeds("Lượt đề nghị khen thưởng", "proposals"),
        deeds("Lượt khen thưởng tập thể", "approved_collectives"),
        deeds("Lượt khen thưởng cá nhân", "approved_persons"),
    ]
    sources = [y["number"] or "chưa ban hành" for y in years]
    # Indicators: what was reached each year, per indicator of any year, added up.
    indicators: dict[int, dict] = {}
    for i, y in enumerate(years):
        for ind in y["figures"].get("indicators") or []:
            entry = indicators.setdefault(
                ind["indicator_id"],
                {"name": ind["name"], "unit": ind["unit"], "reached": [None] * len(years)},
            )
            entry["reached"][i] = _decimal(ind.get("reached"))
    indicator_rows = [
        {
            "name": e["name"],
            "unit": e["unit"],
            "values": [format_number(v) if v is not None else "–" for v in e["reached"]],
            "total": format_number(sum(v for v in e["reached"] if v is not None)),
        }
        for e in indicators.values()
    ]
    return {
        "years": [str(y["year"]) for y in years],  # never "2.026"
        "rows": rows,
        "sources": sources,
        "indicators": indicator_rows,
        "columns": len(years) + 1,  # the page's table scrolls below this many columns' width
        "wide": len(years) > 6,
    }


def term_chart(review: Review, font_family: str = "system-ui, sans-serif"):
    """Items done and the other items registered, per year, with the share of members
    registered; labels in the active language."""
    years = review.figures.get("years", [])
    done = [y["figures"].get("items_done", 0) for y in years]
    other = [max(y["figures"].get("items", 0) - d, 0) for y, d in zip(years, done, strict=True)]
    return bars_with_share(
        categories=[str(y["year"]) for y in years],
        series=[
            Series(_("Items done"), "#1e7b34", done),
            Series(_("Other items registered"), "#9e9e9e", other),
        ],
        share=[y["figures"].get("registered_pct") for y in years],
        share_label=_("Members registered (%)"),
        title=_("Items and registration, year by year"),
        font_family=font_family,
        format_share=lambda value: format_number(value) + "%",
    )


def review_title(review: Review, programme_name: str) -> tuple[str, str]:
    wording = programme_name or "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    wording = wording[0].lower() + wording[1:]
    if review.kind == Review.Kind.QUARTER:
        summary = f"Sơ kết quý {review.quarter_roman} năm {review.year} việc {wording}"
    elif review.is_term:
        summary = (
            f"{term_stage(review).capitalize()} {len(review.years):02d} năm "
            f"({review.first_year}–{review.year}) việc {wording}"
        )
    else:
        summary = f"Tổng kết năm {review.year} việc {wording}"
    return "Báo cáo", summary


def term_stage(review: Review) -> str:
    """A term review is "sơ kết" midway and "tổng kết" when it closes the term."""
    return "tổng kết" if review.closing else "sơ kết"


def review_filename(review: Review) -> str:
    if review.is_term:
        return (
            f"Báo cáo {term_stage(review)} {len(review.years):02d} năm "
            f"{review.first_year}-{review.year} - {review.unit.name}.pdf"
        )
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
        "term": term_table(review) if review.is_term else None,
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
