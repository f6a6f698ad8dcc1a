"""A small district built through the services, for the reviews:

    Huyện ủy Mường La ── Chi bộ Khối Đảng: alice (member), bob (secretary), dana (deputy)
                      └─ Chi bộ bản Nà Lốc: charlie (secretary)

alice's plan (2 items) was approved on 03/02/2026 by bob; bob's (2 items) on 04/02 by dana.
Quarter III (deadline 25/09): bob reported both items on 20/09, alice reported nothing.
olga is an officer of the district committee."""

from types import SimpleNamespace

import pytest

from registry.access.models import RoleAssignment
from registry.pledges import services as plans
from registry.reviews import services
from registry.reviews.models import Review

from ..factories import UserFactory, approved_plan, at, give_role, verified

TEXT = {
    "results": "Chi bộ đã lãnh đạo đảng viên thực hiện nghiêm túc.",
    "limitations": "Một số đồng chí báo cáo chậm.",
    "next_tasks": "Đôn đốc đảng viên chưa báo cáo.",
}


@pytest.fixture
def world(tree, people, programme_2026):
    dana = UserFactory(username="dana")
    from ..factories import make_member

    dana_member = make_member(tree.cell, "Hà Thị Dung", group=tree.group1, user=dana)
    give_role(dana, tree.cell, RoleAssignment.Role.DEPUTY_SECRETARY)
    alice_plan = approved_plan(
        people.alice_member,
        people.alice,
        people.bob,
        items=("Học tập chuyên đề", "Giúp đỡ hộ nghèo"),
        created=at(2026, 2, 1),
    )
    bob_plan = approved_plan(
        people.bob_member,
        people.bob,
        dana,
        items=("Xuống cơ sở", "Tiết kiệm"),
        created=at(2026, 2, 2),
    )
    for item in bob_plan.items.all():
        plans.report_file(
            item=item, quarter=3, actor=people.bob, status="in_progress", at=at(2026, 9, 20)
        )
    return SimpleNamespace(
        **vars(people),
        **vars(tree),
        dana=dana,
        dana_member=dana_member,
        alice_plan=alice_plan,
        bob_plan=bob_plan,
    )


def draft(unit, *, kind="quarter", year=2026, quarter=3, on=None) -> Review:
    review, _outcome = services.review_generate(
        unit=unit, kind=kind, year=year, quarter=quarter, at=on or at(2026, 10, 5)
    )
    return review


def write(review, user, **texts):
    return services.review_update_text(
        review=review, actor=user, seen_version=review.version, **({**TEXT, **texts})
    )


def issue(review, user, *, on=None, confirm_early=True):
    """Issue as the confirmation page does: the version seen and the number announced."""
    review.refresh_from_db()
    return services.review_issue(
        review=review,
        actor=verified(user),
        seen_version=review.version,
        expected_number=services.next_number(review, on),
        confirm_early=confirm_early,
        at=on or at(2026, 10, 6),
    )


@pytest.fixture
def issued(world):
    review = write(draft(world.cell), world.bob)
    review, _export = issue(review, world.bob)
    return review
