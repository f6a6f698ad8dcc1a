"""Reading a roster file (CSV or XLSX) into rows of text.

CSV: the encoding is found in this order: a byte order mark (UTF-8, UTF-16), strict UTF-8,
then Windows-1258 (Vietnamese Windows, which writes tones as combining marks); what none of
them reads is refused. Every value is normalised to NFC. The separator is `;` or `,` (or a
tab), whichever the heading line uses. XLSX: the first sheet, dates typed as dates written
back as dd/mm/yyyy, whole numbers without a decimal point."""

import codecs
import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from registry.core.numbers import format_number
from registry.core.text import clean_spaces

MAX_ROWS = 200_000
MAX_BYTES = 40 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class FileRefused(Exception):
    """The file cannot be read; the message says why, in the reader's language."""


@dataclass
class Table:
    headings: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, values)
    encoding: str = ""


def read_table(name: str, data: bytes) -> Table:
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 40 MB; split it into several files."))
    lower = (name or "").lower()
    if data.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise FileRefused(
            _("This is an old Excel file (.xls): save it as .xlsx or as CSV and upload it again.")
        )
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if lower.endswith(".xlsx"):
        raise FileRefused(_("This file is not a valid Excel workbook (.xlsx)."))
    text, encoding = decode(data)
    return _read_csv(text, encoding)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if data.startswith(codecs.BOM_UTF8):
        attempts = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = ["utf-16"]
    else:
        attempts = ["utf-8", "cp1258"]
    for encoding in attempts:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # UTF-16 without its byte order mark, or a binary file
            break
        return unicodedata.normalize("NFC", text), encoding
    raise FileRefused(
        _(
            "The file's characters cannot be read. Save it as CSV UTF-8 (or UTF-16, or "
            "Windows-1258), or as an Excel workbook (.xlsx), and upload it again."
        )
    )


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(text: str, encoding: str) -> Table:
    if any(ch in text for ch in "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x1a\x1b"):
        raise FileRefused(_("This is not a text file: upload a CSV or an Excel workbook."))
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), _dialect(first_line))
    try:
        lines = list(_numbered(reader))
    except csv.Error as exc:
        raise FileRefused(
            _("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num}
        ) from exc
    return _table(lines, encoding)


def _dialect(first_line: str):
    class Dialect(csv.excel):
        delimiter = _separator(first_line)

    return Dialect


def _numbered(reader):
    # The text is NFC already (`decode`): only runs of white space are left to collapse.
    for values in reader:
        yield reader.line_num, [" ".join(v.split()) for v in values]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_spaces(str(value))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a workbook is untrusted input: whatever breaks, it is refused
        raise FileRefused(_("This file is not a valid Excel workbook (.xlsx).")) from exc
    try:
        sheet = book.worksheets[0]
        lines = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            lines.append((number, [_cell_text(v) for v in values]))
            if len(lines) > MAX_ROWS + 1:
                break
    except Exception as exc:  # a workbook is untrusted input: whatever breaks, it is refused
        raise FileRefused(_("This file is not a valid Excel workbook (.xlsx).")) from exc
    finally:
        book.close()
    return _table(lines, "xlsx")


def _table(lines: list[tuple[int, list[str]]], encoding: str) -> Table:
    lines = [(n, values) for n, values in lines if any(values)]
    if not lines:
        raise FileRefused(_("The file holds no rows."))
    (_n, headings), *rows = lines
    if len(rows) > MAX_ROWS:
        raise FileRefused(
            _("The file has more than %(max)s rows; split it into several files.")
            % {"max": format_number(MAX_ROWS)}
        )
    return Table(headings=headings, rows=rows, encoding=encoding)


def read_headings(name: str, data: bytes) -> list[str]:
    """The heading line only (what an upload is checked for before it is kept): cheap for a
    workbook of any size; a CSV is decoded whole, which is quick."""
    if data.startswith(XLSX_MAGIC) and not (name or "").lower().endswith(".xls"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # a workbook is untrusted input: whatever breaks, it is refused
            raise FileRefused(_("This file is not a valid Excel workbook (.xlsx).")) from exc
        try:
            for values in book.worksheets[0].iter_rows(values_only=True):
                texts = [_cell_text(v) for v in values]
                if any(texts):
                    return texts
        except Exception as exc:  # a workbook is untrusted input: whatever breaks, it is refused
            raise FileRefused(_("This file is not a valid Excel workbook (.xlsx).")) from exc
        finally:
            book.close()
        raise FileRefused(_("The file holds no rows."))
    if data.startswith(XLSX_MAGIC) or (name or "").lower().endswith((".xls", ".xlsx")):
        return read_table(name, data).headings
    text, _encoding = decode(data)
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    if not first:
        raise FileRefused(_("The file holds no rows."))
    return [" ".join(v.split()) for v in next(csv.reader([first], _dialect(first)))]
