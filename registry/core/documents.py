"""Party documents as PDF (Hướng dẫn 36-HD/VPTW layout), rendered by WeasyPrint from Django
templates. Every renderer returns (filename, mimetype, bytes)."""

import datetime
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


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
