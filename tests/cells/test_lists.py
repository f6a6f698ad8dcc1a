"""The overview shows the first rows of each list and links to the list in full, paginated,
behind the same permission; neither the page nor its queries grow with the cell."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.cells.selectors import LIST_ROWS, LISTS, OVERVIEW_ROWS
from registry.pledges.models import Plan, ProgressReport
from registry.units.models import Unit

from ..factories import UserFactory, give_role
from .test_dashboard import NOW, _cell_with_members


@pytest.fixture
def secretary(db):
    return UserFactory(username="sec")


def _cell(secretary, n):
    cell, _group = _cell_with_members(n)
    give_role(secretary, cell, "secretary")
    return cell


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx, time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(ctx.captured_queries)


def _rows(html: str) -> int:
    return len(re.findall(r"<li[ >]", html))


def overview(cell):
    return reverse("cells:dashboard", args=[cell.pk]) + "?year=2026&q=2"


def full_list(cell, what, **params):
    query = "&".join(f"{k}={v}" for k, v in {"year": 2026, "q": 2, **params}.items())
    return reverse("cells:list", args=[cell.pk, what]) + "?" + query


def test_the_overview_shows_as_many_rows_for_200_members_as_for_400(secretary, client):
    small, large, larger = _cell(secretary, 5), _cell(secretary, 200), _cell(secretary, 400)
    client.force_login(secretary)
    rows = {}
    for cell in (small, large, larger):
        response, _queries = _get(client, overview(cell))
        rows[cell] = _rows(response.text)
    d = response.context["d"]
    # The 400-member cell: 80 not registered, 320 plans late in quarter II, 1,920 reports to
    # accept, 960 items in progress, 320 breakthrough items; the page shows ten of each.
    assert (d.not_registered.count, d.reports["late"].count, d.to_review.count) == (80, 320, 1920)
    assert (d.items_by_status["in_progress"].count, d.breakthrough.count) == (960, 320)
    assert [len(r.rows) for r in (d.not_registered, d.to_review, d.breakthrough)] == [10] * 3
    assert rows[small] < rows[large] == rows[larger]
    lists_on_the_page = 8  # at most: every list of the page full
    assert rows[larger] <= rows[small] + lists_on_the_page * OVERVIEW_ROWS
    assert f'href="{full_list(larger, "to-review")}"'.replace("&", "&amp;") in response.text
    assert "Xem tất cả (1.920)" in response.text


@pytest.mark.parametrize("what", LISTS)
def test_every_list_page_answers_with_the_same_queries_for_5_and_200_members(
    secretary, client, what
):
    small, large = _cell(secretary, 5), _cell(secretary, 200)
    client.force_login(secretary)
    _few_page, few = _get(client, full_list(small, what))
    page, many = _get(client, full_list(large, what))
    assert many == few
    assert len(page.context["l"].page) <= LIST_ROWS


def test_a_long_list_is_paginated(secretary, client):
    cell = _cell(secretary, 200)
    client.force_login(secretary)
    first, _ = _get(client, full_list(cell, "reports-late"))
    shown = first.context["l"].page
    assert shown.paginator.count == 160 and len(shown) == LIST_ROWS
    assert shown.paginator.num_pages == 4 and "Trang 1 / 4" in first.text
    assert "page=2" in first.text and "year=2026" in first.text
    last, _ = _get(client, full_list(cell, "reports-late", page=4))
    assert len(last.context["l"].page) == 10
    names = [p.member_name for p in shown] + [p.member_name for p in last.context["l"].page]
    assert len(set(names)) == len(names) == 60
    beyond, _ = _get(client, full_list(cell, "reports-late", page=99))
    assert beyond.context["l"].page.number == 4


def test_the_list_of_people_not_registered_keeps_the_party_group(secretary, client):
    cell = _cell(secretary, 200)
    group = Unit.objects.get_children(cell).get()
    client.force_login(secretary)
    page, _ = _get(client, full_list(cell, "not-registered", group=group.pk))
    # Of the 40 without a plan (members 160 to 199), those with an odd number are in the group.
    assert page.context["l"].page.paginator.count == 20
    board, _ = _get(client, overview(cell) + f"&group={group.pk}")
    assert board.context["d"].not_registered.count == 20
    assert board.context["d"].not_registered_total == 40


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 404), ("charlie", 404), ("bob", 200), ("olga", 200), ("root", 200)],
    ids=["a member of the cell", "the next cell's secretary", "the secretary", "district", "root"],
)
def test_who_may_read_a_list_is_who_may_read_the_overview(tree, people, login, who, status):
    user = getattr(people, who)
    client = login(user)
    for url in (
        reverse("cells:dashboard", args=[tree.cell.pk]),
        reverse("cells:list", args=[tree.cell.pk, "to-review"]),
        reverse("cells:list", args=[tree.cell.pk, "not-registered"]) + "?year=2026&q=1",
    ):
        assert client.get(url).status_code == status, url


def test_an_unknown_list_or_a_unit_that_is_no_cell_answers_404(tree, people, login):
    client = login(people.bob)
    assert client.get(reverse("cells:list", args=[tree.cell.pk, "everything"])).status_code == 404
    district = reverse("cells:list", args=[tree.district.pk, "to-review"])
    assert login(people.olga).get(district).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(tree, client):
    response = client.get(reverse("cells:list", args=[tree.cell.pk, "to-review"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_accepting_from_the_full_list_returns_to_the_same_page(secretary, client):
    cell = _cell(secretary, 40)
    client.force_login(secretary)
    url = full_list(cell, "to-review", page=2)
    page, _ = _get(client, url)
    report = page.context["l"].page[0]
    assert report.can_decide
    assert f'name="next" value="{url}"'.replace("&", "&amp;") in page.text
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("cells:report_review", args=[report.pk]), {"action": "accept", "next": url}
        )
    assert response.status_code == 302 and response["Location"] == url
    assert ProgressReport.objects.get(pk=report.pk).review == ProgressReport.Review.ACCEPTED


def test_accepting_from_the_overview_returns_to_the_overview(secretary, client):
    cell = _cell(secretary, 40)
    client.force_login(secretary)
    board, _ = _get(client, overview(cell))
    report = board.context["d"].to_review.rows[0]
    back = overview(cell) + "#to-review"
    assert f'name="next" value="{back}"'.replace("&", "&amp;") in board.text
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("cells:report_review", args=[report.pk]), {"action": "accept", "next": back}
        )
    assert response["Location"] == back
    again, _ = _get(client, overview(cell))
    assert again.context["d"].to_review.count == board.context["d"].to_review.count - 1


def test_bulk_approval_from_the_full_list_returns_there(secretary, client):
    cell = _cell(secretary, 30)
    waiting = list(Plan.objects.filter(cell=cell)[:3])
    Plan.objects.filter(pk__in=[p.pk for p in waiting]).update(
        status=Plan.Status.SUBMITTED, approved_at=None, first_approved_at=None
    )
    client.force_login(secretary)
    url = full_list(cell, "plans-submitted")
    page, _ = _get(client, url)
    assert page.context["l"].page.paginator.count == 3
    assert all(p.n_items == 3 for p in page.context["l"].page)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("cells:bulk_approve", args=[cell.pk]),
            {"plans": [p.pk for p in waiting], "next": url, "confirm": "on"},
        )
    assert response["Location"] == url
    assert not Plan.objects.filter(cell=cell, status=Plan.Status.SUBMITTED).exists()
