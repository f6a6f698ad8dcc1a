"""Quarterly reviews written from the demo data, finalised, numbered and exported."""

import datetime
import shutil
import subprocess
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from registry.accounts.models import User
from registry.reviews import services
from registry.reviews.models import Review, ReviewExport
from registry.reviews.tasks import generate_due_reviews, render_review_pdf
from registry.units.models import Unit

from ..pledges.conftest import _private_media  # noqa: F401

TEXT = {
    "results": "Chi bộ đã lãnh đạo đảng viên thực hiện nghiêm túc.",
    "limitations": "Một số đồng chí báo cáo chậm.",
    "next_tasks": "Đôn đốc đảng viên chưa đăng ký.",
}


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("load_seeds", verbosity=0)
    call_command("generate_reviews", "--quarter", "2026Q3", verbosity=0)
    return Unit.objects.get(code="son-la/muong-la/khoi-dang")


@pytest.fixture
def secretary(demo):
    return User.objects.get(username="dv78354851")


def finalise(review, user):
    for name, value in TEXT.items():
        setattr(review, name, value)
    review.save()
    with transaction.atomic():
        return services.review_finalise(review=review, actor=user)


def test_one_draft_per_cell_and_per_upper_unit_and_none_twice(demo):
    units = services.units_to_review()
    assert Review.objects.filter(year=2026, quarter=3).count() == len(units)
    cells = [u for u in units if u.kind.is_cell]
    assert len(cells) == 17 and len(units) > len(cells)
    assert (
        Unit.objects.get(code="son-la") in units
        and Unit.objects.get(code="son-la/muong-la") in units
    )
    before = set(Review.objects.values_list("pk", "generated_at"))
    call_command("generate_reviews", "--quarter", "2026Q3", verbosity=0)
    after = set(Review.objects.values_list("pk", "generated_at"))
    assert {pk for pk, _ in before} == {pk for pk, _ in after}  # no new review
    assert before != after  # drafts were refreshed


def test_figures_match_the_demo_data_counted_by_hand(demo):
    f = Review.objects.get(unit=demo, year=2026, quarter=3).figures
    assert (f["members"], f["registered"], f["registered_pct"]) == (27, 5, 18.5)
    assert (f["approved_plans"], f["items"], f["breakthrough"]) == (3, 7, 1)
    # Quarter III: only Lò Văn Thắng reported, both items "in progress", on 22/09.
    assert (f["items_in_progress"], f["items_not_reported"]) == (2, 5)
    assert (f["reports_on_time"], f["reports_late"], f["reports_missing"]) == (1, 0, 2)
    # One supervision (20/08) and one check (15/09) in the quarter.
    assert (f["checks"], f["supervisions"]) == (1, 1)
    district = Review.objects.get(unit__code="son-la/muong-la", year=2026, quarter=3)
    rows = {row["name"]: row for row in district.children}
    assert rows["Chi bộ Khối Đảng"]["members"] == 27
    assert district.figures["members"] == sum(r["members"] for r in district.children)
    assert (
        "chi bộ có 27 đảng viên; 5 đồng chí đã đăng ký"
        in Review.objects.get(unit=demo, quarter=3).summary
    )


def test_finalising_numbers_per_unit_and_year_and_locks(demo, secretary):
    q3 = Review.objects.get(unit=demo, year=2026, quarter=3)
    q3, _export = finalise(q3, secretary)
    assert (q3.number_label, q3.status) == ("01-BC/CB", "final")
    call_command("generate_reviews", "--quarter", "2026Q2", "--unit", demo.code, verbosity=0)
    q2, _ = finalise(Review.objects.get(unit=demo, year=2026, quarter=2), secretary)
    assert q2.number_label == "02-BC/CB"
    frozen = Review.objects.get(pk=q3.pk)
    call_command("generate_reviews", "--quarter", "2026Q3", verbosity=0)
    again = Review.objects.get(pk=q3.pk)
    assert (again.figures, again.summary, again.generated_at) == (
        frozen.figures,
        frozen.summary,
        frozen.generated_at,
    )
    with pytest.raises(ValidationError, match=r"ban hành lúc .* nên không thể sửa nữa"):
        services.review_update_text(
            review=again,
            actor=secretary,
            results="x",
            limitations="",
            next_tasks="",
            seen_version=again.version,
        )


def test_finalising_needs_an_assessment_and_the_right_person(demo, secretary):
    review = Review.objects.get(unit=demo, year=2026, quarter=3)
    with pytest.raises(ValidationError):
        services.review_finalise(review=review, actor=secretary)
    other = User.objects.get(username="dv80762955")  # secretary of Chi bộ C5
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.review_finalise(review=review, actor=other)
    assert Review.objects.get(pk=review.pk).status == "draft"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_exported_pdf_is_a_party_report(demo, secretary, tmp_path):
    _review, export = finalise(Review.objects.get(unit=demo, year=2026, quarter=3), secretary)
    render_review_pdf.apply(args=(export.pk,))
    export.refresh_from_db()
    assert export.status == "ready"
    assert export.filename == "Báo cáo sơ kết quý III năm 2026 - Chi bộ Khối Đảng.pdf"
    path = tmp_path / "r.pdf"
    path.write_bytes(export.file.read())
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for line in [
        "HUYỆN ỦY MƯỜNG LA",
        "CHI BỘ KHỐI ĐẢNG",
        "Số 01-BC/CB",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO",
        "Sơ kết quý III năm 2026 việc học tập và làm theo tư tưởng, đạo đức, "
        "phong cách Hồ Chí Minh",
        "chi bộ có 27 đảng viên; 5 đồng chí đã đăng ký kế hoạch học tập và làm theo (đạt 18,5%)",
        "Báo cáo quý đúng hạn / trễ hạn / chưa báo cáo",
        "Đang thực hiện",  # the chart's legend, drawn in the document's font
        "T/M CHI BỘ",
        "BÍ THƯ",
        "Lò Văn Thắng",
        "Nơi nhận:",
        "Huyện ủy Mường La (để báo cáo),",
        "Lưu chi bộ.",
    ]:
        assert line in text, line
    # the figures' cells: on time / late / missing for quarter III
    assert "1/0/2" in text.replace(" ", "")


def test_a_redelivered_export_task_renders_once(demo, secretary):
    _review, export = finalise(Review.objects.get(unit=demo, year=2026, quarter=3), secretary)
    with mock.patch("registry.reviews.pdf.render_pdf", return_value=b"%PDF-1.4 test") as render:
        render_review_pdf.apply(args=(export.pk,))
        render_review_pdf.apply(args=(export.pk,))
    assert render.call_count == 1
    assert ReviewExport.objects.get(pk=export.pk).status == "ready"


def test_a_failed_export_shows_its_reason(demo, secretary, client):
    _review, export = finalise(Review.objects.get(unit=demo, year=2026, quarter=3), secretary)
    with mock.patch(
        "registry.reviews.pdf.render_pdf", side_effect=OSError("không đọc được phông chữ")
    ):
        render_review_pdf.apply(args=(export.pk,))
    export.refresh_from_db()
    assert export.status == "failed" and "không đọc được phông chữ" in export.error
    client.force_login(secretary)
    page = client.get(reverse("reviews:export_status", args=[export.pk]))
    assert "Lỗi" in page.text and "không đọc được phông chữ" in page.text


def test_the_page_polls_until_ready_then_offers_the_download(demo, secretary, client):
    client.force_login(secretary)
    review = Review.objects.get(unit=demo, year=2026, quarter=3)
    response = client.post(
        reverse("reviews:detail", args=[review.pk]),
        {**TEXT, "version": review.version, "finalise": "1"},
    )
    assert response.status_code == 302
    export = ReviewExport.objects.get(review=review)
    queued = client.get(reverse("reviews:export_status", args=[export.pk]))
    assert 'hx-trigger="every 2s"' in queued.text
    render_review_pdf.apply(args=(export.pk,))
    ready = client.get(reverse("reviews:export_status", args=[export.pk]))
    assert "every 2s" not in ready.text and "Tải bản PDF" in ready.text
    download = client.get(reverse("reviews:download", args=[export.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''B%C3%A1o%20c%C3%A1o" in download["Content-Disposition"]


def test_reviews_outside_reach_are_404(demo, client):
    review = Review.objects.get(unit=demo, year=2026, quarter=3)
    client.force_login(User.objects.get(username="dv80762955"))
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404
    client.force_login(User.objects.get(username="tinhuy.sonla"))
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 200


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (datetime.date(2026, 10, 2), None),
        (datetime.date(2026, 10, 3), (2026, 3)),
        (datetime.date(2026, 12, 1), (2026, 3)),
        (datetime.date(2026, 12, 3), None),
        (datetime.date(2027, 1, 5), (2026, 4)),
    ],
)
def test_which_quarter_is_due(today, due):
    assert services.due_period(today, 3) == due


def test_the_daily_job_writes_the_year_end_review_after_the_fourth_quarter(demo, settings):
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        generate_due_reviews.apply(args=("2027-01-05",))
    finally:
        app.conf.task_always_eager = False
    assert Review.objects.filter(unit=demo, kind="quarter", year=2026, quarter=4).exists()
    year_review = Review.objects.get(unit=demo, kind="year", year=2026)
    assert year_review.figures["rating_xuat_sac"] == 0  # 2026 ratings come at year end


def test_numbers_follow_the_year_of_issue_not_the_reviewed_year(demo, secretary):
    """A 2025 year-end review finalised in January 2026 takes a 2026 number."""
    import time_machine

    call_command("generate_reviews", "--quarter", "2025Q3", "--unit", demo.code, verbosity=0)
    call_command("generate_reviews", "--year", "2025", "--unit", demo.code, verbosity=0)
    tz = datetime.timezone(datetime.timedelta(hours=7))
    with time_machine.travel(datetime.datetime(2025, 10, 15, 9, tzinfo=tz), tick=False):
        q3, _ = finalise(Review.objects.get(unit=demo, year=2025, quarter=3), secretary)
    with time_machine.travel(datetime.datetime(2026, 1, 20, 9, tzinfo=tz), tick=False):
        year_end, _ = finalise(Review.objects.get(unit=demo, year=2025, kind="year"), secretary)
        q3_2026, _ = finalise(Review.objects.get(unit=demo, year=2026, quarter=3), secretary)
    assert [(r.issued_year, r.number_label) for r in (q3, year_end, q3_2026)] == [
        (2025, "01-BC/CB"),
        (2026, "01-BC/CB"),
        (2026, "02-BC/CB"),
    ]


def test_the_year_end_review_counts_checks_of_the_whole_year(demo):
    call_command("generate_reviews", "--year", "2026", "--unit", demo.code, verbosity=0)
    f = Review.objects.get(unit=demo, kind="year", year=2026).figures
    assert (f["checks"], f["supervisions"]) == (1, 1)  # 15/09 and 20/08


def test_figures_count_the_members_of_the_period(demo):
    from registry.members.models import Membership

    newest = (
        Membership.objects.filter(cell=demo, end_date__isnull=True).order_by("-start_date").first()
    )
    call_command("generate_reviews", "--quarter", "2016Q1", "--unit", demo.code, verbosity=0)
    f = Review.objects.get(unit=demo, year=2016, quarter=1).figures
    joined_later = Membership.objects.filter(
        cell=demo, start_date__gt=datetime.date(2016, 3, 31)
    ).count()
    assert newest.start_date > datetime.date(2016, 3, 31)
    assert f["members"] == 27 - joined_later
    assert f["registered"] <= f["members"]


def test_a_lost_export_is_sent_again_and_stays_visible(
    demo, secretary, django_capture_on_commit_callbacks
):
    from registry.reviews.tasks import resend_stalled_exports

    with (
        mock.patch(
            "registry.reviews.tasks.render_review_pdf.delay", side_effect=ConnectionError("down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _review, export = finalise(Review.objects.get(unit=demo, year=2026, quarter=3), secretary)
    export.refresh_from_db()
    assert export.status == "queued" and "thử lại" in export.error
    ReviewExport.objects.filter(pk=export.pk).update(
        requested_at=export.requested_at - datetime.timedelta(minutes=11)
    )
    with mock.patch("registry.reviews.tasks.render_review_pdf.delay") as send:
        resend_stalled_exports.apply()
    send.assert_called_once_with(export.pk)


def test_polling_stops_after_a_while(demo, secretary, client):
    _review, export = finalise(Review.objects.get(unit=demo, year=2026, quarter=3), secretary)
    client.force_login(secretary)
    late = client.get(reverse("reviews:export_status", args=[export.pk]) + "?n=200")
    assert "every 2s" not in late.text and "tải lại trang" in late.text


def test_a_finalised_review_is_issued(demo, secretary, client):
    """Finalising numbers the report and issues it: “ban hành”, not “hoàn thành”."""
    client.force_login(secretary)
    review = Review.objects.get(unit=demo, year=2026, quarter=3)
    page = client.post(
        reverse("reviews:detail", args=[review.pk]),
        {**TEXT, "version": review.version, "finalise": "1"},
        follow=True,
    )
    assert "Báo cáo đã được ban hành; bản PDF đang được tạo." in page.text
    listing = client.get(reverse("reviews:list"))
    assert "Đã ban hành" in listing.text
    assert "Đã hoàn thành" not in listing.text
