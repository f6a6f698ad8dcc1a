"""Cheap undo (issue 14, point 5): the author of a comment on a plan takes it back within
minutes of writing it; nobody else can, and nobody after the window. A reminder marked as
read can be marked unread again, by its owner only."""

import datetime

import time_machine
from django.urls import reverse

from registry.access.policy import COMMENT_UNDO_MINUTES
from registry.audit.models import AuditEvent
from registry.notifications.models import Notification
from registry.pledges import services
from registry.pledges.models import PlanComment

from ..factories import TZ, submitted_plan
from ..text import visible_text

WRITTEN = datetime.datetime(2026, 5, 20, 9, 0, tzinfo=TZ)


def comment_on(plan, people):
    with time_machine.travel(WRITTEN, tick=False):
        return services.plan_comment(plan=plan, actor=people.bob, text="Ghi rõ số hộ được giúp")


def withdraw(client, comment):
    return client.post(reverse("pledges:comment_withdraw", args=[comment.pk]), follow=True)


def test_the_author_withdraws_a_comment_within_the_window(login, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    comment = comment_on(plan, people)
    client = login(people.bob)
    with time_machine.travel(WRITTEN + datetime.timedelta(minutes=COMMENT_UNDO_MINUTES - 1)):
        page = client.get(reverse("pledges:detail", args=[plan.pk]))
        assert reverse("pledges:comment_withdraw", args=[comment.pk]) in page.text
        response = withdraw(client, comment)
    assert "Đã rút lại ý kiến" in visible_text(response.text)
    assert not PlanComment.objects.exists()
    assert AuditEvent.objects.filter(action="plan.comment_withdraw").count() == 1
    assert "Ghi rõ số hộ" not in login(people.alice).get(reverse("pledges:my_plan")).text


def test_a_comment_stays_once_the_window_has_passed(login, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    comment = comment_on(plan, people)
    client = login(people.bob)
    with time_machine.travel(WRITTEN + datetime.timedelta(minutes=COMMENT_UNDO_MINUTES + 1)):
        page = client.get(reverse("pledges:detail", args=[plan.pk]))
        assert reverse("pledges:comment_withdraw", args=[comment.pk]) not in page.text
        response = withdraw(client, comment)
    assert "Chỉ người viết mới rút lại được ý kiến" in visible_text(response.text)
    assert PlanComment.objects.filter(pk=comment.pk).exists()


def test_nobody_else_withdraws_a_comment(login, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    comment = comment_on(plan, people)
    with time_machine.travel(WRITTEN + datetime.timedelta(minutes=1)):
        # The member and the district's officer see the plan, but did not write the comment.
        for who in (people.alice, people.olga):
            withdraw(login(who), comment)
        # The secretary of the cell next door does not even see it.
        assert withdraw(login(people.charlie), comment).status_code == 404
    assert PlanComment.objects.filter(pk=comment.pk).exists()


def test_a_reminder_marked_as_read_can_be_marked_unread_by_its_owner(login, people, tree):
    read = Notification.objects.create(
        user=people.alice, rule="report_due", period=f"{tree.cell.pk}/2026Q1", step="due"
    )
    client = login(people.alice)
    client.post(reverse("notifications:open", args=[read.pk]))
    read.refresh_from_db()
    assert read.read_at is not None
    page = client.get(reverse("notifications:list"))
    assert reverse("notifications:unread", args=[read.pk]) in page.text
    response = client.post(reverse("notifications:unread", args=[read.pk]), follow=True)
    assert "Đã đánh dấu nhắc việc là chưa đọc" in visible_text(response.text)
    read.refresh_from_db()
    assert read.read_at is None
    # Someone else's reminder: as unknown as any page.
    client.post(reverse("notifications:open", args=[read.pk]))
    bob = login(people.bob)
    assert bob.post(reverse("notifications:unread", args=[read.pk])).status_code == 404
    read.refresh_from_db()
    assert read.read_at is not None
