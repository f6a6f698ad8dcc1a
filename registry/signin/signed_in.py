"""Who is signed in, read in one query per request (`docs/architecture.md`, "Signing in").

Django's `AuthenticationMiddleware` reads the user (with their member record), django-otp's
`OTPMiddleware` then the device that passed the second step, and the navigation the unread
count: three queries, each compiled again on every request. `signed_in_user` reads all of it
in one query compiled once per process (`core.compiled.Compiled`): the user and their member
record, whether the device named in the session still exists, belongs to them and is
confirmed, and the values other apps register with `also_read` (the inbox's unread count). It
is read afresh on every request, so a revoked authenticator, a deactivated account or a
password changed elsewhere is refused on the next request, as before.

The rules are Django's and django-otp's, kept as they are: the session names the user and the
backend that signed them in; the account must still be allowed to sign in
(`user_can_authenticate`); the session's hash of the password must match (else the session
is emptied: a password change signs other sessions out); a device that is gone, unconfirmed or
someone else's is dropped from the session and the second step counts as not passed."""

import functools
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.apps import apps
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from registry.core.compiled import Compiled

# name -> a function returning an expression over the user's row (OuterRef("pk")): read with
# the user on every request, set on the user under that name. Registered by apps above this
# one in their AppConfig.ready() (the inbox: its unread count).
_ALSO_READ: dict[str, Callable] = {}
_QUERIES: dict[type | None, Compiled] = {}


def also_read(name: str, expression: Callable) -> None:
    """Read `expression()` with the signed-in user on every request, as `user.<name>`."""
    _ALSO_READ[name] = expression
    _QUERIES.clear()


def _query(device_model: type | None) -> Compiled:
    """The user, their member record, the registered values and, with a device model, whether
    the session's device of that model passes: one row, compiled once per process."""
    query = _QUERIES.get(device_model)
    if query is not None:
        return query
    user_model = auth.get_user_model()

    def build(*, user_id, device_id=None):
        extra = {name: expression() for name, expression in _ALSO_READ.items()}
        if device_model is not None:
            devices = device_model.objects.filter(pk=device_id, user=OuterRef("pk"), confirmed=True)
            extra["second_step_device_ok"] = Exists(devices)
        return (
            user_model._default_manager.select_related("member")
            .annotate(**extra)
            .filter(pk=user_id)
            .order_by()
        )

    names = ("user_id", "device_id") if device_model is not None else ("user_id",)
    query = _QUERIES[device_model] = Compiled(build, *names)
    return query


def _session_device(session) -> tuple[type | None, int | None]:
    """The device model and id the session names (django-otp's persistent id), or Nones."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return None, None
    try:
        if persistent_id.count(".") > 1:  # an old full import path, as django-otp reads it
            parts = persistent_id.split(".")
            persistent_id = ".".join((parts[-3], parts[-1]))
        label, pk = persistent_id.rsplit("/", 1)
        model = apps.get_model(label)
        if not issubclass(model, Device):
            return None, None
        return model, int(pk)
    except (ValueError, LookupError, AttributeError):
        return None, None


def _verified(request, user, device_model, device_id, passed: bool):
    """Mark the user as django-otp's middleware does: `otp_device` (loaded only if read) and
    `is_verified()`; a device that did not pass leaves the session."""
    user.otp_device = None
    user.is_verified = functools.partial(is_verified, user)
    if not user.is_authenticated:
        return user
    if passed:
        user.otp_device = SimpleLazyObject(
            lambda: device_model._default_manager.filter(pk=device_id).first()
        )
    elif DEVICE_ID_SESSION_KEY in request.session:
        del request.session[DEVICE_ID_SESSION_KEY]
    return user


def _session_hash_holds(request, user) -> bool:
    """Django's check (`django.contrib.auth.get_user`): the session's hash of the password is
    the user's, or one made with a fallback secret (then the session moves to the current one);
    otherwise the session is emptied."""
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return True
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[auth.HASH_SESSION_KEY] = session_auth_hash
        return True
    request.session.flush()
    return False


def signed_in_user(request):
    """The request's user (AnonymousUser when nobody is signed in), marked with the second
    step and what `also_read` registered; one query."""
    session = request.session
    try:
        user_id = auth.get_user_model()._meta.pk.to_python(session[auth.SESSION_KEY])
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return _verified(request, AnonymousUser(), None, None, False)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return _verified(request, AnonymousUser(), None, None, False)
    backend = auth.load_backend(backend_path)
    device_model, device_id = _session_device(session)
    if not isinstance(backend, ModelBackend):  # not one that reads users by id: its own way
        user = auth.get_user(request)
        device = Device.from_persistent_id(session.get(DEVICE_ID_SESSION_KEY) or "")
        passed = device is not None and device.user_id == user.pk and device.confirmed
        return _verified(request, user, device_model, device_id, passed)
    values = {"user_id": user_id}
    if device_model is not None:
        values["device_id"] = device_id
    user = _query(device_model).get(**values)
    allowed = user is not None and backend.user_can_authenticate(user)
    if not (allowed and _session_hash_holds(request, user)):
        return _verified(request, AnonymousUser(), None, None, False)
    passed = device_model is not None and bool(user.second_step_device_ok)
    return _verified(request, user, device_model, device_id, passed)


def get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = signed_in_user(request)
    return request._cached_user


async def aget_user(request):
    return await sync_to_async(get_user)(request)
