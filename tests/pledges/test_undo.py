"""Cheap undo (issue 14, point 5): the author of a comment on a plan takes it back within
minutes of writing it; nobody else can, and nobody after the window. A reminder marked as
read can be marked unread again, by its owner only."""

import datetime

import time_machine
from django.urls import reverse

from registry.access.policy import COMMENT_UNDO_MINUTES, READ_UNDO_MINUTES
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


def _reminder(user, cell, quarter, **fields):
    return Notification.objects.create(
        user=user, rule="report_due", period=f"{cell.pk}/2026Q{quarter}", step="due", **fields
    )


def test_mark_all_as_read_is_undone_for_exactly_those_reminders(login, people, tree):
    unread = [_reminder(people.alice, tree.cell, q) for q in (1, 2)]
    yesterday = WRITTEN - datetime.timedelta(days=1)
    read_before = _reminder(people.alice, tree.cell, 3, read_at=yesterday)
    bobs = _reminder(people.bob, tree.cell, 1)
    client = login(people.alice)
    with time_machine.travel(WRITTEN, tick=False):
        page = client.post(reverse("notifications:read_all"), follow=True)
    text = visible_text(page.text)
    assert "Đã đánh dấu mọi nhắc việc là đã đọc" in text and "Hoàn tác" in text
    assert all(Notification.objects.get(pk=n.pk).read_at for n in unread)
    # The undo names the ids; an id of somebody else's slipped in changes nothing of theirs.
    ids = page.context["undo_ids"] + f",{bobs.pk},{read_before.pk},x,-3"
    Notification.objects.filter(pk=bobs.pk).update(read_at=WRITTEN)
    with time_machine.travel(WRITTEN + datetime.timedelta(minutes=2), tick=False):
        done = client.post(reverse("notifications:read_all_undo"), {"ids": ids}, follow=True)
    assert "Các nhắc việc đã trở lại chưa đọc" in visible_text(done.text)
    assert all(Notification.objects.get(pk=n.pk).read_at is None for n in unread)
    assert Notification.objects.get(pk=read_before.pk).read_at is not None
    assert Notification.objects.get(pk=bobs.pk).read_at is not None
    # The offer is made once: a reload of the page shows no undo.
    assert "Hoàn tác" not in visible_text(client.get(reverse("notifications:list")).text)


def test_mark_all_as_read_stays_once_the_window_has_passed(login, people, tree):
    reminder = _reminder(people.alice, tree.cell, 1)
    client = login(people.alice)
    with time_machine.travel(WRITTEN, tick=False):
        page = client.post(reverse("notifications:read_all"), follow=True)
    late = WRITTEN + datetime.timedelta(minutes=READ_UNDO_MINUTES + 1)
    with time_machine.travel(late, tick=False):
        done = client.post(
            reverse("notifications:read_all_undo"), {"ids": page.context["undo_ids"]}, follow=True
        )
    assert "Đã quá thời gian hoàn tác" in visible_text(done.text)
    assert Notification.objects.get(pk=reminder.pk).read_at is not None
    assert client.post(reverse("notifications:read_all_undo"), {"ids": "9" * 40}).status_code == 302
