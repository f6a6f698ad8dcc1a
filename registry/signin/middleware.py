from functools import partial

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .signed_in import aget_user, get_user

# Set by the sign-in view when the password was right but a second step remains:
# "verify" (type a code) or "setup" (set up the second factor first).
PENDING_STEP = "signin_pending_step"


class SignedInMiddleware(AuthenticationMiddleware):
    """`request.user`, read in one query when first asked for (`signed_in.signed_in_user`):
    in place of Django's `AuthenticationMiddleware` and django-otp's `OTPMiddleware`, with
    their rules (a revoked authenticator, a deactivated account or a changed password is
    refused on the next request)."""

    def process_request(self, request):
        request.user = SimpleLazyObject(partial(get_user, request))
        request.auser = partial(aget_user, request)


class SecondStepMiddleware:
    """A session that still owes its second step reaches only that step, sign-out and the
    static files; everything else leads back to the step. Costs nothing for other sessions
    (the step is in the session, no query)."""

    OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = request.session.get(PENDING_STEP) if hasattr(request, "session") else None
        if step and request.user.is_authenticated:
            target = reverse("signin:verify" if step == "verify" else "signin:setup")
            allowed = {target, reverse("signin:logout")}
            if request.path not in allowed and not request.path.startswith(self.OPEN_PREFIXES):
                return redirect(target)
        return self.get_response(request)
