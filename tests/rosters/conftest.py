import csv
import datetime
import io
import unicodedata

import pytest
from openpyxl import Workbook

from registry.rosters.columns import COLUMNS
from registry.units.models import Unit

HEADINGS = [c.heading for c in COLUMNS]
KEYS = [c.key for c in COLUMNS]

CELL_CODE = "son-la/muong-la/khoi-dang"
NEXT_CELL_CODE = "son-la/muong-la/na-loc"
FAR_CELL_CODE = "son-la/van-ho/long-luong"


@pytest.fixture
def coded(tree, people):
    """The shared tree, its cells with the codes an import names them by."""
    for unit, code in (
        (tree.cell, CELL_CODE),
        (tree.next_cell, NEXT_CELL_CODE),
        (tree.far_cell, FAR_CELL_CODE),
    ):
        Unit.objects.filter(pk=unit.pk).update(code=code)
        unit.refresh_from_db()
    return tree


def person(n: int, **values) -> dict:
    """A row of the file: the n-th generated party member of Chi bộ Khối Đảng."""
    row = {
        "card_number": f"{70_000_000 + n}",
        "full_name": f"Lò Văn Thử {n}",
        "birth_date": "15/04/1985",
        "gender": "Nam",
        "admission_date": "03/02/2010",
        "full_membership_date": "03/02/2011",
        "status": "Chính thức",
        "cell_code": CELL_CODE,
        "group": "Tổ đảng số 1",
        "job_title": "Chuyên viên",
        "workplace": "Văn phòng Huyện ủy",
        "phone": f"09{n:08d}",
    }
    row.update(values)
    return row


def csv_text(rows: list[dict], *, separator: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow([row.get(k, "") for k in KEYS])
    return out.getvalue()


def xlsx_bytes(rows: list[dict], *, typed_dates: bool = False) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(HEADINGS)
    for row in rows:
        values = []
        for key in KEYS:
            value = row.get(key, "")
            if typed_dates and key.endswith("_date") and value:
                value = datetime.datetime.strptime(value, "%d/%m/%Y")
            values.append(value)
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Text as Vietnamese Windows writes it: a letter cp1258 has, then combining tone marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        # ệ is e + dot below + circumflex: ê (a letter of cp1258), then the dot below.
        for j in [*range(len(marks)), None]:
            kept = [] if j is None else [marks[j]]
            rest = [m for i, m in enumerate(marks) if i != j]
            try:
                head = unicodedata.normalize("NFC", base + "".join(kept)).encode("cp1258")
                out.append(head + "".join(rest).encode("cp1258"))
                break
            except UnicodeEncodeError:
                continue
        else:
            raise AssertionError(ch)
    return b"".join(out)
