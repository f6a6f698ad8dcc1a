"""Every main page of each role, in a real browser at 390 px and 1280 px, checked by axe-core
(WCAG 2.2 A/AA and best practices): a member, a cell secretary, an officer of the district and
an administrator sign in through the sign-in page and walk their pages. A serious or critical
violation on any of them fails the tour (issue 14, point 2)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.notifications.models import Notification
from registry.pledges import services as pledges
from registry.reviews import services as reviews
from registry.reviews.models import Review
from tests.factories import UserFactory, make_member, verified

from .test_journeys import plan_for, this_quarter, year_open  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def cell_year(people, tree, year_open):  # noqa: F811
    """Alice's plan approved, with a comment the secretary may still take back and a report;
    Dung's waiting for approval; the cell's review of the quarter drafted."""
    year = timezone.localdate().year
    dung = make_member(tree.cell, "Lường Thị Dung", group=tree.group1, user=UserFactory())
    alice_plan = plan_for(people.alice_member, people.alice, action="Dạy chữ cho người cao tuổi")
    plan_for(dung, dung.user, action="Vận động 3 hộ làm nhà tiêu hợp vệ sinh")
    pledges.plan_comment(plan=alice_plan, actor=people.bob, text="Ghi rõ số người học")
    alice_plan = pledges.plan_approve(plan=alice_plan, actor=people.bob)
    item = alice_plan.items.get()
    pledges.report_file(
        item=item, quarter=this_quarter(), actor=people.alice, status="in_progress", files=[]
    )
    review, _ = reviews.review_generate(
        unit=tree.cell, kind=Review.Kind.QUARTER, year=year, quarter=this_quarter()
    )
    for read_at in (None, timezone.now()):  # one reminder new, one read (it offers "unread")
        Notification.objects.create(
            user=people.alice,
            rule="report_due",
            period=f"{tree.cell.pk}/{year}Q{this_quarter()}",
            step="due" if read_at is None else "soon",
            read_at=read_at,
        )
    return {"year": year, "plan": alice_plan, "item": item, "review": review, "dung": dung}


def walk(page, axe, urls):
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        axe.check(page)


def test_a_member_walks_every_main_page(people, cell_year, browse, axe):
    page = browse(people.alice, "390")
    plan, item = cell_year["plan"], cell_year["item"]
    walk(
        page,
        axe,
        [
            reverse("portal:home"),
            reverse("pledges:my_plan"),
            reverse("pledges:report", args=[plan.pk, item.pk, this_quarter()]),
            reverse("pledges:board"),
            reverse("notifications:list"),
            reverse("reviews:list"),
            reverse("practices:library"),
            reverse("exports:mine"),
            reverse("portal:help_role", args=["member"]),
            reverse("accounts:password_change"),
        ],
    )
    axe.assert_clean()


def test_a_secretary_walks_every_main_page(people, tree, cell_year, browse, axe):
    verified(people.bob)
    page = browse(people.bob, "1280")
    cell, review, plan = tree.cell, cell_year["review"], cell_year["plan"]
    walk(
        page,
        axe,
        [
            reverse("portal:home"),
            reverse("cells:dashboard", args=[cell.pk]),
            reverse("units:detail", args=[cell.pk]),
            reverse("cells:roster_member", args=[cell.pk, people.alice_member.pk]),
            reverse("pledges:detail", args=[plan.pk]),
            reverse("cells:ratings", args=[cell.pk]),
            reverse("cells:rating_edit", args=[cell.pk, people.alice_member.pk]),
            reverse("cells:meetings", args=[cell.pk]),
            reverse("cells:checks", args=[cell.pk]),
            reverse("cells:registers", args=[cell.pk]),
            reverse("commendations:register", args=[cell.pk]),
            reverse("collective:unit", args=[cell.pk, cell_year["year"]]),
            reverse("practices:unit", args=[cell.pk]),
            reverse("reviews:list"),
            reverse("reviews:detail", args=[review.pk]),
            reverse("reviews:issue", args=[review.pk]),
            reverse("portal:help_role", args=["secretary"]),
        ],
    )
    axe.assert_clean()


def test_a_district_officer_walks_every_main_page(people, tree, cell_year, browse, axe):
    verified(people.olga)
    page = browse(people.olga, "1280")
    district = tree.district
    walk(
        page,
        axe,
        [
            reverse("portal:home"),
            reverse("units:detail", args=[district.pk]),
            reverse("units:rollup", args=[district.pk]),
            reverse("units:detail", args=[tree.cell.pk]),
            reverse("commendations:inbox", args=[district.pk]),
            reverse("collective:waiting", args=[district.pk]),
            reverse("practices:unit", args=[district.pk]),
            reverse("reviews:list"),
            reverse("reviews:detail", args=[cell_year["review"].pk]),
            reverse("portal:help_role", args=["officer"]),
        ],
    )
    axe.assert_clean()


def test_an_administrator_walks_every_main_page(people, tree, cell_year, browse, axe):
    verified(people.root)
    page = browse(people.root, "390")
    walk(
        page,
        axe,
        [
            reverse("portal:home"),
            reverse("units:detail", args=[tree.province.pk]),
            reverse("units:rollup", args=[tree.province.pk]),
            reverse("cells:dashboard", args=[tree.cell.pk]),
            reverse("reviews:list"),
            reverse("practices:library"),
            reverse("portal:help_role", args=["officer"]),
        ],
    )
    axe.assert_clean()
