"""A table to export (a page's rows as a spreadsheet), and its two writers: XLSX and CSV.

A `Table` is a title, typed columns and rows (tuples, one value per column, read lazily so a
province's roster is never held in memory at once). The writers give each type its form: in
XLSX dates are dates and numbers numbers, shown the Vietnamese way by the cell's number
format; in CSV dates are dd/mm/yyyy and numbers written with a decimal comma, as Excel set to
Vietnamese reads them. Every text that a spreadsheet would take for a formula (it starts with
=, +, -, @, a tab or a carriage return) is neutralised: prefixed with a quote and stored as
text, never as a formula."""

import csv
import datetime
import decimal
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

TEXT = "text"
WHOLE = "whole"  # a count, an id-like number
DECIMAL = "decimal"
PERCENT = "percent"  # a share already in percent (98.5 for 98,5 %)
DATE = "date"
DATETIME = "datetime"
KINDS = (TEXT, WHOLE, DECIMAL, PERCENT, DATE, DATETIME)

# Excel number formats; with a Vietnamese Excel the separators show as "1.234,5".
XLSX_FORMATS = {
    WHOLE: "#,##0",
    DECIMAL: "#,##0.##",
    PERCENT: '0.0" %"',
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm",
}
# The width of a column (characters) when its definition gives none.
DEFAULT_WIDTHS = {TEXT: 24, WHOLE: 10, DECIMAL: 12, PERCENT: 10, DATE: 12, DATETIME: 17}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def shown_width(self) -> int:
        return self.width or DEFAULT_WIDTHS[self.kind]


@dataclass
class Table:
    """What an export holds. `rows` is called once by a writer and yields one tuple per row;
    `count` is how many it will yield (decides whether the export waits for a worker)."""

    title: str
    filename: str  # without extension, ASCII
    columns: list[Column]
    rows: Callable[[], Iterable[tuple]]
    count: int
    notes: list[str] = field(default_factory=list)  # lines above the header (the scope)


def neutralise(text: str) -> str:
    """A text a spreadsheet would read as a formula, made plain text (a leading quote)."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _plain(value, kind: str):
    """The value as a spreadsheet cell holds it (XLSX): dates, numbers or neutralised text."""
    if value is None or value == "":
        return None
    if kind == DATETIME and isinstance(value, datetime.datetime):
        return _local(value)
    if kind == DATE and isinstance(value, datetime.datetime):
        return _local(value).date()
    if kind in (DATE, DATETIME) and isinstance(value, datetime.date):
        return value
    if kind == WHOLE and isinstance(value, int | float | decimal.Decimal):
        return int(value)
    if kind in (DECIMAL, PERCENT) and isinstance(value, int | float | decimal.Decimal):
        return float(value)
    return neutralise(str(value))


def _csv_text(value, kind: str) -> str:
    """The value as the CSV writes it: dd/mm/yyyy dates, decimal comma, neutralised text."""
    value = _plain(value, kind)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".") if kind == DECIMAL else f"{value:.1f}"
        return text.replace(".", ",")
    return value


# --- CSV ---------------------------------------------------------------------------------------

CSV_DELIMITER = ";"  # Excel set to Vietnamese (decimal comma) splits on ";"
BOM = "\ufeff"


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as CSV in UTF-8 with a byte order mark (so Excel reads the accents), `;`
    between fields, one chunk per few hundred rows (for a streamed response)."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    buffer = [BOM]
    for note in table.notes:
        buffer.append(writer.writerow([neutralise(note)]))
    buffer.append(writer.writerow([neutralise(c.header) for c in table.columns]))
    kinds = [c.kind for c in table.columns]
    for row in table.rows():
        buffer.append(writer.writerow([_csv_text(v, k) for v, k in zip(row, kinds, strict=True)]))
        if len(buffer) >= 500:
            yield "".join(buffer).encode("utf-8")
            buffer = []
    if buffer:
        yield "".join(buffer).encode("utf-8")


def write_csv(table: Table, out) -> None:
    for chunk in csv_chunks(table):
        out.write(chunk)


# --- XLSX --------------------------------------------------------------------------------------


def write_xlsx(table: Table, out, *, progress: Callable[[int], None] | None = None) -> None:
    """The table as an XLSX workbook written to `out` (a path or a binary file), row by row
    (openpyxl's write-only mode: memory does not grow with the rows): a bold header row
    frozen above the data, column widths, dates and numbers typed, texts never formulas.
    `progress(rows written)` is called every 1,000 rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(table.title))
    for i, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.shown_width
    header_row = len(table.notes) + 1
    sheet.freeze_panes = f"A{header_row + 1}"

    def text_cell(value: str, **style):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = TYPE_STRING  # a leading "=" stays text, never a formula
        for name, v in style.items():
            setattr(cell, name, v)
        return cell

    for note in table.notes:
        sheet.append([text_cell(neutralise(note), font=Font(italic=True))])
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append(
        [text_cell(neutralise(c.header), font=bold, alignment=wrap) for c in table.columns]
    )

    # A text goes in as a plain value unless it had to be neutralised (then as a cell typed
    # string); dates and numbers as cells with their number format.
    formats = [XLSX_FORMATS.get(c.kind) for c in table.columns]
    kinds = [c.kind for c in table.columns]
    for written, row in enumerate(table.rows(), start=1):
        cells = []
        for raw, kind, number_format in zip(row, kinds, formats, strict=True):
            value = _plain(raw, kind)
            if value is None:
                cells.append(None)
            elif isinstance(value, str):
                cells.append(text_cell(value) if value.startswith("'") else value)
            else:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
        sheet.append(cells)
        if progress and written % 1000 == 0:
            progress(written)
    workbook.save(out)


def xlsx_bytes(table: Table) -> bytes:
    out = io.BytesIO()
    write_xlsx(table, out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet's name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]


FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
