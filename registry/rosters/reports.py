"""The downloadable report of a check or an import (XLSX or CSV): line by line what was done
or why it was refused, in the reader's language. Every value is written as text, and a value
that a spreadsheet would run as a formula is neutralised."""

import csv
import io

from django.utils.translation import gettext as _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _lines(rows):
    yield [
        _("Line"),
        _("Result"),
        "Số thẻ đảng viên",
        "Họ và tên",
        "Mã đơn vị",
        _("Details"),
    ]
    for row in rows:
        details = [*row.errors]
        details += [
            _("%(column)s: “%(old)s” → “%(new)s”") % {"column": h, "old": o, "new": n}
            for h, o, n in row.changes
        ]
        if row.new_group:
            details.append(_("New party group: %(name)s") % {"name": row.new_group})
        yield [
            row.line,
            row.action_label,
            _safe(row.card_number),
            _safe(row.full_name),
            _safe(row.cell_code),
            _safe("; ".join(details)),
        ]


def report_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for values in _lines(rows):
        writer.writerow(values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Report"))
    for index, width in enumerate((8, 14, 18, 28, 22, 90), start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    first = True
    for values in _lines(rows):
        if first:
            sheet.append([_bold(sheet, v, Font) for v in values])
            first = False
        else:
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, value, font_class):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font_class(bold=True)
    return cell
