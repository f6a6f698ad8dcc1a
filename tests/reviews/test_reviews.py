"""Quarterly and year-end reviews: written from the figures, read and completed on the page,
previewed, issued with a number after a confirmation, replaced (never changed) once issued,
exported by a worker."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registry.cells import services as cell_services
from registry.reviews import services
from registry.reviews.models import DocumentCounter, Review, ReviewExport
from registry.reviews.services import BEYOND_KEPT
from registry.reviews.tasks import generate_due_reviews, render_review_pdf

from ..factories import D, at, pass_second_factor, verified
from .conftest import TEXT, draft, issue, write


def test_one_draft_per_unit_with_people_and_none_twice(world):
    call_command("generate_reviews", "--quarter", "2026Q3", verbosity=0)
    units = services.units_to_review()
    assert {u.name for u in units} == {
        "Tỉnh ủy Sơn La",
        "Huyện ủy Mường La",
        "Chi bộ Khối Đảng",
        "Chi bộ bản Nà Lốc",
    }
    assert Review.objects.filter(year=2026, quarter=3).count() == 4
    call_command("generate_reviews", "--quarter", "2026Q3", verbosity=0)
    assert Review.objects.filter(year=2026, quarter=3).count() == 4


def test_figures_counted_by_hand(world):
    f = draft(world.cell).figures
    # alice, bob and dana in the cell; alice and bob registered and approved, 2 items each.
    assert (f["members"], f["registered"], f["registered_pct"]) == (3, 2, 66.7)
    assert (f["approved_plans"], f["items"], f["breakthrough"]) == (2, 4, 0)
    # Quarter III: bob reported both items (in progress) on 20/09; alice nothing by 25/09.
    assert (f["items_in_progress"], f["items_not_reported"]) == (2, 2)
    assert (f["reports_on_time"], f["reports_late"], f["reports_missing"]) == (1, 0, 1)
    assert f["reports_not_due"] == 0
    # The chart's columns, "not reported" included: quarters I and II had no report at all.
    assert f["by_quarter"]["1"] == {
        "done": 0,
        "in_progress": 0,
        "not_started": 0,
        "not_done": 0,
        "none": 4,
    }
    assert f["by_quarter"]["3"]["in_progress"] == 2 and f["by_quarter"]["3"]["none"] == 2
    district = draft(world.district)
    rows = {row["name"]: row for row in district.children}
    assert rows["Chi bộ Khối Đảng"]["members"] == 3 and rows["Chi bộ bản Nà Lốc"]["members"] == 1
    assert district.figures["members"] == 4 == sum(r["members"] for r in district.children)


def test_a_draft_before_the_deadline_counts_not_yet_due_like_the_overview(world):
    from registry.cells.selectors import cell_dashboard

    review = draft(world.cell, on=at(2026, 9, 22))
    f = review.figures
    assert (f["reports_on_time"], f["reports_missing"], f["reports_not_due"]) == (1, 0, 1)
    assert review.as_of == D(2026, 9, 22)
    assert "Tính đến ngày 22/09/2026" in review.summary
    board = cell_dashboard(cell=world.cell, year=2026, quarter=3, today=D(2026, 9, 22))
    apart = ("by_quarter", *BEYOND_KEPT)  # the overview has these apart, or not at all
    assert {k: board.f[k] for k in f if k not in apart} == {
        k: v for k, v in f.items() if k not in apart
    }
    assert board.f["by_quarter"] == f["by_quarter"]


def test_a_review_made_after_its_period_is_as_of_the_period_end(world):
    review = draft(world.cell, on=at(2026, 10, 5))
    assert review.as_of == D(2026, 9, 30) and review.taken_on == D(2026, 10, 5)
    assert review.summary.startswith("Tính đến ngày 30/09/2026, chi bộ có 3 đảng viên")


def test_a_year_end_review_finalised_in_november_is_as_of_that_day(world):
    review = draft(world.cell, kind="year", quarter=4, on=at(2026, 11, 26))
    assert review.as_of == D(2026, 11, 26)
    assert "Tính đến ngày 26/11/2026" in review.summary
    assert "31/12" not in review.summary


def test_defaults_are_written_into_the_draft_where_they_can_be_read_and_changed(world):
    review = draft(world.cell)
    assert (review.on_behalf, review.signer_title, review.signer_name) == (
        "T/M CHI BỘ",
        "BÍ THƯ",
        "Lò Văn Thắng",
    )
    assert review.recipient_lines == ["Huyện ủy Mường La (để báo cáo)", "Lưu chi bộ"]
    assert review.next_tasks == services.DEFAULT_NEXT_TASKS
    assert review.limitations == ""  # an empty section is not printed, nor invented


def test_a_committee_signs_in_the_form_that_fits_it(world):
    world.district.has_standing_committee = True
    world.district.save()
    assert draft(world.district).on_behalf == "T/M BAN THƯỜNG VỤ"
    assert draft(world.province).on_behalf == "T/M ĐẢNG ỦY"  # no standing committee set
    assert draft(world.district).recipient_lines[-1] == "Lưu Văn phòng"


def test_issuing_numbers_per_unit_and_year_and_locks(world):
    q3 = write(draft(world.cell), world.bob)
    q3, _export = issue(q3, world.bob)
    assert (q3.number_label, q3.status, q3.get_status_display()) == (
        "01-BC/CB",
        "final",
        "Đã ban hành",
    )
    q2 = write(draft(world.cell, quarter=2), world.bob)
    q2, _ = issue(q2, world.bob)
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
            review=again, actor=world.bob, seen_version=again.version, results="x"
        )


def test_issuing_needs_the_texts_and_the_right_person(world):
    review = draft(world.cell)
    with pytest.raises(ValidationError) as exc:
        issue(review, world.bob)
    assert "results" in exc.value.message_dict
    write(review, world.bob)
    with pytest.raises(PermissionDenied):
        issue(review, world.charlie)  # the secretary of the next cell
    with pytest.raises(PermissionDenied):
        issue(review, world.alice)
    assert Review.objects.get(pk=review.pk).status == "draft"


def test_issuing_is_refused_when_the_review_changed_after_the_preview(world):
    review = write(draft(world.cell), world.bob)
    seen = review.version
    services.review_generate(
        unit=world.cell, kind="quarter", year=2026, quarter=3, at=at(2026, 10, 8)
    )
    review.refresh_from_db()
    assert review.version == seen  # nothing changed in the figures: the same version
    cell_services.supervision_record(
        cell=world.cell,
        actor=world.bob,
        member=world.alice_member,
        kind="kiem_tra",
        date=D(2026, 9, 10),
        subject="Thực hiện bản đăng ký",
        findings="Đúng tiến độ",
        conclusion="Tốt",
        at=at(2026, 10, 8),
    )
    services.review_generate(
        unit=world.cell, kind="quarter", year=2026, quarter=3, at=at(2026, 10, 9)
    )
    with pytest.raises(ValidationError, match="thay đổi sau khi"):
        services.review_issue(
            review=review,
            actor=verified(world.bob),
            seen_version=seen,
            expected_number=1,
            confirm_early=True,
            at=at(2026, 10, 9),
        )
    assert Review.objects.get(pk=review.pk).number is None


def test_issuing_is_refused_when_the_announced_number_was_taken_meanwhile(world):
    review = write(draft(world.cell), world.bob)
    other = write(draft(world.cell, quarter=2), world.bob)
    announced = services.next_number(review)
    issue(other, world.dana)
    with pytest.raises(ValidationError, match="01-BC/CB"):
        services.review_issue(
            review=review,
            actor=verified(world.bob),
            seen_version=review.version,
            expected_number=announced,
            at=at(2026, 10, 6),
        )


def test_issuing_before_the_deadline_needs_a_confirmation_that_says_why(world):
    review = write(draft(world.cell, on=at(2026, 9, 22)), world.bob)
    reasons = services.early_issue_reasons(review, D(2026, 9, 22))
    assert any("25/09/2026" in r and "chưa đến hạn" in r for r in reasons)
    with pytest.raises(ValidationError) as exc:
        issue(review, world.bob, on=at(2026, 9, 22), confirm_early=False)
    assert "confirm_early" in exc.value.message_dict
    review, _ = issue(review, world.bob, on=at(2026, 9, 22), confirm_early=True)
    assert review.status == "final"


def test_a_replacement_gets_a_new_number_and_names_the_one_it_replaces(issued, world):
    replacement = services.review_replace(
        review=issued, actor=world.bob, reason="Sửa số liệu kiểm tra", at=at(2026, 10, 10)
    )
    assert (replacement.status, replacement.replaces_id) == ("draft", issued.pk)
    assert replacement.results == issued.results  # the texts come along, to be corrected
    assert Review.objects.get(pk=issued.pk).status == "final"  # in force until replaced
    replacement, _ = issue(replacement, world.bob, on=at(2026, 10, 11))
    assert replacement.number_label == "02-BC/CB"
    assert Review.objects.get(pk=issued.pk).status == "replaced"
    assert list(
        Review.objects.filter(unit=world.cell, quarter=3)
        .order_by("number")
        .values_list("number", "status")
    ) == [(1, "replaced"), (2, "final")]
    with pytest.raises(ValidationError):
        services.review_replace(
            review=Review.objects.get(pk=issued.pk), actor=world.bob, reason="x"
        )


def test_the_page_offers_a_preview_then_a_confirmation_then_issues(world, client):
    review = draft(world.cell)
    pass_second_factor(client, world.bob)
    page = client.get(reverse("reviews:detail", args=[review.pk]))
    assert reverse("reviews:preview", args=[review.pk]) in page.text
    # Every default that will be printed is on the page, in the form and in the document.
    assert services.DEFAULT_NEXT_TASKS in page.text and "T/M CHI BỘ" in page.text
    assert "Huyện ủy Mường La (để báo cáo)" in page.text
    response = client.post(
        reverse("reviews:detail", args=[review.pk]),
        {
            **TEXT,
            "on_behalf": "T/M CHI BỘ",
            "signer_title": "BÍ THƯ",
            "signer_name": "Lò Văn Thắng",
            "recipients": "Đảng ủy Khối (để báo cáo)\nLưu chi bộ",
            "version": review.version,
            "issue": "1",
        },
    )
    assert response["Location"] == reverse("reviews:issue", args=[review.pk])
    preview = client.get(reverse("reviews:preview", args=[review.pk]))
    assert preview["Content-Type"] == "application/pdf"
    assert Review.objects.get(pk=review.pk).number is None  # a preview numbers nothing
    with time_machine.travel(at(2026, 10, 6), tick=False):
        confirm = client.get(reverse("reviews:issue", args=[review.pk]))
        assert "01-BC/CB" in confirm.text and "sẽ được cấp" in confirm.text
        form = confirm.context["form"]
        done = client.post(
            reverse("reviews:issue", args=[review.pk]),
            {"version": form.initial["version"], "number": form.initial["number"], "confirm": "on"},
        )
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.number_label, review.recipient_lines) == (
        "01-BC/CB",
        ["Đảng ủy Khối (để báo cáo)", "Lưu chi bộ"],
    )


def test_the_confirmation_page_says_why_it_is_early(world, client):
    review = write(draft(world.cell, on=at(2026, 9, 22)), world.bob)
    client.force_login(world.bob)
    with time_machine.travel(at(2026, 9, 22), tick=False):
        page = client.get(reverse("reviews:issue", args=[review.pk]))
        assert "25/09/2026" in page.text and "confirm_early" in page.text
        refused = client.post(
            reverse("reviews:issue", args=[review.pk]),
            {"version": review.version, "number": 1, "confirm": "on"},
        )
    assert refused.status_code == 200 and Review.objects.get(pk=review.pk).number is None


def test_no_number_is_issued_without_the_confirmation_box(world, client):
    review = write(draft(world.cell), world.bob)
    pass_second_factor(client, world.bob)
    with time_machine.travel(at(2026, 10, 6), tick=False):
        page = client.get(reverse("reviews:issue", args=[review.pk]))
        assert 'name="confirm"' in page.text
        data = {"version": review.version, "number": 1, "confirm_early": "on"}
        refused = client.post(reverse("reviews:issue", args=[review.pk]), data)
        assert refused.status_code == 200 and "Đánh dấu vào ô để xác nhận" in refused.text
        assert Review.objects.get(pk=review.pk).number is None
        assert not DocumentCounter.objects.filter(last_number__gt=0).exists()
        done = client.post(reverse("reviews:issue", args=[review.pk]), {**data, "confirm": "on"})
    assert done.status_code == 302 and Review.objects.get(pk=review.pk).number == 1


def test_only_those_who_write_reviews_see_the_buttons(world, client):
    review = draft(world.cell)
    client.force_login(world.olga)  # reads the district, does not write the cell's review
    page = client.get(reverse("reviews:detail", args=[review.pk]))
    assert page.status_code == 200
    assert reverse("reviews:preview", args=[review.pk]) not in page.text
    assert client.get(reverse("reviews:preview", args=[review.pk])).status_code == 403
    assert client.get(reverse("reviews:issue", args=[review.pk])).status_code == 403


def test_reviews_outside_reach_are_404(world, client):
    review = draft(world.cell)
    client.force_login(world.charlie)
    for name in ("detail", "preview", "issue"):
        assert client.get(reverse(f"reviews:{name}", args=[review.pk])).status_code == 404


def test_a_redelivered_export_task_renders_once(issued):
    export = ReviewExport.objects.get(review=issued)
    with mock.patch("registry.reviews.pdf.render_pdf", return_value=b"%PDF-1.4 test") as render:
        render_review_pdf.apply(args=(export.pk,))
        render_review_pdf.apply(args=(export.pk,))
    assert render.call_count == 1
    assert ReviewExport.objects.get(pk=export.pk).status == "ready"


def test_a_failed_export_shows_its_reason(issued, world, client):
    export = ReviewExport.objects.get(review=issued)
    with mock.patch(
        "registry.reviews.pdf.render_pdf", side_effect=OSError("không đọc được phông chữ")
    ):
        render_review_pdf.apply(args=(export.pk,))
    export.refresh_from_db()
    assert export.status == "failed" and "không đọc được phông chữ" in export.error
    client.force_login(world.bob)
    page = client.get(reverse("reviews:export_status", args=[export.pk]))
    assert "Lỗi" in page.text and "không đọc được phông chữ" in page.text


def test_the_page_polls_until_ready_then_offers_the_download(issued, world, client):
    client.force_login(world.bob)
    export = ReviewExport.objects.get(review=issued)
    queued = client.get(reverse("reviews:export_status", args=[export.pk]))
    assert 'hx-trigger="every 2s"' in queued.text
    with mock.patch("registry.reviews.pdf.render_pdf", return_value=b"%PDF-1.4 test"):
        render_review_pdf.apply(args=(export.pk,))
    ready = client.get(reverse("reviews:export_status", args=[export.pk]))
    assert "every 2s" not in ready.text and "Tải bản PDF" in ready.text
    download = client.get(reverse("reviews:download", args=[export.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''B%C3%A1o%20c%C3%A1o" in download["Content-Disposition"]
    late = client.get(reverse("reviews:export_status", args=[export.pk]) + "?n=200")
    assert "every 2s" not in late.text


def test_a_lost_export_is_sent_again_and_stays_visible(world, django_capture_on_commit_callbacks):
    from registry.reviews.tasks import resend_stalled_exports

    review = write(draft(world.cell), world.bob)
    with (
        mock.patch(
            "registry.reviews.tasks.render_review_pdf.apply_async",
            side_effect=ConnectionError("down"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _review, export = issue(review, world.bob)
    export.refresh_from_db()
    assert export.status == "queued" and "thử lại" in export.error
    with mock.patch("registry.reviews.tasks.render_review_pdf.apply_async") as send:
        resend_stalled_exports.apply()  # not handed over: sent again at the next run
    send.assert_called_once_with((export.pk,), retry=False)
    export.refresh_from_db()
    assert export.error == ""
    requested = timezone.now()
    ReviewExport.objects.filter(pk=export.pk).update(requested_at=requested)
    with mock.patch("registry.reviews.tasks.render_review_pdf.apply_async") as send:
        resend_stalled_exports.apply()  # handed over and maybe waiting in the queue
    send.assert_not_called()
    ReviewExport.objects.filter(pk=export.pk).update(
        requested_at=requested - datetime.timedelta(minutes=11)
    )
    with mock.patch("registry.reviews.tasks.render_review_pdf.apply_async") as send:
        resend_stalled_exports.apply()  # lost on the way (a broker restarted without its data)
    send.assert_called_once_with((export.pk,), retry=False)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (D(2026, 10, 2), None),
        (D(2026, 10, 3), (2026, 3)),
        (D(2026, 12, 1), (2026, 3)),
        (D(2026, 12, 3), None),
        (D(2027, 1, 5), (2026, 4)),
    ],
)
def test_which_quarter_is_due(today, due):
    assert services.due_period(today, 3) == due


def test_the_daily_job_writes_the_year_end_review_after_the_fourth_quarter(world):
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        generate_due_reviews.apply(args=("2027-01-05",))
    finally:
        app.conf.task_always_eager = False
    assert Review.objects.filter(unit=world.cell, kind="quarter", year=2026, quarter=4).exists()
    year_review = Review.objects.get(unit=world.cell, kind="year", year=2026)
    assert year_review.figures["rating_xuat_sac"] == 0


def test_numbers_follow_the_year_of_issue_not_the_reviewed_year(world):
    """A 2026 year-end review issued in January 2027 takes a 2027 number."""
    q3 = write(draft(world.cell), world.bob)
    q3, _ = issue(q3, world.bob, on=at(2026, 10, 15))
    year_end = write(draft(world.cell, kind="year", quarter=4, on=at(2027, 1, 10)), world.bob)
    year_end, _ = issue(year_end, world.bob, on=at(2027, 1, 20))
    assert [(r.issued_year, r.number_label) for r in (q3, year_end)] == [
        (2026, "01-BC/CB"),
        (2027, "01-BC/CB"),
    ]
    assert year_end.as_of == D(2026, 12, 31)


def test_the_year_end_review_counts_checks_of_the_whole_year(world):
    for day, kind in ((D(2026, 3, 15), "kiem_tra"), (D(2026, 8, 20), "giam_sat")):
        cell_services.supervision_record(
            cell=world.cell,
            actor=world.bob,
            member=world.alice_member,
            kind=kind,
            date=day,
            subject="Việc đã đăng ký",
            findings="Đúng",
            conclusion="Tốt",
            at=at(2026, 9, 1),
        )
    year = draft(world.cell, kind="year", quarter=4, on=at(2027, 1, 5)).figures
    q3 = draft(world.cell, on=at(2026, 10, 5)).figures
    assert (year["checks"], year["supervisions"]) == (1, 1)
    assert (q3["checks"], q3["supervisions"]) == (0, 1)


def test_issuing_a_review_needs_the_second_step(client, world):
    review = write(draft(world.cell), world.bob)
    client.force_login(world.bob)  # the password only
    with time_machine.travel(at(2026, 10, 6), tick=False):
        page = client.get(reverse("reviews:issue", args=[review.pk]))
        assert reverse("signin:verify") in page.text
        form = page.context["form"]
        data = {
            "version": form.initial["version"],
            "number": form.initial["number"],
            "confirm": "on",
        }
        refused = client.post(reverse("reviews:issue", args=[review.pk]), data)
        assert refused.status_code == 200 and "bước đăng nhập thứ hai" in refused.text
        assert Review.objects.get(pk=review.pk).number is None
        pass_second_factor(client, world.bob)
        done = client.post(reverse("reviews:issue", args=[review.pk]), data)
    assert done.status_code == 302
    assert Review.objects.get(pk=review.pk).number == 1


def test_the_admin_cannot_delete_a_numbered_review(issued, world, client):
    pass_second_factor(client, world.root)
    changelist = client.get(reverse("admin:reviews_review_changelist"))
    assert 'value="delete_selected"' not in changelist.text
    delete = reverse("admin:reviews_review_delete", args=[issued.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Review.objects.get(pk=issued.pk).number_label == "01-BC/CB"
