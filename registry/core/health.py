"""What /healthz reports: the database, the broker and the age of the last heartbeat."""

from celery import current_app as celery_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is a finding, not a crash
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    """One attempt, within the broker's socket timeouts: a hung broker is a finding."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=settings.CELERY_BROKER_TIMEOUT_SECONDS)
            transport = conn.transport_cls
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


def check_heartbeat() -> dict:
    try:
        beat = Heartbeat.objects.filter(name="beat").first()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if beat is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = (timezone.now() - beat.at).total_seconds()
    return {
        "ok": age <= settings.HEARTBEAT_MAX_AGE_SECONDS,
        "last": beat.at.isoformat(),
        "age_seconds": round(age, 1),
        "max_age_seconds": settings.HEARTBEAT_MAX_AGE_SECONDS,
    }


# What names the software behind the site; only administrators see it.
VENDOR_KEYS = ("vendor", "transport")


def health_report(*, with_vendors: bool = False) -> dict:
    checks = {
        "database": check_database(),
        "broker": check_broker(),
        "heartbeat": check_heartbeat(),
    }
    if not with_vendors:
        checks = {
            name: {k: v for k, v in check.items() if k not in VENDOR_KEYS}
            for name, check in checks.items()
        }
    return {"ok": all(c["ok"] for c in checks.values()), **checks}
