"""Party documents as PDF (Hướng dẫn 36-HD/VPTW layout), rendered by WeasyPrint from Django
templates. Every renderer returns (filename, mimetype, bytes)."""

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

NBSP = "\u00a0"
#: Proper names a printed line never splits, in whatever case they are written.
PROPER_NAMES = ("Hồ Chí Minh", "Việt Nam")
#: Longer runs of capitalised words are not bound: kept on one line they could not fit a column.
_MAX_NAME_WORDS = 4


def on_behalf(unit) -> str:
    """The signature's form for a document of `unit`: "T/M CHI BỘ" for a cell, "T/M BAN
    THƯỜNG VỤ" for a committee with a standing committee, "T/M ĐẢNG ỦY" for another."""
    if unit.kind.is_cell:
        return "T/M CHI BỘ"
    return "T/M BAN THƯỜNG VỤ" if unit.has_standing_committee else "T/M ĐẢNG ỦY"


def default_signature(unit, leaders: Iterable[tuple[str, str]]) -> dict:
    """Who signs a document of `unit`, and in what form (`on_behalf`). `leaders`: the unit's
    secretaries and deputies as (role, name), first appointed first. The secretary signs
    ("BÍ THƯ"), else the first deputy ("PHÓ BÍ THƯ"), with their name; nobody: no name."""
    leaders = list(leaders)
    signer = next((name for role, name in leaders if role == "secretary"), None)
    title = "BÍ THƯ"
    if signer is None and leaders:
        signer, title = leaders[0][1], "PHÓ BÍ THƯ"
    return {"on_behalf": on_behalf(unit), "signer_title": title, "signer_name": signer or ""}


def keep_names(text: str, names: Iterable[str] = ()) -> str:
    """Bind the words of every known proper name with no-break spaces, so that a line never
    breaks inside one: "PHONG CÁCH HỒ CHÍ MINH" may wrap before "HỒ", never after it.
    `names` adds names of the document's own (units, places, see `names_in`)."""
    text = unicodedata.normalize("NFC", text or "")
    pattern = _names_pattern(tuple(sorted({*PROPER_NAMES, *names})))
    if pattern is None:
        return text
    return pattern.sub(lambda match: re.sub(r"\s+", NBSP, match.group(0)), text)


@functools.lru_cache(maxsize=64)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    words = [unicodedata.normalize("NFC", name).split() for name in names]
    words = sorted((w for w in words if len(w) > 1), key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w)) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def names_in(unit_name: str) -> list[str]:
    """The proper names inside a unit's name: runs of two to four capitalised words after its
    first word ("Huyện ủy Mường La" → "Mường La", "Chi bộ Khối Đảng" → "Khối Đảng")."""
    words = unicodedata.normalize("NFC", unit_name or "").split()
    names, run = [], []
    for position, word in enumerate([*words, ""]):
        if position > 0 and word[:1].isupper():
            run.append(word)
            continue
        if 1 < len(run) <= _MAX_NAME_WORDS:
            names.append(" ".join(run))
        run = []
    return names


def date_line(place: str, day: datetime.date) -> str:
    """'Mường La, ngày 05 tháng 01 năm 2021': day below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    prefix = f"{place}, " if place else ""
    return f"{prefix}ngày {day.day:02d} tháng {month} năm {day.year}"


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override("vi"):
        html = render_to_string(template, {**context, "fonts_dir": FONTS_DIR.as_uri()})
    fonts = FontConfiguration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)


def pdf_response(filename: str, mimetype: str, content: bytes):
    """A rendered document shown in the browser (a plan, a review's preview)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
