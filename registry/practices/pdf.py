"""The booklet of models and good practices (tập mô hình, cách làm hay) as a Party document:
the committee's header, the title, a table of contents with page numbers, one section per
practice with the cells that adopted it."""

from django.utils import timezone, translation

from registry.core.documents import date_line, render_pdf
from registry.programmes.selectors import programme_for
from registry.units.selectors import document_header

from .models import Booklet
from .selectors import booklet_entries


def booklet_filename(booklet: Booklet) -> str:
    return f"Tập mô hình, cách làm hay {booklet.year} - {booklet.committee.name}.pdf"


def booklet_context(booklet: Booklet) -> dict:
    header = document_header(unit=booklet.committee)
    day = timezone.localdate(booklet.requested_at)
    wording = programme_for(unit=booklet.committee, year=booklet.year).name or (
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    )
    return {
        "booklet": booklet,
        "summary": f"trong {wording[0].lower()}{wording[1:]} năm\u00a0{booklet.year}",
        "header": header,
        "date_line": date_line(header["place"], day),
        "entries": booklet_entries(booklet),
    }


def render_booklet_pdf(booklet: Booklet) -> tuple[str, str, bytes]:
    with translation.override("vi"):  # a Party document, whatever the reader's language
        context = booklet_context(booklet)
    content = render_pdf("pdf/booklet.html", context)
    return booklet_filename(booklet), "application/pdf", content
