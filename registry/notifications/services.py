"""The inbox: recording reminders once, clearing them when the thing is done, the unread
count, and emailing the daily digest. Any app writes here; what a reminder says and whether
it is still due is asked of the kind its app registered (`kinds`)."""

import datetime
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import kinds
from .models import Notification

N = Notification.Email


def record(rows: list[Notification]) -> int:
    """Insert unsaved reminders; rows whose (user, rule, period, step) exists already are left
    alone by the database. Returns how many rows are new."""
    if not rows:
        return 0
    users = {n.user_id for n in rows}
    existing = set(
        Notification.objects.filter(user_id__in=users, rule__in={n.rule for n in rows}).values_list(
            "user_id", "rule", "period", "step"
        )
    )
    wanted = {(n.user_id, n.rule, n.period, n.step) for n in rows}
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(wanted - existing)


def unread_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def resolve(
    *,
    rule: str,
    period: str | None = None,
    period_prefix: str | None = None,
    period_suffix: str | None = None,
    user_ids=None,
) -> int:
    """The thing is done: its reminders leave the unread list and are not emailed."""
    rows = Notification.objects.filter(rule=rule, read_at__isnull=True)
    if period is not None:
        rows = rows.filter(period=period)
    if period_prefix is not None:
        rows = rows.filter(period__startswith=period_prefix)
    if period_suffix is not None:
        rows = rows.filter(period__endswith=period_suffix)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    rows.filter(email_status__in=[N.PENDING, N.FAILED]).update(email_status=N.SKIPPED)
    return rows.update(read_at=timezone.now())


def mark_read(*, user, ids=None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


MAX_EMAIL_ATTEMPTS = 6
STALE_CLAIM = datetime.timedelta(hours=1)


def _sendable() -> Q:
    """New rows, and failed ones whose back-off has passed (1, 2, 4, 8, 16 minutes)."""
    return Q(email_status=N.PENDING) | Q(
        email_status=N.FAILED,
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        email_next_try__lte=timezone.now(),
    )


def users_with_pending_email() -> list[int]:
    # A claim left by a worker that died while sending is released after an hour.
    Notification.objects.filter(
        email_status=N.SENDING, email_claimed_at__lt=timezone.now() - STALE_CLAIM
    ).update(email_status=N.FAILED, email_error="claim expired")
    # One task per person (the model's default ordering would defeat a plain distinct()).
    return sorted(set(Notification.objects.filter(_sendable()).values_list("user_id", flat=True)))


class DigestError(Exception):
    pass


def digest_send(*, user_id: int, today: datetime.date | None = None) -> str:
    """Email one person the reminders not yet emailed, in one message.

    The rows are claimed first by a conditional UPDATE (two workers cannot claim the same
    row), re-checked (what was done meanwhile is dropped), sent, then marked sent. If
    sending fails they go back to FAILED and the caller retries later."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    user = get_user_model().objects.get(pk=user_id)
    claim = uuid.uuid4()
    with transaction.atomic():
        claimed = Notification.objects.filter(_sendable(), user_id=user_id).update(
            email_status=N.SENDING, email_claim=claim, email_claimed_at=timezone.now()
        )
    if not claimed:
        return "nothing"
    rows = list(Notification.objects.filter(email_claim=claim, email_status=N.SENDING))
    if not (user.is_active and user.email and user.email_reminders):
        Notification.objects.filter(email_claim=claim).update(email_status=N.SKIPPED)
        return "skipped"
    due = [n for n in rows if kinds.still_due(n, today)]
    Notification.objects.filter(pk__in=[n.pk for n in rows if n not in due]).update(
        email_status=N.SKIPPED
    )
    if not due:
        return "done"
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "items": [(kinds.describe(n), settings.SITE_URL + n.url, n.due) for n in due],
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("emails/reminder_digest_subject.txt", context).strip()
        text = render_to_string("emails/reminder_digest.txt", context)
        html = render_to_string("emails/reminder_digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as exc:
        wait = datetime.timedelta(minutes=2 ** max(n.email_attempts for n in due))
        Notification.objects.filter(pk__in=[n.pk for n in due]).update(
            email_status=N.FAILED,
            email_error=str(exc)[:300],
            email_attempts=F("email_attempts") + 1,
            email_next_try=timezone.now() + wait,
        )
        raise DigestError(str(exc)) from exc
    Notification.objects.filter(pk__in=[n.pk for n in due]).update(
        email_status=N.SENT, emailed_at=timezone.now(), email_error=""
    )
    return "sent"
