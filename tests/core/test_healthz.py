import datetime
import time

import time_machine
from django.urls import reverse

from registry.core.models import Heartbeat
from registry.core.tasks import heartbeat

from ..faults import broker_at, hung_broker


def test_healthz_is_503_before_the_first_heartbeat(client, db):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["heartbeat"] == {"ok": False, "error": "no heartbeat yet"}


def test_healthz_is_200_after_the_heartbeat_task_ran(client, db):
    heartbeat.apply().get()  # executed by Celery's own machinery, in process
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json()["heartbeat"]["age_seconds"] < 5


def test_a_stale_heartbeat_makes_healthz_fail(client, db):
    with time_machine.travel(
        datetime.datetime(2026, 11, 24, 8, 0, tzinfo=datetime.UTC), tick=False
    ):
        heartbeat.apply()
    with time_machine.travel(
        datetime.datetime(2026, 11, 24, 8, 3, tzinfo=datetime.UTC), tick=False
    ):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["heartbeat"]["age_seconds"] == 180.0


def test_an_unreachable_broker_makes_healthz_fail(client, db, settings, monkeypatch):
    from config.celery import app

    heartbeat.apply()
    original = app.conf.broker_url
    # Celery reads CELERY_BROKER_URL from the environment first (as CI sets it): change both.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get(reverse("core:healthz"))
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_heartbeat_keeps_one_row(db):
    heartbeat.apply()
    heartbeat.apply()
    assert Heartbeat.objects.count() == 1


def test_healthz_names_no_software_to_anonymous_callers(client, db):
    heartbeat.apply()
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == {"ok": True}
    assert response.json()["broker"] == {"ok": True}
    for word in ("sqlite", "postgresql", "kombu", "redis", "filesystem", "Transport"):
        assert word not in response.text


def test_administrators_see_which_database_and_broker(login, people):
    heartbeat.apply()
    body = login(people.root).get(reverse("core:healthz")).json()
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert "transport" in body["broker"]


def test_a_hung_broker_makes_healthz_fail_within_its_timeout(client, db, monkeypatch):
    heartbeat.apply()
    with hung_broker() as url, broker_at(url, monkeypatch):
        started = time.monotonic()
        response = client.get(reverse("core:healthz"))
        took = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert took < 5
