"""The cell's meetings as a table (issue 13, point 3): what the minutes hold is exported too:
the place, the hours, who took the minutes, who was absent and why, the agenda and the
content, beside the date, the chair, who was present and the conclusions."""

import csv
import datetime
import io

import openpyxl
from django.urls import reverse

from registry.cells import services as cells

from ..factories import D, at, make_member, pass_second_factor


def test_the_meetings_export_holds_the_minutes(client, tree, people, programme_2026):
    absent = make_member(tree.cell, "Cầm Thị Hoa", group=tree.group1)
    cells.meeting_record(
        cell=tree.cell,
        actor=people.bob,
        date=D(2026, 3, 5),
        chair=people.bob_member,
        minute_taker=people.alice_member,
        attendees=[people.bob_member, people.alice_member],
        absence_reasons={absent.pk: "Đi công tác", people.alice_member.pk: "ignored: present"},
        place="Hội trường bản Nà Lốc",
        starts_at=datetime.time(8, 0),
        ends_at=datetime.time(11, 30),
        agenda="Kiểm điểm việc thực hiện bản cam kết quý I",
        content="Đồng chí bí thư quán triệt Chỉ thị 05-CT/TW",
        conclusions="Hoàn thành kế hoạch quý I",
        at=at(2026, 3, 6),
    )
    pass_second_factor(client, people.bob)
    url = reverse("exports:table", args=["meetings", tree.cell.pk])

    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    line = dict(zip(rows[1], rows[2], strict=True))
    assert line["Ngày"] == datetime.datetime(2026, 3, 5)
    assert line["Bắt đầu lúc"] == "08:00" and line["Kết thúc lúc"] == "11:30"
    assert line["Địa điểm"] == "Hội trường bản Nà Lốc"
    assert line["Thư ký cuộc họp"] == people.alice_member.full_name
    assert line["Vắng mặt, lý do"] == "Cầm Thị Hoa: Đi công tác"
    assert line["Chương trình sinh hoạt"] == "Kiểm điểm việc thực hiện bản cam kết quý I"
    assert line["Nội dung sinh hoạt"] == "Đồng chí bí thư quán triệt Chỉ thị 05-CT/TW"
    assert line["Kết luận"] == "Hoàn thành kế hoạch quý I"

    response = client.get(url, {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))[1:3]
    assert dict(zip(header, row, strict=True))["Vắng mặt, lý do"] == "Cầm Thị Hoa: Đi công tác"


def test_a_meeting_recorded_without_minutes_leaves_their_columns_empty(
    client, tree, people, programme_2026
):
    cells.meeting_record(
        cell=tree.cell,
        actor=people.bob,
        date=D(2026, 3, 5),
        chair=people.bob_member,
        attendees=[people.bob_member],
        conclusions="Kết luận",
        at=at(2026, 3, 6),
    )
    pass_second_factor(client, people.bob)
    response = client.get(reverse("exports:table", args=["meetings", tree.cell.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    line = dict(zip(rows[1], rows[2], strict=True))
    for header in ("Bắt đầu lúc", "Kết thúc lúc", "Địa điểm", "Thư ký cuộc họp", "Vắng mặt, lý do"):
        assert line[header] in (None, ""), header
    assert line["Kết luận"] == "Kết luận"
