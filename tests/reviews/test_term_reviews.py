"""Reviews of several years (sơ kết, tổng kết 3 năm, 5 năm): one column per year holding
that year's year-end review of the unit (as issued where it was issued, else counted as
the year-end review counts), the term's totals and changes, a table and a chart on the page
and in the PDF; drafted, written, previewed, issued with the unit's next number and
exported like the other reviews."""

import re
import subprocess

import pytest
import time_machine
from django.urls import reverse

from registry.audit.models import AuditEvent
from registry.cells import services as cell_services
from registry.core.periods import Period
from registry.pledges import services as plans
from registry.programmes.models import Programme
from registry.reviews import services
from registry.reviews.models import Review, ReviewExport
from registry.reviews.pdf import render_review_pdf
from registry.reviews.tasks import render_review_pdf as render_task

from ..factories import D, approved_plan, at, good_deed, pass_second_factor
from ..pdfs import flat, needs_poppler, reading_text, save
from .conftest import draft, issue, write

YEARS = range(2022, 2027)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


def programme(year: int) -> Programme:
    return Programme.objects.create(
        year=year,
        name="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        directive="Chỉ thị 05-CT/TW",
        theme=f"Chuyên đề năm {year}",
        registration_opens=D(year, 1, 10),
        registration_closes=D(year, 3, 31),
        q1_deadline=D(year, 3, 25),
        q2_deadline=D(year, 6, 25),
        q3_deadline=D(year, 9, 25),
        q4_deadline=D(year, 12, 15),
    )


@pytest.fixture
def five_years(world):
    """Chi bộ Khối Đảng from 2022 to 2026, with different figures each year: alice
    registers 2022–2025 with one more item each year, bob registers every year and in the
    even years reports all his items done in quarter IV; a check each year and a good deed
    in 2024. The year-end reviews of 2022 and 2023 are issued in January of the year after,
    those of 2024–2026 are drafts of January."""
    for year in range(2022, 2026):
        programme(year)
        approved_plan(
            world.alice_member,
            world.alice,
            world.bob,
            year=year,
            items=[f"Việc {i} năm {year}" for i in range(year - 2020)],
        )
        bob_plan = approved_plan(
            world.bob_member, world.bob, world.dana, year=year, items=("Xuống cơ sở", "Tiết kiệm")
        )
        if year % 2 == 0:
            for item in bob_plan.items.all():
                plans.report_file(
                    item=item, quarter=4, actor=world.bob, status="done", at=at(year, 12, 10)
                )
    for year in YEARS:
        cell_services.supervision_record(
            cell=world.cell,
            actor=world.bob,
            member=world.alice_member,
            kind="kiem_tra",
            date=D(year, 6, 10),
            subject="Thực hiện bản đăng ký",
            findings="Đúng tiến độ",
            conclusion="Tốt",
            at=at(year, 6, 10),
        )
    good_deed(world.cell, world.bob, member=world.alice_member, date=D(2024, 5, 2))
    yearly = {}
    for year in YEARS:
        yearly[year] = draft(world.cell, kind="year", year=year, quarter=4, on=at(year + 1, 1, 10))
        if year in (2022, 2023):
            yearly[year], _export = issue(
                write(yearly[year], world.bob), world.bob, on=at(year + 1, 1, 20)
            )
    return yearly


def term(world, *, first=2022, last=2026, closing=False, on=None):
    review, _outcome = services.review_term_draft(
        unit=world.cell,
        first_year=first,
        last_year=last,
        closing=closing,
        actor=world.bob,
        at=on or at(2027, 1, 15),
    )
    return review


def test_a_five_year_review_has_the_five_year_end_reviews_as_its_rows(world, five_years):
    review = term(world)
    rows = review.figures["years"]
    assert [row["year"] for row in rows] == list(YEARS)
    for row in rows:
        year_end = Review.objects.get(pk=five_years[row["year"]].pk)
        assert row["figures"] == year_end.figures, row["year"]
        assert row["commendations"] == year_end.commendations, row["year"]
        assert row["number"] == year_end.number_label  # "01-BC/CB" for the issued, else ""
    # The years differ as the data do: alice's items grow, bob reports done in even years.
    assert [row["figures"]["items"] for row in rows] == [4, 5, 6, 7, 4]
    assert [row["figures"]["items_done"] for row in rows] == [2, 0, 2, 0, 0]
    assert [row["commendations"]["deeds"] for row in rows] == [0, 0, 1, 0, 0]
    # Over the term: flows added up, stocks compared from the first year to the last.
    assert review.figures["total"]["items"] == 26 and review.figures["total"]["checks"] == 5
    assert review.figures["change"]["members"] == 0
    assert review.figures["change"]["registered_pct"] == 0
    assert review.commendations["deeds"] == 1
    assert (review.kind, review.first_year, review.year, review.quarter) == ("term", 2022, 2026, 0)
    assert review.summary.startswith(
        "Qua 05 năm (2022–2026) thực hiện, tính đến ngày 31/12/2026, chi bộ có 3 đảng viên"
    )


def test_an_issued_year_is_taken_as_issued_even_when_its_data_changed_since(world, five_years):
    cell_services.supervision_record(
        cell=world.cell,
        actor=world.bob,
        member=world.alice_member,
        kind="giam_sat",
        date=D(2022, 11, 2),  # recorded late, after the 2022 review was issued
        subject="Việc đã đăng ký",
        findings="Đúng",
        conclusion="Tốt",
        at=at(2024, 2, 1),
    )
    row = term(world).figures["years"][0]
    issued = Review.objects.get(pk=five_years[2022].pk)
    assert row["figures"] == issued.figures and row["figures"]["supervisions"] == 0
    recounted = services.period_values(unit=world.cell, period=Period(2022), on=D(2027, 1, 15))
    assert recounted["figures"]["supervisions"] == 1  # what a new count would have said


def test_the_term_review_takes_the_next_number_of_the_unit_and_year(world, five_years):
    year_end, _export = issue(write(five_years[2026], world.bob), world.bob, on=at(2027, 1, 16))
    review = write(term(world, closing=True, on=at(2027, 1, 18)), world.bob)
    review, export = issue(review, world.bob, on=at(2027, 1, 20))
    assert [year_end.number_label, review.number_label] == ["01-BC/CB", "02-BC/CB"]
    assert review.figures["years"][-1]["number"] == "01-BC/CB"  # issued before the term's draft
    assert (review.status, review.closing) == ("final", True)
    render_task.apply(args=(export.pk,))  # the worker
    export.refresh_from_db()
    assert export.status == ReviewExport.Status.READY
    assert export.filename == "Báo cáo tổng kết 05 năm 2022-2026 - Chi bộ Khối Đảng.pdf"
    # Once issued, asking for the same term again gives the issued review, not a new draft.
    again, outcome = services.review_term_draft(
        unit=world.cell, first_year=2022, last_year=2026, closing=True, actor=world.bob
    )
    assert (again.pk, outcome) == (review.pk, "final")


def test_a_term_draft_is_refreshed_not_doubled_and_a_shorter_term_is_another(world, five_years):
    first = term(world)
    again = term(world, closing=True, on=at(2027, 1, 16))
    assert again.pk == first.pk and again.closing and again.version == first.version + 1
    three = term(world, first=2024, on=at(2027, 1, 16))
    assert three.pk != first.pk and len(three.figures["years"]) == 3
    assert Review.objects.filter(kind="term").count() == 2


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        ("2026", "2022", "first_year", "trước năm cuối"),
        ("2026", "2026", "first_year", "ít nhất hai năm"),
        ("2015", "2019", "first_year", "từ 2016 đến 2100"),
        ("2024", "2101", "last_year", "từ 2016 đến 2100"),
        ("2025", "2028", "last_year", "không thể sau năm nay (2027)"),
        ("2012", "2026", "first_year", "từ 2016 đến 2100"),
        ("2016", "2026", "first_year", "nhiều nhất 10 năm"),
        ("hai", "2026", "first_year", "số nguyên"),
    ],
)
def test_bad_years_are_refused_in_vietnamese_and_nothing_is_written(
    world, client, first, last, field, message
):
    pass_second_factor(client, world.bob)
    audit = AuditEvent.objects.count()
    with time_machine.travel(at(2027, 1, 15), tick=False):
        response = client.post(
            reverse("reviews:term_new", args=[world.cell.pk]),
            {"stage": "mid", "first_year": first, "last_year": last},
        )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.text
    assert not Review.objects.filter(kind="term").exists()
    assert AuditEvent.objects.count() == audit


def test_the_page_drafts_then_shows_the_table_and_the_chart(world, five_years, client):
    pass_second_factor(client, world.bob)
    listing = client.get(reverse("reviews:list"))
    start = reverse("reviews:term_new", args=[world.cell.pk])
    assert start in listing.text
    with time_machine.travel(at(2027, 1, 15), tick=False):
        form = client.get(start)
        assert form.context["form"].initial == {"first_year": 2023, "last_year": 2027}
        done = client.post(start, {"stage": "mid", "first_year": "2022", "last_year": "2026"})
        review = Review.objects.get(kind="term")
        assert done["Location"] == reverse("reviews:detail", args=[review.pk])
        page = client.get(done["Location"])
    text = page.text
    assert "Sơ kết 05 năm (2022–2026) việc học tập và làm theo" in text
    assert "Năm 2022" in text and "Năm 2026" in text and "Cả giai đoạn" in text
    assert "01-BC/CB" in text  # the 2022 and 2023 columns come from the issued reviews
    assert 'class="chart"' in text and "Đảng viên đăng ký (%)" in text
    assert reverse("reviews:preview", args=[review.pk]) in text
    preview = client.get(reverse("reviews:preview", args=[review.pk]))
    assert preview["Content-Type"] == "application/pdf"


def test_the_kept_page_follows_the_text_and_the_kind(world, five_years, client):
    review = term(world)
    pass_second_factor(client, world.bob)
    url = reverse("reviews:detail", args=[review.pk])
    first, kept = (CSRF.sub("", client.get(url).text) for _ in range(2))
    assert "Sơ kết 05 năm" in first and kept == first
    write(review, world.bob, results="Qua năm năm, chi bộ giữ vững đoàn kết.")
    assert "Qua năm năm, chi bộ giữ vững đoàn kết." in client.get(url).text
    term(world, closing=True, on=at(2027, 1, 16))
    assert "Tổng kết 05 năm (2022–2026)" in client.get(url).text


def test_who_may_draft_a_term_review(world, client):
    url = reverse("reviews:term_new", args=[world.cell.pk])
    data = {"stage": "mid", "first_year": "2022", "last_year": "2026"}
    for user, status in (
        (world.charlie, 404),  # the secretary of the cell next door
        (world.alice, 404),  # a member without a role reads no unit
        (world.olga, 403),  # the district's officer reads the cell, writes the district's
    ):
        pass_second_factor(client, user)
        assert client.get(url).status_code == status, user
        assert client.post(url, data).status_code == status, user
        assert reverse("reviews:term_new", args=[world.cell.pk]) not in (
            client.get(reverse("reviews:list")).text
        )
    assert not Review.objects.filter(kind="term").exists()
    pass_second_factor(client, world.olga)
    district = reverse("reviews:term_new", args=[world.district.pk])
    assert district in client.get(reverse("reviews:list")).text
    assert client.get(district).status_code == 200


@needs_poppler
def test_the_pdf_prints_the_years_side_by_side(world, five_years, tmp_path):
    review, _export = issue(write(term(world), world.bob), world.bob, on=at(2027, 1, 20))
    _name, _type, content = render_review_pdf(review)
    path = save(content, tmp_path, "term.pdf")
    text = flat(reading_text(path))
    assert "BÁO CÁO Sơ kết 05 năm (2022–2026) việc học tập và làm theo" in text
    assert "Số 01-BC/CB" in text  # the document's own number, and the issued years' source
    for year in YEARS:
        assert f"Năm {year}" in text
    assert "Cả giai đoạn" in text and "T/M CHI BỘ" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    assert png.stat().st_size > 10_000  # a page with text, a table and a chart, not blank
