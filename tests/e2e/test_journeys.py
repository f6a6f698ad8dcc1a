"""Three people's work in a real browser, on a phone (390 px) and a desk (1280 px), against a
live server on the test database; the PDFs are rendered by a real Celery worker on PostgreSQL
with Redis (as in CI), at once otherwise. axe-core checks every page on the way, at both
widths, and fails the journey on any serious or critical violation.

- A member writes a plan, submits it, and once it is approved reports a quarter with a file.
- The secretary approves one plan, returns another, rates a member, records a meeting and
  issues the cell's review, whose PDF arrives on the page.
- An officer of the district opens the roll-up and downloads an issued review.
- A member reads the cell's rating and checks about them, and prints their self-assessment.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from registry.cells.models import CellMeeting, YearRating
from registry.pledges import services as pledges
from registry.pledges.models import Plan, ProgressReport
from registry.programmes.models import Programme
from registry.reviews import services as reviews
from registry.reviews.models import Review, ReviewExport
from registry.units.models import EthicalStandard
from tests.factories import UserFactory, make_member, verified

from .widths import DESK, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MY_PLAN = re.compile(r"/plans/(year/\d+/|\d+/)$")
PNG = (  # a 1×1 photo, as a phone would send one
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def vi(text: str) -> str:
    """The words the page shows, from the Vietnamese catalogue."""
    with translation.override("vi"):
        return translation.gettext(text)


def on_real_worker() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis://") and connection.vendor == "postgresql"


@pytest.fixture
def pdf_renderer(request, tmp_path, settings):
    """A real worker in its own process on PostgreSQL and Redis; else tasks run at once."""
    if on_real_worker():
        from tests.integration.test_real_worker import start_worker, stop_worker

        process, log = start_worker(tmp_path, settings)
        yield "worker"
        stop_worker(process, log)
        if getattr(request.node, "e2e_failed", False):
            print((tmp_path / "worker.log").read_text())
    else:
        from config.celery import app

        app.conf.task_always_eager = True
        yield "eager"
        app.conf.task_always_eager = False


@pytest.fixture
def year_open(tree):
    """This year's programme, its registration window open all year."""
    year = timezone.localdate().year
    return Programme.objects.create(
        year=year,
        name="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        directive="Chỉ thị 05-CT/TW",
        theme="Học tập và làm theo Bác về ý chí tự lực, tự cường",
        registration_opens=datetime.date(year, 1, 1),
        registration_closes=datetime.date(year, 12, 31),
        q1_deadline=datetime.date(year, 3, 31),
        q2_deadline=datetime.date(year, 6, 30),
        q3_deadline=datetime.date(year, 9, 30),
        q4_deadline=datetime.date(year, 12, 31),
    )


def this_quarter() -> int:
    return (timezone.localdate().month - 1) // 3 + 1


def plan_for(member, user, *, action, submit=True):
    """A plan of one item due this quarter, written (and submitted) through the services."""
    year = timezone.localdate().year
    plan = pledges.plan_create(member=member, year=year, actor=user)
    pledges.plan_save(
        plan=plan,
        actor=user,
        study_content="Nghiên cứu chuyên đề năm",
        items=[
            {
                "action": action,
                "measures": "Lập lịch hằng tháng, báo cáo chi bộ.",
                "expected_result": "Hoàn thành đúng hạn, có xác nhận của tổ.",
                "quarter": this_quarter(),
            }
        ],
    )
    if submit:
        plan = pledges.plan_submit(plan=plan, actor=user, commitment_confirmed=True)
    return plan


def test_a_member_writes_submits_and_reports_with_a_file(
    people, tree, year_open, browse, axe, tmp_path
):
    """Written at a desk, submitted and reported from a phone."""
    alice, bob = people.alice, people.bob
    EthicalStandard.objects.create(unit=tree.province, position=1, text="Gần dân, trọng dân")
    EthicalStandard.objects.create(unit=tree.cell, position=1, text="Đúng giờ, đúng hẹn")
    page = browse(alice, "1280")
    axe.check(page)
    axe.keyboard(page)

    page.goto(reverse("pledges:my_plan"))
    axe.check(page)
    page.get_by_role("button", name=vi("Start a new plan")).click()
    page.wait_for_url(re.compile(r"/plans/\d+/edit/"))
    if not page.locator("textarea[name$='-action']").count():
        page.get_by_role("button", name=re.compile(re.escape(vi("Add an item")))).click()
    page.fill("textarea[name='study_content']", "Chuyên đề năm về ý chí tự lực, tự cường")
    page.fill("textarea[name$='-action']", "Hướng dẫn 5 hộ trong bản trồng cây ăn quả")
    page.fill("textarea[name$='-measures']", "Mỗi tháng đến từng hộ một buổi")
    page.fill("textarea[name$='-expected_result']", "5 hộ trồng xong, có ảnh xác nhận")
    page.select_option("select[name$='-quarter']", str(this_quarter()))
    page.check("input[name$='-is_breakthrough']")  # its badge is checked for contrast
    # The draft is saved while the member types, and the page says when.
    saved = page.locator(".autosave-status.saved")
    saved.wait_for()
    assert saved.inner_text().startswith(vi("Saved at {time}").split("{")[0])
    axe.check(page)

    # A second item, tied to standards of two levels, moved above the first by its arrow.
    page.get_by_role("button", name=re.compile(re.escape(vi("Add an item")))).click()
    page.wait_for_selector("#card-items-1 details[open] textarea[name='items-1-action']")
    page.fill("textarea[name='items-1-action']", "Giữ đúng giờ các buổi sinh hoạt chi bộ")
    page.locator("#card-items-1 .standards-pick > summary").click()
    page.locator("#card-items-1 .standard-group").first.locator("label.pick").first.click()
    page.locator("#card-items-1 .standard-group").last.locator("label.pick").first.click()
    axe.check(page)  # an open card, its standards grouped by level
    page.locator("#card-items-1 button.move-up").click()
    assert page.locator(".item-card").first.get_attribute("id") == "card-items-1"
    page.locator(".autosave-status.saved").wait_for()
    axe.check(page)
    page.get_by_role("button", name=vi("Save and review")).click()
    page.wait_for_url(MY_PLAN)
    plan = Plan.objects.get(member=people.alice_member)
    assert [i.action for i in plan.items.order_by("position")] == [
        "Giữ đúng giờ các buổi sinh hoạt chi bộ",
        "Hướng dẫn 5 hộ trong bản trồng cây ăn quả",
    ]
    assert plan.items.get(position=1).standards.count() == 2
    assert page.locator(".badge.warn").count() == 1  # đột phá
    axe.check(page)

    page.set_viewport_size(PHONE)
    page.locator("input[name='commitment_confirmed']").check()
    page.locator(f"form[action='{reverse('pledges:submit', args=[plan.pk])}'] button").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
    axe.check(page)

    pledges.plan_approve(plan=plan, actor=bob)  # the secretary's part has its own journey
    page.goto(reverse("pledges:my_plan"))
    page.get_by_role("link", name=vi("Report"), exact=True).first.click()
    page.wait_for_url(re.compile(r"/items/\d+/q\d/"))
    axe.check(page)
    page.locator("input[name='status'][value='done']").check()
    page.fill("textarea[name='account']", "Đã hướng dẫn đủ 5 hộ, mỗi hộ trồng 20 cây")
    photo = tmp_path / "anh-vuon-cay.png"
    photo.write_bytes(PNG)
    page.set_input_files("input[name='files']", str(photo))
    page.get_by_role("button", name=vi("Save the report")).click()
    page.wait_for_url(MY_PLAN)
    axe.check(page)

    report = ProgressReport.objects.get(item__plan=plan, status=ProgressReport.Status.DONE)
    assert report.status == ProgressReport.Status.DONE
    assert [e.original_name for e in report.evidence.all()] == ["anh-vuon-cay.png"]
    axe.assert_clean()


@pytest.fixture
def secretary_world(people, tree, year_open):
    """Alice's and Dung's plans wait for the secretary; the cell's review is drafted."""
    dung = UserFactory(username="dung")
    dung_member = make_member(tree.cell, "Lường Thị Dung", group=tree.group1, user=dung)
    verified(people.bob)  # a secretary signs in with an authenticator
    plan_for(people.alice_member, people.alice, action="Dạy chữ cho 10 người cao tuổi")
    plan_for(dung_member, dung, action="Vận động 3 hộ làm nhà tiêu hợp vệ sinh")
    year, quarter = timezone.localdate().year, this_quarter()
    review, _ = reviews.review_generate(
        unit=tree.cell, kind=Review.Kind.QUARTER, year=year, quarter=quarter
    )
    return {"dung": dung_member, "review": review}


def test_a_secretary_approves_returns_rates_meets_and_issues_the_review(
    people, tree, secretary_world, pdf_renderer, browse, axe
):
    """Plans decided on a phone; the rating, the meeting and the review at a desk."""
    cell = tree.cell
    page = browse(people.bob, "390")
    axe.check(page)
    axe.keyboard(page)

    page.goto(reverse("cells:dashboard", args=[cell.pk]))
    axe.check(page)
    alice_plan = Plan.objects.get(member=people.alice_member)
    dung_plan = Plan.objects.get(member=secretary_world["dung"])

    page.goto(reverse("pledges:detail", args=[alice_plan.pk]))
    axe.check(page)
    page.locator("form:has(input[name='action'][value='approve']) button").click()
    page.wait_for_load_state()
    alice_plan.refresh_from_db()
    assert alice_plan.status == Plan.Status.APPROVED

    page.goto(reverse("pledges:detail", args=[dung_plan.pk]))
    returning = page.locator("form:has(input[name='action'][value='return'])")
    returning.locator("textarea[name='comment']").fill("Ghi rõ số hộ và thời hạn")
    returning.locator("button").click()
    page.wait_for_load_state()
    dung_plan.refresh_from_db()
    assert dung_plan.status == Plan.Status.RETURNED

    page.set_viewport_size(DESK)
    page.goto(reverse("cells:ratings", args=[cell.pk]))
    axe.check(page)
    page.locator(
        f"a[href^='{reverse('cells:rating_edit', args=[cell.pk, people.alice_member.pk])}']"
    ).click()
    page.wait_for_url(re.compile(r"/ratings/\d+/"))
    axe.check(page)
    page.locator("input[name='level'][value='tot']").check()
    page.fill("textarea[name='justification']", "Hoàn thành tốt các việc đã đăng ký")
    page.get_by_role("button", name=vi("Save the rating")).click()
    page.wait_for_url(re.compile(r"/ratings/(\?.*)?$"))
    rating = YearRating.objects.get(member=people.alice_member)
    assert rating.level == "tot" and rating.rated_by == people.bob

    page.goto(reverse("cells:meeting_new", args=[cell.pk]))
    axe.check(page)
    page.fill("input[name='date']", timezone.localdate().isoformat())
    page.select_option("select[name='chair']", str(people.bob_member.pk))
    # The attendees are filtered by a name typed without accents; "tick all" ticks those shown.
    attendees = page.locator("fieldset .pick-tools")
    attendees.locator("input[type=search]").fill("nguyen van duc")
    attendees.locator("[data-tick-all]").click()
    assert page.locator("input[name='attendees']:checked").count() == 1
    attendees.locator("input[type=search]").fill("")
    attendees.locator("[data-tick-all]").click()
    page.fill("textarea[name='conclusions']", "Chi bộ thống nhất duyệt kế hoạch của đồng chí Đức")
    page.get_by_role("button", name=vi("Save"), exact=True).click()
    page.wait_for_url(re.compile(r"/meetings/(\?.*)?$"))
    axe.check(page)
    meeting = CellMeeting.objects.get(cell=cell)
    assert meeting.attendees.count() == 3  # everybody ticked: Bob, Alice and Dung

    review = secretary_world["review"]
    page.goto(reverse("reviews:detail", args=[review.pk]))
    axe.check(page)
    page.fill("textarea[name='results']", "Chi bộ hoàn thành các chỉ tiêu của quý.")
    page.get_by_role("button", name=vi("Save and go on to issue")).click()
    page.wait_for_url(re.compile(r"/issue/$"))
    axe.check(page)
    early = page.locator("input[name='confirm_early']")
    if early.count():
        early.check()
    page.locator("input[name='confirm']").check()  # the number is issued only when ticked
    page.locator("form button.primary[type='submit']").click()
    page.wait_for_url(re.compile(r"/reviews/\d+/$"))
    download_link = page.get_by_role("link", name=vi("Download the PDF"))
    download_link.wait_for(timeout=90_000)  # the page asks for the file until it is there
    axe.check(page)
    review.refresh_from_db()
    assert review.status == Review.Status.FINAL and review.number
    with page.expect_download() as download:
        download_link.click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    axe.assert_clean()


@pytest.fixture
def issued_review(people, tree, year_open, pdf_renderer):
    """The cell's review of this quarter, issued by its secretary; its PDF rendered."""
    import time

    year, quarter = timezone.localdate().year, this_quarter()
    review, _ = reviews.review_generate(
        unit=tree.cell, kind=Review.Kind.QUARTER, year=year, quarter=quarter
    )
    review.results = "Chi bộ hoàn thành các chỉ tiêu của quý."
    review.save()
    secretary = verified(people.bob)
    review, export = reviews.review_issue(
        review=review,
        actor=secretary,
        seen_version=review.version,
        expected_number=reviews.next_number(review),
        confirm_early=True,
    )
    deadline = time.monotonic() + 90
    while ReviewExport.objects.get(pk=export.pk).status != "ready":
        assert time.monotonic() < deadline, "the review's PDF was not rendered"
        time.sleep(0.5)
    return review


def test_an_officer_opens_the_rollup_and_downloads_a_review(
    people, tree, issued_review, browse, axe
):
    """The roll-up at a desk; the review downloaded on a phone."""
    verified(people.olga)
    page = browse(people.olga, "1280")
    axe.check(page)
    page.goto(reverse("units:detail", args=[tree.district.pk]))
    axe.check(page)
    page.locator(f"a[href^='{reverse('units:rollup', args=[tree.district.pk])}']").first.click()
    page.wait_for_url(re.compile(r"/rollup/"))
    assert (
        page.get_by_role("cell", name=tree.cell.name).count()
        or page.get_by_text(tree.cell.name).count()
    )
    axe.check(page)

    page.set_viewport_size(PHONE)
    page.goto(reverse("reviews:list"))
    axe.check(page)
    page.locator(f"a[href='{reverse('reviews:detail', args=[issued_review.pk])}']").first.click()
    page.wait_for_url(re.compile(r"/reviews/\d+/$"))
    axe.check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=vi("Download the PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    axe.assert_clean()


def test_a_member_reads_the_cells_rating_and_prints_the_self_assessment(
    people, tree, year_open, browse, axe
):
    """On a phone the member reads the cell's rating and the check about them on their plan,
    and opens the folded menu by keyboard; at a desk, the self-assessment and its PDF."""
    from registry.cells import services as cells

    plan = plan_for(people.alice_member, people.alice, action="Nuôi cá lồng trên lòng hồ")
    pledges.plan_approve(plan=plan, actor=people.bob)
    year = timezone.localdate().year
    cells.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=year,
        actor=people.bob,
        level="tot",
        score=85,
        justification="Hoàn thành tốt các việc đã đăng ký",
    )
    cells.supervision_record(
        cell=tree.cell,
        actor=people.bob,
        member=people.alice_member,
        kind="giam_sat",
        date=timezone.localdate(),
        subject="Thực hiện bản đăng ký làm theo",
        findings="Làm đủ các việc đã đăng ký",
        conclusion="Đạt yêu cầu, cần nhân rộng",
    )
    page = browse(people.alice, "390")
    page.goto(reverse("pledges:my_plan"))
    assert page.get_by_text("Hoàn thành tốt các việc đã đăng ký").is_visible()
    assert page.get_by_text("Đạt yêu cầu, cần nhân rộng").is_visible()
    axe.check(page)

    folded = "() => !document.querySelector('details[data-menu]').open"
    page.wait_for_function(folded)
    page.locator("details[data-menu] > summary").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name=vi("My plan"), exact=True).is_visible()
    axe.check(page, widths=("390",))
    page.keyboard.press("Escape")
    page.wait_for_function(folded)

    page.set_viewport_size(DESK)
    assert page.get_by_role("link", name=vi("My plan"), exact=True).is_visible()
    page.goto(reverse("pledges:self_assessment", args=[plan.pk]))
    axe.check(page)
    response = page.request.get(reverse("pledges:self_assessment_pdf", args=[plan.pk]))
    assert response.ok and response.body()[:5] == b"%PDF-"
    axe.assert_clean()
