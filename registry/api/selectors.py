"""Reads of the API: tokens, the people under a unit, and cursor pages over any list."""

import base64
import binascii
import hmac
import json

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone

from registry.members.models import Membership
from registry.units.models import Unit

from .models import AccessToken
from .services import digest_of, split_token


def tokens_of(user) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_for_secret(raw: str) -> AccessToken | None:
    """The usable token whose secret is `raw` (not revoked, not expired, its owner active),
    or None. One query by the prefix; the digests are compared in constant time."""
    parts = split_token(raw)
    if parts is None:
        return None
    prefix, whole = parts
    token = AccessToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, digest_of(whole)):
        return None
    if not token.is_usable(timezone.now()) or not token.user.is_active:
        return None
    return token


def unit_people(*, unit: Unit) -> QuerySet[Membership]:
    """The people in a cell anywhere under `unit` today (of a party group: in it), with
    their cell and party group."""
    rows = Membership.objects.current().select_related("member", "cell", "group")
    if unit.kind.is_group:
        return rows.filter(group=unit)
    return rows.filter(cell__path__startswith=unit.path)


# --- Pages by cursor ---------------------------------------------------------------------------
# A cursor names the last row a page showed by its sort key and id, signed so that a client
# can neither forge nor read one: the next page starts strictly after that row, so a row added
# meanwhile never shifts the pages (no repeat, no gap).

_SALT = "registry.api.cursor"


class BadCursor(Exception):
    pass


def _encode(key, pk: int, field: str) -> str:
    signed = signing.dumps([field, key, pk], salt=_SALT, compress=True)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _decode(cursor: str, field: str):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        signed = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
        named, key, pk = signing.loads(signed, salt=_SALT)
    except (
        ValueError,
        TypeError,
        UnicodeError,
        binascii.Error,
        signing.BadSignature,
        json.JSONDecodeError,
    ):
        raise BadCursor from None
    if named != field or not isinstance(pk, int):
        raise BadCursor
    return key, pk


def cursor_page(
    qs: QuerySet, *, key: str, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of `qs` ordered by (`key`, id) after `cursor`: (rows, the next cursor or None
    at the end). `limit` + 1 rows are read, one query."""
    qs = qs.order_by(key, "pk")
    if cursor:
        last_key, last_pk = _decode(cursor, key)
        if key == "pk":
            qs = qs.filter(pk__gt=last_pk)
        else:
            qs = qs.filter(Q(**{f"{key}__gt": last_key}) | Q(**{key: last_key, "pk__gt": last_pk}))
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    value = last = rows[-1]
    for part in key.split("__"):
        value = getattr(value, part)
    return rows, _encode(value, last.pk, key)
