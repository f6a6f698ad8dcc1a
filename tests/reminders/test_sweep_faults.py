"""The daily sweep and the morning email survive a database outage: retries give up, the
catch-up job finishes the sweep the same morning, and in the end every reminder is recorded
once and every person gets one email."""

import datetime
from collections import Counter
from unittest import mock

import pytest
import time_machine
from django.core import mail

from registry.notifications.models import Notification
from registry.notifications.tasks import digests_catch_up, send_digests
from registry.reminders import services as reminders
from registry.reminders.tasks import (
    CATCH_UP_GRACE,
    remind_units_batch,
    reminders_catch_up,
    reminders_sweep,
)

from ..faults import DatabaseDown

TZ = datetime.timezone(datetime.timedelta(hours=7))
DAY = datetime.date(2026, 3, 30)  # registration closes tomorrow: everyone is due a reminder


def clock(hour, minute=0, second=0):
    return time_machine.travel(datetime.datetime(2026, 3, 30, hour, minute, second, tzinfo=TZ))


@pytest.fixture
def due(people, programme_2026):
    """What one sweep without faults records that day, counted in a transaction undone after."""
    from django.db import transaction

    with transaction.atomic():
        reminders.remind_everyone(today=DAY)
        expected = sorted(Notification.objects.values_list("user_id", "rule", "period", "step"))
        transaction.set_rollback(True)
    assert len(expected) >= 3
    return expected


def recorded():
    return sorted(Notification.objects.values_list("user_id", "rule", "period", "step"))


def everything_recorded_once_and_emailed_once(due):
    assert recorded() == due  # the unique key makes "once" a fact; this is "all of them"
    assert reminders.remind_everyone(today=DAY) == 0
    with clock(7, 30):
        send_digests.apply()
    with clock(8, 0):
        digests_catch_up.apply()
    with clock(9, 0):
        digests_catch_up.apply()
    emailed = Counter(m.to[0] for m in mail.outbox)
    with_email = {n.user.email for n in Notification.objects.select_related("user") if n.user.email}
    assert set(emailed) == with_email and set(emailed.values()) == {1}
    assert not Notification.objects.filter(email_status__in=["pending", "failed", "sending"])


def test_batches_that_give_up_during_a_minute_long_outage_are_finished_by_the_catch_up(due, eager):
    queued = []
    with (
        clock(6, 0),
        mock.patch.object(remind_units_batch, "delay", new=lambda *a: queued.append(a)),
    ):
        assert reminders_sweep.apply().get() == len(queued) >= 1
    # The database restarts for a minute while the workers take the batches: each batch
    # retries and gives up (retries in process are immediate, as an exhausted budget is).
    with (
        clock(6, 0, 30),
        DatabaseDown(until=datetime.datetime(2026, 3, 30, 6, 1, tzinfo=TZ)).installed() as outage,
    ):
        results = [remind_units_batch.apply(args=message) for message in queued]
    assert outage.refused and all(result.failed() for result in results)
    assert recorded() == []

    with clock(6, 5):
        assert reminders_catch_up.apply().get() == 0  # the batches may still be on their way
    with clock(6, 0) as traveller:
        traveller.shift(CATCH_UP_GRACE + datetime.timedelta(minutes=1))
        assert reminders_catch_up.apply().get() >= 1
    with clock(6, 40):
        assert reminders_catch_up.apply().get() == 0  # every unit is swept for the day
    everything_recorded_once_and_emailed_once(due)


def test_a_sweep_that_never_started_is_run_by_the_catch_up(due, eager):
    with (
        clock(6, 0),
        DatabaseDown(until=datetime.datetime(2026, 3, 30, 6, 1, tzinfo=TZ)).installed(),
    ):
        assert reminders_sweep.apply().failed()  # its own retries gave up too
    with clock(6, 5):
        assert reminders_catch_up.apply().get() >= 1  # nothing was queued: at once
    everything_recorded_once_and_emailed_once(due)


def test_nothing_is_caught_up_before_the_sweep_is_due(due, eager):
    with clock(5, 55):
        assert reminders_catch_up.apply().get() == 0
        assert digests_catch_up.apply().get() == 0
    assert recorded() == []
