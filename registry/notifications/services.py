"""The inbox: recording reminders once, clearing them when the thing is done, the unread
count, and emailing the daily digest. Any app writes here; what a reminder says and whether
it is still due is asked of the kind its app registered (`kinds`)."""

import datetime
import json
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.constants import OnConflict
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation

from registry.access import policy

from . import kinds
from .models import Notification

N = Notification.Email


COLUMNS = ("user_id", "rule", "period", "step", "due", "url", "params")
_DEFAULTS = {"email_status": N.PENDING, "email_attempts": 0, "email_error": ""}


def _insert(connection, columns: list[str]) -> tuple[str, str]:
    """The start and the end of an INSERT that leaves out rows already there."""
    qn = connection.ops.quote_name
    return (
        f"{connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)} "
        f"{qn(Notification._meta.db_table)} ({', '.join(qn(c) for c in columns)})",
        connection.ops.on_conflict_suffix_sql([], OnConflict.IGNORE, [], []),
    )


def record_rows(rule: str, rows, chunk: int = 100) -> int:
    """Insert reminders of one kind, given as tuples (user id, key, step, due, url, details),
    `chunk` rows a statement (on PostgreSQL, up to 5,000 rows a statement, as one JSON
    parameter). The unique (user, rule, period, step) leaves out a row already there; callers
    leave out those they know of, so that they are not even sent. Returns how many rows are new."""
    rows = list(rows)
    if not rows:
        return 0
    connection = connections[Notification.objects.db]
    if connection.vendor == "postgresql":
        return _record_json(connection, rule, rows)
    due, params = (Notification._meta.get_field(name) for name in ("due", "params"))
    fixed = [
        Notification._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection),
        *_DEFAULTS.values(),
    ]
    start, end = _insert(connection, [*COLUMNS, "created_at", *_DEFAULTS])
    row = f"({', '.join(['%s'] * (len(COLUMNS) + len(fixed)))})"
    new = 0
    with connection.cursor() as cursor:
        for first in range(0, len(rows), chunk):
            part = rows[first : first + chunk]
            values = []
            for user, key, step, day, url, details in part:
                values += [
                    user,
                    rule,
                    key,
                    step,
                    due.get_db_prep_value(day, connection),
                    url,
                    params.get_db_prep_value(details, connection),
                    *fixed,
                ]
            cursor.execute(f"{start} VALUES {', '.join([row] * len(part))} {end}", values)
            new += max(cursor.rowcount, 0)
    return new


def _record_json(connection, rule: str, rows: list, chunk: int = 5000) -> int:
    """`record_rows` on PostgreSQL: the rows as one JSON parameter (`json_to_recordset`), so
    that a statement's text does not grow with its rows and its parameter is encoded at C
    speed (text arrays are quoted element by element on the client)."""
    start, end = _insert(connection, [*COLUMNS, "created_at", *_DEFAULTS])
    sql = (
        f"{start} SELECT r.user_id, %s, r.period, r.step, r.due, r.url, r.params, "
        f"%s, {', '.join(['%s'] * len(_DEFAULTS))} FROM json_to_recordset(%s::json) "
        f"AS r(user_id bigint, period text, step text, due date, url text, params jsonb) {end}"
    )
    now = timezone.now()
    new = 0
    with connection.cursor() as cursor:
        for first in range(0, len(rows), chunk):
            part = [
                {"user_id": u, "period": k, "step": s, "due": d, "url": url, "params": p}
                for u, k, s, d, url, p in rows[first : first + chunk]
            ]
            cursor.execute(
                sql, [rule, now, *_DEFAULTS.values(), json.dumps(part, cls=DjangoJSONEncoder)]
            )
            new += max(cursor.rowcount, 0)
    return new


def record_selected(rows) -> int:
    """Insert the reminders that a query selects, in one INSERT … SELECT: `rows` is a
    `values()` query naming `COLUMNS`; the unique (user, rule, period, step) leaves out a row
    already there. No row passes through Python, so memory does not grow with the rows.
    Returns how many rows are new."""
    connection = connections[rows.db]
    select, select_params = rows.order_by().query.get_compiler(connection=connection).as_sql()
    fixed = [
        Notification._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection),
        *_DEFAULTS.values(),
    ]
    start, end = _insert(connection, [*COLUMNS, "created_at", *_DEFAULTS])
    qn = connection.ops.quote_name
    picked = ", ".join(f"selected.{qn(c)}" for c in COLUMNS)
    sql = (
        f"{start} SELECT {picked}, {', '.join(['%s'] * len(fixed))} FROM ({select}) selected {end}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*fixed, *select_params))
        return max(cursor.rowcount, 0)


def unread_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_count_of_row():
    """The unread count as an expression over a user's row (`OuterRef("pk")`), read with the
    signed-in user on every request (`signin.signed_in.also_read`)."""
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


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


def mark_all_read(*, user) -> list[int]:
    """Every unread reminder of the person is read now; their ids are returned so that exactly
    these can be marked unread again (`mark_all_read_undo`)."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(user=user, read_at__isnull=True)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
    return ids


def mark_all_read_undo(*, user, ids, now: datetime.datetime | None = None) -> int:
    """Undo "mark all as read": of `ids`, the person's own reminders that were marked read
    within the window (`policy.READ_UNDO_MINUTES`) come back unread; any other id is left
    alone. Returns how many came back."""
    since = policy.read_undo_since(now or timezone.now())
    return Notification.objects.filter(user=user, pk__in=ids, read_at__gte=since).update(
        read_at=None
    )


def mark_unread(*, user, ids) -> int:
    """Undo a "mark as read": the person's own rows come back to the unread list (an email
    already sent or skipped is not sent again)."""
    return Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=False).update(
        read_at=None
    )


MAX_EMAIL_ATTEMPTS = 6
STALE_CLAIM = datetime.timedelta(hours=1)


def _sendable() -> Q:
    """New rows, and failed ones whose back-off has passed (1, 2, 4, 8, 16 minutes)."""
    return Q(email_status=N.PENDING) | Q(
        email_status=N.FAILED,
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        email_next_try__lte=timezone.now(),
    )


CLAIM_EXPIRED = "claim expired"


def release_expired_claims(*, now: datetime.datetime | None = None) -> int:
    """Rows claimed by a worker that died between claiming and marking (killed, or its database
    went away) go back to be sent at once: the only case where a second email can go out. A
    claim that expires a second time is not sent a third time (the email may have gone twice
    already); the reminder stays in the application. Returns how many rows will be retried."""
    now = now or timezone.now()
    expired = Notification.objects.filter(
        email_status=N.SENDING, email_claimed_at__lt=now - STALE_CLAIM
    )
    expired.filter(email_error=CLAIM_EXPIRED).update(
        email_status=N.FAILED, email_attempts=MAX_EMAIL_ATTEMPTS, email_next_try=None
    )
    return expired.update(
        email_status=N.FAILED,
        email_error=CLAIM_EXPIRED,
        email_attempts=F("email_attempts") + 1,
        email_next_try=now,
    )


def users_with_pending_email() -> list[int]:
    """The people with reminders to email, after releasing expired claims."""
    release_expired_claims()
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
