"""Recording reminders in bulk: each (person, rule, key, step) once, whatever is sent twice,
counted as new only when written."""

import datetime

from django.db.models import F, Value
from django.db.models.functions import JSONObject

from registry.accounts.models import User
from registry.notifications import services as inbox
from registry.notifications.models import Notification

from ..factories import UserFactory


def test_rows_are_written_once_and_counted_when_new(db):
    ann, ba = UserFactory(), UserFactory()
    due = datetime.date(2026, 6, 25)
    rows = [
        (ann.pk, "1/2026Q2", "7d", due, "/plans/year/2026/", {"year": 2026, "items": 2}),
        (ba.pk, "1/2026Q2", "7d", due, "/plans/year/2026/", {"year": 2026, "items": 1}),
        (ba.pk, "plan-3-20260202/1", "5d", None, "/plans/3/", {"name": "Lò Văn Ba", "days": 6}),
    ]
    assert inbox.record_rows("report_due", rows) == 3
    assert inbox.record_rows("report_due", [*rows, rows[0]]) == 0
    assert inbox.record_rows("report_due", []) == 0
    n = Notification.objects.get(user=ann)
    assert (n.rule, n.period, n.step, n.due, n.url) == (
        "report_due",
        "1/2026Q2",
        "7d",
        due,
        "/plans/year/2026/",
    )
    assert n.params == {"year": 2026, "items": 2}
    assert (n.email_status, n.email_attempts, n.read_at) == ("pending", 0, None)
    assert Notification.objects.get(period="plan-3-20260202/1").due is None


def test_a_query_of_rows_is_written_by_the_database_once(db):
    UserFactory.create_batch(3)
    rows = User.objects.values(
        user_id=F("pk"),
        rule=Value("registration_closing"),
        period=Value("7/2026"),
        step=Value("3d"),
        due=Value(datetime.date(2026, 3, 31)),
        url=Value("/plans/year/2026/"),
        params=JSONObject(year=Value(2026), days=Value(3)),
    )
    assert inbox.record_selected(rows) == 3
    assert inbox.record_selected(rows) == 0
    n = Notification.objects.first()
    assert n.params == {"year": 2026, "days": 3}
    assert n.due == datetime.date(2026, 3, 31) and n.created_at is not None
