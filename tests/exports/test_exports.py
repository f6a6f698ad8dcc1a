"""Every table people look at can be taken away as XLSX or CSV: Vietnamese headers, dates and
numbers typed, no formula smuggled in through a name, and only what the person could see on
the page. A large table is written by the worker and downloaded by its owner alone."""

import csv
import datetime
import io
import os

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from registry.access.models import RoleAssignment
from registry.exports import services
from registry.exports.models import TableExport
from registry.exports.tasks import resend_stalled_exports
from registry.reviews import services as reviews

from ..factories import (
    D,
    UserFactory,
    approved_plan,
    at,
    give_role,
    make_member,
    pass_second_factor,
)

INJECTION = '=HYPERLINK("http://x","y")'


@pytest.fixture
def cell_with_injection(tree, people, programme_2026):
    """Bob's cell with a person whose name is a formula, and alice's approved plan with a
    numeric target and a deadline."""
    make_member(
        tree.cell,
        INJECTION,
        group=tree.group1,
        birth_date=D(1980, 5, 17),
        admission_date=D(2005, 2, 3),
        job_title="+84 cán bộ",
    )
    approved_plan(
        people.alice_member,
        people.alice,
        people.bob,
        items=(
            {
                "action": "Trồng cây xanh",
                "target_value": "1250.5",
                "target_unit": "cây",
                "deadline": D(2026, 10, 31),
            },
        ),
    )
    return tree


def export(client, what, pk, fmt="xlsx", **params):
    url = reverse("exports:table", args=[what, pk])
    return client.get(url, {**params, "format": fmt})


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active


def rows_of(sheet):
    return [[c for c in row] for row in sheet.iter_rows()]


def test_an_xlsx_export_has_typed_dates_and_numbers_and_no_live_formula(
    client, cell_with_injection, people
):
    pass_second_factor(client, people.bob)
    sheet = workbook(export(client, "roster", cell_with_injection.cell.pk))
    cells = rows_of(sheet)
    header = [c.value for c in cells[1]]
    assert header[:3] == ["Họ và tên", "Số thẻ đảng viên", "Chi bộ"]
    assert cells[1][0].font.b and sheet.freeze_panes == "A3"
    every = [c for row in cells for c in row]
    assert not [c for c in every if c.data_type == "f"], "a live formula in the export"
    smuggled = next(row for row in cells if str(row[0].value).endswith(INJECTION))
    assert smuggled[0].value == "'" + INJECTION and smuggled[0].data_type == "s"
    assert smuggled[header.index("Chức vụ, công việc")].value == "'+84 cán bộ"
    born = smuggled[header.index("Ngày sinh")]
    assert born.value == datetime.datetime(1980, 5, 17) and born.is_date
    assert born.number_format == "dd/mm/yyyy"

    plans = rows_of(workbook(export(client, "plans", cell_with_injection.cell.pk, year=2026)))
    header = [c.value for c in plans[1]]
    line = next(row for row in plans if row[0].value == people.alice_member.full_name)
    target = line[header.index("Chỉ tiêu")]
    assert target.value == 1250.5 and target.data_type == "n"
    assert line[header.index("Thời hạn")].value == datetime.datetime(2026, 10, 31)
    assert line[header.index("Thời hạn")].number_format == "dd/mm/yyyy"
    assert line[header.index("STT")].value == 1


def test_the_csv_export_is_utf8_with_bom_semicolons_and_neutralised(
    client, cell_with_injection, people
):
    pass_second_factor(client, people.bob)
    response = export(client, "roster", cell_with_injection.cell.pk, fmt="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header = rows[1]
    smuggled = next(row for row in rows if row[0].endswith(INJECTION))
    assert smuggled[0] == "'" + INJECTION
    assert smuggled[header.index("Ngày sinh")] == "17/05/1980"


def names_in(sheet) -> set[str]:
    return {row[0].value for row in rows_of(sheet)[2:]}


def test_a_secretarys_export_holds_only_their_cell(client, tree, people):
    pass_second_factor(client, people.bob)
    names = names_in(workbook(export(client, "roster", tree.cell.pk)))
    assert names == {"Nguyễn Văn Đức", "Lò Văn Thắng"}
    # The district's roster and the next cell's are not the secretary's to see, nor to export.
    assert export(client, "roster", tree.district.pk).status_code == 404
    assert export(client, "roster", tree.next_cell.pk).status_code == 404
    # The district officer exports everyone under the district, cell by cell.
    olga = pass_second_factor(Client(), people.olga)
    assert names_in(workbook(export(olga, "roster", tree.district.pk))) == {
        "Nguyễn Văn Đức",
        "Lò Văn Thắng",
        "Quàng Văn Chiến",
    }


def test_an_officer_of_another_district_gets_404_for_every_table(
    client, tree, people, programme_2026
):
    review, _ = reviews.review_generate(
        unit=tree.cell, kind="quarter", year=2026, quarter=1, at=at(2026, 4, 5)
    )
    victor = UserFactory(username="victor")
    give_role(victor, tree.other_district, RoleAssignment.Role.OFFICER)
    pass_second_factor(client, victor)
    asked = {
        "roster": tree.cell.pk,
        "registration": tree.cell.pk,
        "reports": tree.cell.pk,
        "plans": tree.cell.pk,
        "ratings": tree.cell.pk,
        "meetings": tree.cell.pk,
        "checks": tree.cell.pk,
        "deeds": tree.cell.pk,
        "proposals": tree.cell.pk,
        "rollup": tree.district.pk,
        "review": review.pk,
    }
    from registry.exports.tables import TABLES

    assert set(asked) | {"library"} == set(TABLES)
    for what, pk in asked.items():
        for fmt in ("xlsx", "csv"):
            assert export(client, what, pk, fmt=fmt).status_code == 404, what
            assert (
                client.post(reverse("exports:table", args=[what, pk]), {"format": fmt}).status_code
                == 404
            )
    assert not TableExport.objects.exists()
    # The same tables answer the district's own officer.
    olga = pass_second_factor(Client(), people.olga)
    for what, pk in asked.items():
        assert export(olga, what, pk, year=2026, q=1).status_code == 200, what


def test_every_page_with_a_table_offers_the_export(client, tree, people, programme_2026):
    pass_second_factor(client, people.bob)
    pages = {
        reverse("units:detail", args=[tree.cell.pk]): ("roster", tree.cell.pk),
        reverse("cells:dashboard", args=[tree.cell.pk]): ("registration", tree.cell.pk),
        reverse("cells:ratings", args=[tree.cell.pk]): ("ratings", tree.cell.pk),
        reverse("cells:meetings", args=[tree.cell.pk]): ("meetings", tree.cell.pk),
        reverse("cells:checks", args=[tree.cell.pk]): ("checks", tree.cell.pk),
        reverse("commendations:register", args=[tree.cell.pk]): ("deeds", tree.cell.pk),
        reverse("commendations:proposals", args=[tree.cell.pk]): ("proposals", tree.cell.pk),
    }
    for page, (what, pk) in pages.items():
        text = client.get(page).text
        assert reverse("exports:table", args=[what, pk]) in text, page
        assert "Xuất Excel / CSV" in text
    olga = pass_second_factor(Client(), people.olga)
    assert (
        reverse("exports:table", args=["rollup", tree.district.pk])
        in olga.get(reverse("units:rollup", args=[tree.district.pk])).text
    )
    assert (
        reverse("exports:table", args=["roster", tree.district.pk])
        in olga.get(reverse("units:detail", args=[tree.district.pk])).text
    )


def test_a_large_export_runs_in_the_worker_and_is_downloadable_by_its_owner_only(
    client, tree, people, eager, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_LARGE_ROWS = 2
    olga = pass_second_factor(client, people.olga)
    url = reverse("exports:table", args=["roster", tree.district.pk])
    offer = olga.get(url, {"format": "xlsx"})
    assert offer.status_code == 200 and "3" in offer.text and not TableExport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        queued = olga.post(url, {"format": "xlsx"})
    assert queued.status_code == 302 and queued["Location"] == reverse("exports:mine")
    job = TableExport.objects.get()
    assert job.status == "ready", job.error
    assert (job.rows, job.rows_written, job.requested_by) == (3, 3, people.olga)
    mine = olga.get(reverse("exports:mine")).text
    assert reverse("exports:download", args=[job.pk]) in mine
    download = olga.get(reverse("exports:download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert len(list(sheet.iter_rows())) == 2 + 3
    # Nobody else downloads it, not even an administrator, and it is not on their list.
    for other in (people.bob, people.root):
        someone = pass_second_factor(Client(), other)
        assert someone.get(reverse("exports:download", args=[job.pk])).status_code == 404
        assert (
            reverse("exports:download", args=[job.pk])
            not in someone.get(reverse("exports:mine")).text
        )
    # Kept seven days, then removed with its file.
    path = job.file.path
    assert services.exports_remove_expired(now=job.requested_at + datetime.timedelta(days=6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        removed = services.exports_remove_expired(now=job.requested_at + datetime.timedelta(days=8))
    assert removed == 1 and not TableExport.objects.exists()
    assert not os.path.exists(path)


def test_an_export_whose_worker_died_is_written_later_once(tree, people, eager):
    job = services.export_request(
        what="roster", pk=tree.district.pk, params={}, fmt="csv", actor=people.olga
    )
    # The worker claimed it and was killed: the row stays "rendering".
    TableExport.objects.filter(pk=job.pk).update(
        status="rendering", started_at=at(2026, 1, 1), requested_at=at(2026, 1, 1)
    )
    assert resend_stalled_exports() == 1
    job.refresh_from_db()
    assert job.status == "ready" and job.attempts == 1
    content = job.file.read()
    assert content.startswith("\ufeff".encode()) and "Quàng Văn Chiến".encode() in content
    # A redelivered message finds it done and writes nothing again.
    services.export_render(export_id=job.pk)
    job.refresh_from_db()
    assert job.attempts == 1


def test_an_export_asked_for_by_someone_who_lost_the_reach_fails_with_the_reason(
    tree, people, eager, django_capture_on_commit_callbacks
):
    job = services.export_request(
        what="roster", pk=tree.district.pk, params={}, fmt="xlsx", actor=people.olga
    )
    RoleAssignment.objects.filter(user=people.olga).delete()
    with pytest.raises(PermissionDenied):
        services.export_render(export_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file


def test_bad_formats_and_tables_answer_404(client, tree, people):
    pass_second_factor(client, people.bob)
    assert export(client, "roster", tree.cell.pk, fmt="exe").status_code == 404
    assert export(client, "nothing", tree.cell.pk).status_code == 404
    assert export(client, "ratings", tree.cell.pk, year="99999").status_code == 404
    assert export(client, "reports", tree.cell.pk, q="7").status_code == 404
    assert client.get(reverse("exports:table", args=["library", tree.cell.pk])).status_code == 404


def test_a_review_exports_the_figures_it_prints(client, tree, people, programme_2026):
    approved_plan(people.alice_member, people.alice, people.bob)
    review, _ = reviews.review_generate(
        unit=tree.district, kind="quarter", year=2026, quarter=1, at=at(2026, 4, 5)
    )
    pass_second_factor(client, people.olga)
    rows = rows_of(workbook(export(client, "review", review.pk)))
    header = [c.value for c in rows[2]]
    assert header[:3] == ["Đơn vị", "Đảng viên", "Đã đăng ký"]
    values = {row[0].value: row for row in rows[3:]}
    own = values["Huyện ủy Mường La"]
    assert own[1].value == review.figures["members"] and own[1].data_type == "n"
    assert own[2].value == review.figures["registered"]
    assert own[3].value == review.figures["registered_pct"]
    assert set(values) == {"Huyện ủy Mường La", *(c["name"] for c in review.children)}
