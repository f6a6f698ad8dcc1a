"""Help where people get stuck (issue 14, point 6): a page per role, in Vietnamese, reached
from the navigation; hints before errors, read from where each rule is defined (the rating's
score bands, the evidence limits, the quarter's deadline); empty lists that say what to do."""

import pytest
from django.test import override_settings
from django.urls import reverse

from registry.cells.services import SCORE_BANDS
from registry.pledges.models import Rating

from ..factories import approved_plan, at
from ..text import visible_text


def help_url(role):
    return reverse("portal:help_role", args=[role])


@pytest.mark.parametrize(
    ("who", "role"), [("alice", "member"), ("bob", "secretary"), ("olga", "officer")]
)
def test_help_opens_on_the_page_of_the_persons_role(login, people, who, role):
    client = login(getattr(people, who))
    home = client.get(reverse("portal:home"))
    assert f'href="{reverse("portal:help")}"' in home.text  # one link in the navigation
    response = client.get(reverse("portal:help"))
    assert response["Location"] == help_url(role)


@pytest.mark.parametrize("role", ["member", "secretary", "officer"])
def test_each_role_has_a_page_in_vietnamese_with_worked_examples(login, people, role):
    text = visible_text(login(people.alice).get(help_url(role)).text)
    assert "Hướng dẫn" in text and "bạn" not in text.lower().split()
    # A worked example has its four parts: the action, the measures, the result, the deadline.
    for part in ("Việc làm theo", "Biện pháp", "Kết quả", "Thời hạn"):
        assert part in text


def test_the_secretary_page_shows_the_score_bands_where_the_rule_defines_them(login, people):
    page = login(people.bob).get(help_url("secretary")).text
    for level, (low, high) in SCORE_BANDS.items():
        assert f"<strong>{Rating(level).label}</strong>: {low}–{high}" in page


def test_unknown_help_pages_are_404_and_strangers_sign_in_first(client, login, people):
    assert client.get(help_url("member")).status_code == 302
    assert login(people.alice).get(help_url("nobody")).status_code == 404


def test_the_rating_form_shows_the_bands_before_any_error(login, tree, people, programme_2026):
    url = reverse("cells:rating_edit", args=[tree.cell.pk, people.alice_member.pk]) + "?year=2026"
    page = login(people.bob).get(url).text
    low, high = SCORE_BANDS[Rating.EXCELLENT]
    assert f"<strong>{Rating.EXCELLENT.label}</strong>: {low}–{high}" in page


@override_settings(EVIDENCE_MAX_BYTES=3 * 1024 * 1024, EVIDENCE_MAX_FILES=4)
def test_upload_forms_say_the_evidence_limits_from_the_settings(
    login, tree, people, programme_2026
):
    plan = approved_plan(people.alice_member, people.alice, people.bob, created=at(2026, 2, 1))
    item = plan.items.first()
    client = login(people.alice)
    report = visible_text(client.get(reverse("pledges:report", args=[plan.pk, item.pk, 1])).text)
    assert "Tối đa 4 tệp, mỗi tệp không quá 3,0\xa0MB" in report and "PDF" in report
    assert "Hạn báo cáo" in report  # the quarter's deadline, before a late report is filed
    bob = login(people.bob)
    deed = visible_text(bob.get(reverse("commendations:deed_new", args=[tree.cell.pk])).text)
    assert "Một tệp, không quá 3,0\xa0MB" in deed
    assert "Tối đa 4 tệp" in visible_text(login(people.alice).get(help_url("member")).text)


def test_empty_lists_say_what_to_do_next(login, tree, people, programme_2026):
    bob = login(people.bob)
    meetings = bob.get(reverse("cells:meetings", args=[tree.cell.pk])).text
    assert reverse("cells:meeting_new", args=[tree.cell.pk]) in meetings
    assert "Sau mỗi buổi sinh hoạt chi bộ" in visible_text(meetings)
    checks = bob.get(reverse("cells:checks", args=[tree.cell.pk])).text
    assert reverse("cells:check_new", args=[tree.cell.pk]) in checks
    dashboard = visible_text(bob.get(reverse("cells:dashboard", args=[tree.cell.pk])).text)
    assert "Chưa đảng viên nào của chi bộ đăng ký kế hoạch" in dashboard
    reviews = visible_text(bob.get(reverse("reviews:list")).text)
    assert "viết phần đánh giá" in reviews
    start = login(people.alice).get(reverse("pledges:my_plan")).text
    assert help_url("member") in start  # a member with no plan is shown how to write one


def test_the_help_is_written_in_english_too_for_those_who_switch(login, people, settings):
    client = login(people.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = visible_text(client.get(help_url("member")).text)
    assert "A good pledge item has four parts" in text and "Việc làm theo" not in text
