"""Pages kept between requests (`core.pagecache`): a kept page is the page rendered afresh,
before and after each event that changes what it shows, for its own reader only, with the
reader's own CSRF token; and reading it again costs fewer queries than rendering it."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.accounts.backends import find_user_by_identifier
from registry.cells import kept
from registry.cells import services as cell_services
from registry.core import pagecache
from registry.members.models import Member
from registry.pledges import services as plan_services
from registry.pledges.models import Plan, ProgressReport
from registry.reviews.models import Review
from registry.reviews.services import review_generate, review_update_text
from registry.units.models import Unit

from ..factories import UserFactory, submitted_plan

NOW = datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    with time_machine.travel(NOW, tick=False):
        call_command("load_seeds", verbosity=0)
        kept.settle_marked()  # the loader's marks, as the job after it would
    return Unit.objects.get(code="son-la/muong-la/khoi-dang")


def reader(username: str, settings) -> Client:
    client = Client()
    user = find_user_by_identifier(username)
    assert client.login(request=HttpRequest(), username=username, password=settings.DEMO_PASSWORD)
    client.user = user
    return client


def page(client, url: str) -> tuple[str, int]:
    """The page's text without its CSRF tokens, and the queries it took."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return CSRF.sub("", response.text), len(ctx.captured_queries)


def afresh(client, url: str) -> str:
    cache.clear()
    pagecache.forget_local()
    return page(client, url)[0]


def kept_and_afresh_agree(client, url: str) -> str:
    """Read twice (the second is kept), compare with a page rendered afresh; return it."""
    first, rendered = page(client, url)
    again, read = page(client, url)
    assert again == first
    assert read < rendered, "the second reading should come from the kept page"
    assert afresh(client, url) == again
    return again


def section(text: str, anchor: str) -> str:
    start = text.index(f'id="{anchor}"')
    return text[start : text.index("</section>", start)]


def test_the_overview_is_kept_and_follows_each_event(
    demo, settings, django_capture_on_commit_callbacks
):
    secretary = reader("78354851", settings)
    url = reverse("cells:dashboard", args=[demo.pk]) + "?year=2026&q=3"
    mai = Plan.objects.get(member__full_name="Điêu Thị Mai", year=2026)
    with time_machine.travel(NOW, tick=False):
        before = kept_and_afresh_agree(secretary, url)
        assert "Điêu Thị Mai" in section(before, "waiting")

        with django_capture_on_commit_callbacks(execute=True):
            plan_services.plan_return(plan=mai, actor=secretary.user, comment="Bổ sung việc làm")
        after = page(secretary, url)[0]
        assert "Điêu Thị Mai" not in section(after, "waiting")
        assert afresh(secretary, url) == after

        chair = Member.objects.get(full_name="Nguyễn Văn Đức")
        with django_capture_on_commit_callbacks(execute=True):
            cell_services.meeting_record(
                cell=demo, actor=secretary.user, date=NOW.date(), chair=chair,
                attendees=[chair], conclusions="Sinh hoạt chi bộ tháng 11.",
            )  # fmt: skip
        assert "24/11/2026" in page(secretary, url)[0]
        assert afresh(secretary, url) == page(secretary, url)[0]


def test_an_event_whose_recompute_was_lost_is_shown_at_once(demo, settings):
    """The mark commits with the event; while it is there, the page is read afresh."""
    secretary = reader("78354851", settings)
    url = reverse("cells:dashboard", args=[demo.pk]) + "?year=2026&q=3"
    mai = Plan.objects.get(member__full_name="Điêu Thị Mai", year=2026)
    with time_machine.travel(NOW, tick=False):
        kept_and_afresh_agree(secretary, url)
        # No on-commit callbacks run here: the recompute after the event is lost.
        plan_services.plan_approve(plan=mai, actor=secretary.user)
        after = page(secretary, url)[0]
    assert "Điêu Thị Mai" not in section(after, "waiting")


def test_a_kept_page_carries_its_readers_own_csrf_token(demo, settings):
    secretary = reader("78354851", settings)
    secretary.handler.enforce_csrf_checks = True
    url = reverse("cells:dashboard", args=[demo.pk]) + "?year=2026&q=3"
    mai = Plan.objects.get(member__full_name="Điêu Thị Mai", year=2026)
    with time_machine.travel(NOW, tick=False):
        secretary.get(url)
        kept = secretary.get(url).text  # from the kept page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept).group(1)
        response = secretary.post(
            reverse("cells:bulk_approve", args=[demo.pk]),
            {"csrfmiddlewaretoken": token, "plans": [mai.pk], "next": url, "confirm": "on"},
        )
    assert response.status_code == 302
    mai.refresh_from_db()
    assert mai.status == Plan.Status.APPROVED


def test_each_reader_has_their_own_kept_page(demo, settings):
    secretary, officer = reader("78354851", settings), reader("huyenuy.muongla", settings)
    url = reverse("cells:dashboard", args=[demo.pk]) + "?year=2026&q=3"
    with time_machine.travel(NOW, tick=False):
        mine = kept_and_afresh_agree(secretary, url)
        theirs = page(officer, url)[0]
    assert "Duyệt các kế hoạch đã đánh dấu" in mine
    assert "Duyệt các kế hoạch đã đánh dấu" not in theirs


def test_the_district_page_follows_a_registration_in_a_cell_below(
    demo, settings, django_capture_on_commit_callbacks
):
    officer = reader("huyenuy.muongla", settings)
    district = Unit.objects.get(code="son-la/muong-la")
    url = reverse("units:detail", args=[district.pk])
    newcomer = (
        Member.objects.filter(
            memberships__cell=demo,
            memberships__end_date=None,
            category=Member.Category.PARTY_MEMBER,
        )
        .exclude(plans__year=2026)
        .first()
    )
    newcomer.user = UserFactory(username=f"dv{newcomer.card_number}")
    newcomer.save(update_fields=["user"])
    with time_machine.travel(NOW, tick=False):
        before = kept_and_afresh_agree(officer, url)
        with django_capture_on_commit_callbacks(execute=True):
            plan_services.registration_extend(
                member=newcomer, year=2026, until=NOW.date() + datetime.timedelta(days=7),
                actor=find_user_by_identifier("78354851"),
            )  # fmt: skip
            submitted_plan(newcomer, newcomer.user, created=NOW, submitted=NOW)
        after = page(officer, url)[0]
        assert afresh(officer, url) == after
        assert after != before


def test_my_plan_follows_the_cells_decision(demo, settings, django_capture_on_commit_callbacks):
    member, secretary = reader("94763812", settings), reader("78354851", settings)
    url = reverse("pledges:my_plan_year", args=[2026])
    plan = Plan.objects.get(member__user=member.user, year=2026)
    report = ProgressReport.objects.filter(
        item__plan=plan, review=ProgressReport.Review.PENDING
    ).first()
    with time_machine.travel(NOW, tick=False):
        kept_and_afresh_agree(member, url)
        with django_capture_on_commit_callbacks(execute=True):
            if report is not None:
                plan_services.report_accept(report=report, actor=secretary.user)
            else:
                plan_services.plan_comment(plan=plan, actor=secretary.user, text="Cố gắng hơn")
        after = page(member, url)[0]
        assert afresh(member, url) == after


def test_the_review_page_follows_its_text(demo, settings):
    officer = reader("huyenuy.muongla", settings)
    district = Unit.objects.get(code="son-la/muong-la")
    with time_machine.travel(NOW, tick=False):
        review, _ = review_generate(unit=district, kind=Review.Kind.QUARTER, year=2026, quarter=3)
        url = reverse("reviews:detail", args=[review.pk])
        kept_and_afresh_agree(officer, url)
        review_update_text(
            review=review, actor=officer.user, seen_version=review.version,
            results="Các chi bộ đã đăng ký đầy đủ việc làm theo.",
        )  # fmt: skip
        after = page(officer, url)[0]
    assert "Các chi bộ đã đăng ký đầy đủ việc làm theo." in after


def test_my_plan_turns_from_the_start_page_into_the_plan(
    demo, settings, django_capture_on_commit_callbacks
):
    member = reader("94763812", settings)
    url = reverse("pledges:my_plan_year", args=[2027])
    with time_machine.travel(NOW, tick=False):
        start = kept_and_afresh_agree(member, url)
        with django_capture_on_commit_callbacks(execute=True):
            plan_services.plan_create(member=member.user.member, year=2027, actor=member.user)
        after = page(member, url)[0]
        assert after != start
        assert afresh(member, url) == after


def test_a_part_read_again_comes_from_this_process_until_the_shared_one_expires(db, settings):
    """Each process keeps the parts it read last in front of the shared cache: read again,
    a part costs no round trip; it expires when the shared entry does, and a new stamp is
    a new part."""
    settings.PAGE_PARTS_SECONDS = 60
    request = RequestFactory().get("/units/6/?q=2")
    request.user = UserFactory()
    renders = []

    def part(stamp):
        def context():
            renders.append(stamp)
            return {"what": "reviews"}

        return pagecache.kept_part(request, "partials/_empty.html", context, stamp=stamp)

    with time_machine.travel(NOW, tick=False) as clock:
        first = part("s1")
        cache.clear()  # the shared copy is gone; this process still has its own
        assert part("s1") == first and renders == ["s1"]
        clock.shift(datetime.timedelta(seconds=59))
        part("s1")
        assert renders == ["s1"]
        clock.shift(datetime.timedelta(seconds=2))  # past the shared entry's deadline
        part("s1")
        assert renders == ["s1", "s1"]
        part("s2")  # the data changed: a new stamp
        assert renders == ["s1", "s1", "s2"]
        pagecache.forget_local()  # another process: reads the shared copy, renders nothing
        assert part("s2") and renders == ["s1", "s1", "s2"]
