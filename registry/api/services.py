"""Personal access tokens: made and revoked by their owner, each one transaction, audited.
The secret is shown once (returned by `token_create`) and only its SHA-256 digest is kept."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.access import policy
from registry.audit.services import audit_record

from .models import AccessToken

TOKEN_MARK = "lt"
# Lifetimes offered, in days.
LIFETIMES = (30, 90, 365)
MAX_ACTIVE = 20


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """("lt_<prefix>_<secret>") → (prefix, whole token), or None for anything else."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_MARK or not (8 <= len(parts[1]) <= 16):
        return None
    return parts[1], "_".join(parts)


@transaction.atomic
def token_create(*, user, name: str, days: int, at=None) -> tuple[AccessToken, str]:
    """A new token for `user`, valid `days` days; returns it with its secret, the only time
    the secret exists outside the caller's hands."""
    at = at or timezone.now()
    if not policy.can_create_access_token(user):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the app that uses it.")})
    if days not in LIFETIMES:
        raise ValidationError({"days": _("Choose how long the token stays valid.")})
    active = AccessToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=at)
    if active.count() >= MAX_ACTIVE:
        raise ValidationError(
            _("You have %(n)s valid tokens already; revoke one you no longer use.")
            % {"n": MAX_ACTIVE}
        )
    prefix = secrets.token_hex(4)
    while AccessToken.objects.filter(prefix=prefix).exists():  # pragma: no cover
        prefix = secrets.token_hex(4)
    secret = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    token = AccessToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        digest=digest_of(secret),
        created_at=at,
        expires_at=at + datetime.timedelta(days=days),
    )
    audit_record(actor=user, action="token.create", target=token, summary=str(token))
    return token, secret


@transaction.atomic
def token_revoke(*, token: AccessToken, actor, at=None) -> AccessToken:
    at = at or timezone.now()
    token = AccessToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = at
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", target=token, summary=str(token))
    return token
