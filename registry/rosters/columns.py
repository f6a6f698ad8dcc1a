"""The columns of a roster file: their Vietnamese headings (the template's, and the other
spellings people type), the member field each fills, and the downloadable template."""

import csv
import io
from dataclasses import dataclass

from registry.core.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    heading: str  # as the template writes it; matched without accents or case
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text, date
    width: int = 18


# Headings are the words of the Party's own forms: they are data the file is matched by, the
# same in every language of the interface.
COLUMNS = [
    Column("card_number", "Số thẻ đảng viên", ("so the", "so the dang", "so the dv"), width=18),
    Column("full_name", "Họ và tên", ("ho ten", "ho va ten dang vien"), width=28),
    Column("birth_date", "Ngày sinh", ("ngay thang nam sinh",), kind="date", width=13),
    Column("gender", "Giới tính", ("gioi",), width=10),
    Column("admission_date", "Ngày vào Đảng", ("ngay ket nap",), kind="date", width=15),
    Column("full_membership_date", "Ngày chính thức", (), kind="date", width=15),
    Column("status", "Chính thức / dự bị", ("loai dang vien", "tinh trang"), width=18),
    Column("citizen_id", "Số CCCD", ("cccd", "so can cuoc", "so can cuoc cong dan"), width=16),
    Column("cell_code", "Mã đơn vị", ("ma chi bo", "ma don vi (chi bo)"), width=22),
    Column("group", "Tổ đảng", ("to",), width=16),
    Column("job_title", "Chức vụ", ("chuc vu / cong viec", "cong viec"), width=24),
    Column("workplace", "Nơi công tác", ("don vi cong tac", "co quan"), width=28),
    Column("phone", "Điện thoại", ("so dien thoai", "dien thoai di dong", "sdt"), width=14),
]
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = ("card_number", "full_name")

_HEADINGS = {}
for _column in COLUMNS:
    for _name in (_column.heading, *_column.aliases):
        _HEADINGS[fold(_name)] = _column.key


def key_of(heading: str) -> str | None:
    """The column a heading of the file names (accents, case and spaces do not matter)."""
    return _HEADINGS.get(fold(heading).strip(" *:"))


# The template: headings, and columns typed as text so that Excel keeps a leading 0 and long
# numbers as they are typed; dates as dates.
TEMPLATE_NAME = "mau-danh-sach-dang-vien"
NOTES = [
    "Mỗi dòng là một đảng viên; dòng đầu là tên cột, giữ nguyên.",
    "Số thẻ đảng viên và Họ và tên là bắt buộc; ô để trống không thay đổi dữ liệu đang có.",
    "Ngày ghi theo dạng ngày/tháng/năm, ví dụ 15/04/1985, hoặc định dạng ngày của Excel.",
    "Giới tính: Nam hoặc Nữ. Chính thức / dự bị: Chính thức hoặc Dự bị "
    "(để trống: theo Ngày chính thức).",
    "Mã đơn vị là mã của chi bộ trong hệ thống (xem trên trang đơn vị); "
    "khi nhập trên trang của một chi bộ có thể để trống.",
    "Tổ đảng ghi đúng tên tổ trong chi bộ; tổ chưa có sẽ được tạo.",
    "Điện thoại, Số CCCD và Số thẻ đảng viên được giữ như chữ (giữ số 0 ở đầu).",
]


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([column.heading for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor="FCE4D6")
        head.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = column.width
        number_format = "DD/MM/YYYY" if column.kind == "date" else "@"
        for row in range(2, 1002):
            sheet.cell(row=row, column=index).number_format = number_format
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Hướng dẫn")
    notes.column_dimensions["A"].width = 110
    for line in NOTES:
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    """UTF-8 with a byte order mark, so that Excel shows the accents."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([column.heading for column in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
