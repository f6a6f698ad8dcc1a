"""The daily email survives a worker killed between claiming a person's reminders and sending
them: the claim expires, the rows are sent again once, and never a third time."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from registry.notifications import services as inbox
from registry.notifications.models import Notification
from registry.notifications.tasks import send_digests
from registry.reminders import services as reminders

D = datetime.date
TZ = datetime.timezone(datetime.timedelta(hours=7))
MORNING = datetime.datetime(2026, 3, 30, 7, 30, tzinfo=TZ)


@pytest.fixture
def alice_is_due(people, programme_2026):
    reminders.remind_members(member_ids=[people.alice_member.pk], today=D(2026, 3, 30))
    return Notification.objects.get(user=people.alice)


class WorkerKilled(BaseException):
    """What the worker's process sees of a SIGKILL: nothing after this line runs, not even an
    `except Exception`."""


def killed_before_sending(people):
    with (
        time_machine.travel(MORNING, tick=False),
        mock.patch.object(EmailMultiAlternatives, "send", side_effect=WorkerKilled),
        pytest.raises(WorkerKilled),
    ):
        inbox.digest_send(user_id=people.alice.pk, today=D(2026, 3, 30))


def test_a_claim_left_by_a_killed_worker_is_sent_once_after_it_expires(people, alice_is_due, eager):
    killed_before_sending(people)
    assert Notification.objects.get(pk=alice_is_due.pk).email_status == "sending"

    with time_machine.travel(MORNING + datetime.timedelta(minutes=30), tick=False):
        send_digests.apply()  # the claim still stands: nobody sends it twice meanwhile
    assert mail.outbox == []

    with time_machine.travel(MORNING + inbox.STALE_CLAIM + datetime.timedelta(minutes=1)):
        send_digests.apply()
        send_digests.apply()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "Còn 1 ngày là hết hạn đăng ký kế hoạch năm 2026." in mail.outbox[0].body
    row = Notification.objects.get(pk=alice_is_due.pk)
    assert (row.email_status, row.email_error) == ("sent", "")


def test_a_claim_that_expires_twice_is_not_sent_a_third_time(people, alice_is_due, eager):
    killed_before_sending(people)
    later = MORNING + inbox.STALE_CLAIM + datetime.timedelta(minutes=1)
    with (
        time_machine.travel(later, tick=False),
        mock.patch.object(EmailMultiAlternatives, "send", side_effect=WorkerKilled),
        pytest.raises(WorkerKilled),
    ):
        send_digests.apply()  # released, claimed again, and the worker dies again
    with time_machine.travel(later + inbox.STALE_CLAIM + datetime.timedelta(minutes=1)):
        send_digests.apply()
    assert mail.outbox == []
    row = Notification.objects.get(pk=alice_is_due.pk)
    assert (row.email_status, row.email_next_try) == ("failed", None)
    assert row.read_at is None  # still in the application's list
