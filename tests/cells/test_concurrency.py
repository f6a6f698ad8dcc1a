"""Two secretaries acting on the same thing at the same moment, in two real transactions on
PostgreSQL: one wins, the other is told what happened, and nothing either wrote is lost."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from registry.access.models import RoleAssignment
from registry.cells import services as cell_services
from registry.cells.models import YearRating
from registry.pledges import services
from registry.pledges.models import Plan, PlanComment, PlanTransition

from ..factories import UserFactory, give_role
from .conftest import submitted_plan

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_together(first, second, hold=0.5):
    """`first` takes the plan's row lock and holds it while `second` starts; both run in
    their own thread, connection and transaction. Returns (result or exception) of each."""
    results = {}
    started = threading.Event()

    def one(name, fn, before=None):
        try:
            with transaction.atomic():
                if before:
                    before()
                results[name] = fn()
        except Exception as exc:  # the outcome is what the test looks at
            results[name] = exc
        finally:
            connection.close()

    def lock_then_wait(lock):
        def before():
            lock()
            started.set()
            time.sleep(hold)

        return before

    a = threading.Thread(target=one, args=("first", first[1], lock_then_wait(first[0])))
    b = threading.Thread(target=lambda: (started.wait(5), one("second", second)))
    a.start()
    b.start()
    a.join(10)
    b.join(10)
    return results["first"], results["second"]


@pytest.fixture
def deputy(tree):
    dana = UserFactory(username="dana")
    give_role(dana, tree.cell, RoleAssignment.Role.DEPUTY_SECRETARY)
    return dana


def test_approve_and_return_at_once_one_wins_and_the_other_is_told(people, deputy, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    lock = lambda: Plan.objects.select_for_update().get(pk=plan.pk)  # noqa: E731
    first, second = run_together(
        (lock, lambda: services.plan_approve(plan=plan, actor=people.bob)),
        lambda: services.plan_return(plan=plan, actor=deputy, comment="Thiếu chỉ tiêu"),
    )
    assert isinstance(first, Plan)
    assert isinstance(second, ValidationError)
    message = " ".join(second.messages)
    assert "Chỉ trả lại được kế hoạch đang chờ duyệt" in message
    assert "Đã duyệt" in message and "bob" in message
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    assert list(PlanTransition.objects.filter(plan=plan).values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "approved",
    ]


def test_the_second_secretarys_return_comment_is_kept(client, people, deputy, programme_2026):
    from django.urls import reverse

    plan = submitted_plan(people.alice_member, people.alice)
    services.plan_approve(plan=plan, actor=people.bob)
    client.force_login(deputy)
    response = client.post(
        reverse("cells:plan_review", args=[plan.pk]),
        {"action": "return", "comment": "Thiếu chỉ tiêu cho việc 2"},
        follow=True,
    )
    assert "Chỉ trả lại được kế hoạch đang chờ duyệt" in response.text
    assert PlanComment.objects.get(plan=plan).text == "Thiếu chỉ tiêu cho việc 2"


def test_two_first_ratings_at_once_keep_the_first_and_tell_the_second(tree, people, deputy):
    lock = lambda: None  # noqa: E731  (no row yet: the unique constraint decides)

    def rate(actor, level, text):
        return lambda: cell_services.rating_set(
            cell=tree.cell,
            member=people.alice_member,
            year=2026,
            actor=actor,
            level=level,
            justification=text,
        )

    first, second = run_together(
        (lock, rate(people.bob, "tot", "Của bí thư")),
        rate(deputy, "xuat_sac", "Của phó bí thư"),
        hold=0.3,
    )
    outcomes = [first, second]
    saved = [o for o in outcomes if isinstance(o, YearRating)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1
    rating = YearRating.objects.get()
    assert rating.justification == saved[0].justification
    assert "đã cập nhật xếp loại này" in " ".join(refused[0].messages)


def test_a_stale_rating_form_does_not_overwrite(tree, people, deputy):
    first = cell_services.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=2026,
        actor=people.bob,
        level="tot",
        justification="A",
    )
    cell_services.rating_set(
        cell=tree.cell,
        member=people.alice_member,
        year=2026,
        actor=deputy,
        level="xuat_sac",
        justification="B",
        seen_version=first.version,
    )
    with pytest.raises(ValidationError, match="dana"):
        cell_services.rating_set(
            cell=tree.cell,
            member=people.alice_member,
            year=2026,
            actor=people.bob,
            level="hoan_thanh",
            justification="C",
            seen_version=first.version,
        )
    rating = YearRating.objects.get()
    assert (rating.level, rating.justification, rating.version) == ("xuat_sac", "B", 2)


def test_two_comments_at_once_are_both_kept(people, deputy, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    lock = lambda: Plan.objects.select_for_update().get(pk=plan.pk)  # noqa: E731
    run_together(
        (lock, lambda: services.plan_comment(plan=plan, actor=people.bob, text="Ý kiến bí thư")),
        lambda: services.plan_comment(plan=plan, actor=deputy, text="Ý kiến phó bí thư"),
    )
    assert set(PlanComment.objects.values_list("text", flat=True)) == {
        "Ý kiến bí thư",
        "Ý kiến phó bí thư",
    }
