"""Second factor and one-time reset codes: each write one transaction, audited."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.access import policy
from registry.audit.services import audit_record

from .models import ResetCode

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


# --- Second factor ----------------------------------------------------------------------------


def totp_device_of(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_begin(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (replacing any earlier unconfirmed one)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _new_recovery_codes(user, codes: list[str] | None = None) -> list[str]:
    if not codes:
        raw = [secrets.token_hex(4) for _n in range(RECOVERY_CODE_COUNT)]
        codes = [f"{code[:4]}-{code[4:]}" for code in raw]
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code.replace("-", "")) for code in codes]
    )
    return codes


def second_factor_confirm(*, user, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a code it shows, make it the person's only one and give
    ten new recovery codes (returned once, stored only on the device)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(normalise_token(token)):
            raise ValidationError(
                {"token": _("The code is not right. Type the 6 digits the app shows now.")},
                code="token",
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="account.second_factor", target=user)
    return codes


def second_factor_install(*, user, key_hex: str, recovery_codes: list[str]) -> None:
    """Give `user` a confirmed authenticator with a known secret and known recovery codes
    (demo accounts only, from the demo loader)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key_hex, confirmed=True)
        _new_recovery_codes(user, recovery_codes)


def second_factor_remove(*, user, actor) -> int:
    """Remove the person's authenticator and recovery codes (a lost phone)."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            _total, by_model = model.objects.filter(user=user).delete()
            removed += by_model.get(model._meta.label, 0)
        audit_record(actor=actor, action="account.second_factor_removed", target=user)
    return removed


def normalise_token(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isalnum()).lower()


def second_factor_check(*, user, token: str):
    """The device of `user` that accepts `token` (6 digits from the app, or a recovery code,
    which is then used up), or None. Throttled by django-otp after repeated failures."""
    token = normalise_token(token)
    if not token:
        return None
    candidates = []
    if len(token) == 6 and token.isdigit():
        candidates = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in candidates:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_is_allowed()[0] and locked.verify_token(token):
                return locked
    return None


WAIT_SAID_AFTER = 3  # wrong codes in a row before the page says to wait (a typo is not told so)


def second_factor_waiting(user) -> bool:
    """After repeated wrong codes django-otp makes the person wait before any code, the right
    one included, is accepted again: is that the case now?"""
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    return any(
        device.throttling_failure_count >= WAIT_SAID_AFTER and not device.verify_is_allowed()[0]
        for device in devices
    )


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- One-time reset codes ---------------------------------------------------------------------


def reset_code_issue(*, actor, person, at=None) -> str:
    """Issue a one-time reset code for `person` (a Member with an account); earlier unused
    codes stop working. Returns the code, to be shown once; only its hash is kept."""
    if not policy.can_issue_reset_code(actor, person):
        raise PermissionDenied
    at = at or timezone.now()
    code = f"{secrets.randbelow(10**8):08d}"
    with transaction.atomic():
        ResetCode.objects.filter(user_id=person.user_id, spent_at__isnull=True).update(spent_at=at)
        ResetCode.objects.create(
            user_id=person.user_id,
            code_hash=make_password(code),
            issued_by=actor,
            expires_at=at + timedelta(minutes=settings.RESET_CODE_MINUTES),
        )
        audit_record(
            actor=actor,
            action="account.reset_code",
            target=person,
            minutes=settings.RESET_CODE_MINUTES,
        )
    return code


def reset_code_redeem(*, user, code: str, new_password: str, at=None) -> bool:
    """Set `user`'s password if `code` is their live reset code; the code is then spent.
    A wrong code counts a try against the live code and spends it after `MAX_TRIES`.
    Returns whether the password was changed."""
    at = at or timezone.now()
    code = normalise_token(code)
    with transaction.atomic():
        live = (
            ResetCode.objects.select_for_update()
            .filter(user=user, spent_at__isnull=True, expires_at__gt=at)
            .order_by("-created_at")
            .first()
        )
        if live is None:
            return False
        if not check_password(code, live.code_hash):
            live.failed_tries += 1
            if live.failed_tries >= ResetCode.MAX_TRIES:
                live.spent_at = at
            live.save(update_fields=["failed_tries", "spent_at"])
            return False
        live.spent_at = at
        live.save(update_fields=["spent_at"])
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="account.reset_code_used", target=user)
    return True


def base32_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
