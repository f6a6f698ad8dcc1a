"""Sign-in and the ways back in: the password step (throttled by django-axes), the second
step (an authenticator code or a recovery code), setting the authenticator up, a password
reset by email, and a reset with a one-time code from the cell secretary."""

import io

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.access import policy
from registry.accounts.backends import find_user_by_identifier, throttle_key
from registry.accounts.forms import SignInForm

from . import services
from .forms import ResetWithCodeForm, SetupForm, TokenForm
from .middleware import PENDING_STEP

NEXT_KEY = "signin_next"
SETUP_DEVICE_KEY = "signin_setup_device"


def _safe_next(request, value) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(auth_views.LoginView):
    """The password step. With the right password the person is signed in; if they have an
    authenticator (or must have one) the session owes a second step before anything else."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        auth_login(self.request, form.get_user())
        return start_second_step(self.request, self.get_success_url()) or redirect(
            self.get_success_url()
        )


def start_second_step(request, next_url: str):
    """After the password: if the person has an authenticator (or must have one), the session
    owes the second step; returns the redirect to it, or None when nothing is owed."""
    user = request.user
    if services.has_second_factor(user):
        step = "verify"
    elif policy.second_factor_required(user):
        step = "setup"
    else:
        return None
    request.session[PENDING_STEP] = step
    request.session[NEXT_KEY] = next_url
    return redirect("signin:verify" if step == "verify" else "signin:setup")


def with_second_step(login_view):
    """The administration's own sign-in page (throttled like ours), followed by our second
    step when one is owed."""

    def view(request, extra_context=None):
        was_anonymous = not request.user.is_authenticated
        response = login_view(request, extra_context)
        if was_anonymous and request.user.is_authenticated:
            next_url = _safe_next(request, response.get("Location") or reverse("admin:index"))
            return start_second_step(request, next_url) or response
        return response

    return view


def _finish(request, device):
    otp_login(request, device)
    request.session.pop(PENDING_STEP, None)
    return _safe_next(request, request.session.pop(NEXT_KEY, None) or request.GET.get("next"))


def _demo_code(device) -> str | None:
    """In demo mode only, the code the demo account's authenticator would show now."""
    if not settings.DEMO_MODE or device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@login_required
def verify(request):
    """The second step: 6 digits from the app, or one recovery code (used up)."""
    device = services.totp_device_of(request.user)
    if device is None:
        url = reverse("signin:setup")
        if request.GET.get("next"):
            request.session[NEXT_KEY] = _safe_next(request, request.GET["next"])
        return redirect(url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        passed = services.second_factor_check(user=request.user, token=form.cleaned_data["token"])
        if passed is not None:
            if passed.persistent_id != device.persistent_id:
                left = services.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("Recovery code used; %(left)s left. Set up the app again if it is lost.")
                    % {"left": left},
                )
            return redirect(_finish(request, passed))
        if services.second_factor_waiting(request.user):
            form.add_error(
                "token",
                _(
                    "Several wrong codes were typed: wait a minute, then type the code the app "
                    "shows at that moment."
                ),
            )
        else:
            form.add_error("token", _("The code is not right, or it was already used."))
    return render(
        request,
        "signin/verify.html",
        {"form": form, "demo_code": _demo_code(device), "next": request.GET.get("next", "")},
    )


def _qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    text = out.getvalue().decode()
    return text[text.index("<svg") :]


@login_required
def setup(request):
    """Set the authenticator up: scan the QR image (or type the secret), confirm one code,
    and read the ten recovery codes, shown this once. Someone who already has an
    authenticator first passes the second step with it."""
    has_device = services.has_second_factor(request.user)
    if has_device and not policy.second_factor_passed(request.user):
        return redirect(f"{reverse('signin:verify')}?next={reverse('signin:setup')}")
    device = None
    device_id = request.session.get(SETUP_DEVICE_KEY)
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
    if device is None:
        device = services.second_factor_begin(user=request.user)
        request.session[SETUP_DEVICE_KEY] = device.pk
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_confirm(
                user=request.user, device=device, token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session.pop(SETUP_DEVICE_KEY, None)
            device.refresh_from_db()
            next_url = _finish(request, device)
            return render(request, "signin/recovery_codes.html", {"codes": codes, "next": next_url})
    secret = services.base32_secret(device)
    return render(
        request,
        "signin/setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": secret,
            "required": policy.second_factor_required(request.user),
        },
    )


def reset_with_code(request):
    """A member without email types card number, the secretary's code and a new password.
    Every wrong try counts towards the sign-in throttle of that account and address; the
    answer never says which part was wrong."""
    form = ResetWithCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["card_number"]
        credentials = {"username": identifier}
        user = find_user_by_identifier(identifier)
        allowed = AxesProxyHandler.is_allowed(request, credentials)
        password = form.cleaned_data["new_password1"]
        if allowed and user is not None and user.is_active:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                form.add_error("new_password1", exc)
                return render(request, "signin/reset_code.html", {"form": form})
            if services.reset_code_redeem(
                user=user, code=form.cleaned_data["code"], new_password=password
            ):
                axes_reset(username=throttle_key(request, credentials))
                messages.success(request, _("The new password is set. Sign in with it, comrade."))
                return redirect("signin:login")
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error(
            None,
            _(
                "The card number and the code do not match, or the code has expired or was "
                "already used. Ask the secretary of your cell for a new code."
            ),
        )
    return render(request, "signin/reset_code.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "signin/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("signin:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "signin/password_reset_confirm.html"
    success_url = reverse_lazy("signin:password_reset_complete")
