"""The second sign-in step: after the password, a person with an authenticator types its
code or a recovery code; a leader without one is led to set it up; issuing a numbered review
needs a session that passed it."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.access import policy
from registry.notifications.models import Notification
from registry.signin import services

from ..factories import PASSWORD

DEMO_KEY = "3132333435363738393031323334353637383930"


def current_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def password_step(client, identifier):
    return client.post(reverse("signin:login"), {"username": identifier, "password": PASSWORD})


def test_a_secretary_with_an_authenticator_types_its_code(client, people):
    services.second_factor_install(user=people.bob, key_hex=DEMO_KEY, recovery_codes=["a"])
    response = password_step(client, "bob")
    assert response["Location"] == reverse("signin:verify")
    assert client.get(reverse("portal:home"))["Location"] == reverse("signin:verify")
    wrong = client.post(reverse("signin:verify"), {"token": "000000"})
    assert wrong.status_code == 200
    device = TOTPDevice.objects.get(user=people.bob)
    # after a wrong code the device waits a moment before it tries again (django-otp)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):
        done = client.post(reverse("signin:verify"), {"token": current_code(device)})
    assert done["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_recovery_code_works_once(client, people):
    services.second_factor_install(
        user=people.bob, key_hex=DEMO_KEY, recovery_codes=["abcd-1234", "efgh-5678"]
    )
    password_step(client, "bob")
    assert client.post(reverse("signin:verify"), {"token": "ABCD 1234"}).status_code == 302
    client.post(reverse("signin:logout"))
    password_step(client, "bob")
    again = client.post(reverse("signin:verify"), {"token": "abcd-1234"})
    assert again.status_code == 200
    assert client.get(reverse("portal:home")).status_code == 302
    assert services.recovery_codes_left(people.bob) == 1


def test_a_secretary_without_one_is_led_to_set_it_up(client, people):
    response = password_step(client, "bob")
    assert response["Location"] == reverse("signin:setup")
    page = client.get(reverse("signin:setup"))
    assert "<svg" in page.text and page.context["secret"]
    device = TOTPDevice.objects.get(user=people.bob, confirmed=False)
    assert client.post(reverse("signin:setup"), {"token": "000000"}).status_code == 200
    codes_page = client.post(reverse("signin:setup"), {"token": current_code(device)})
    assert len(codes_page.context["codes"]) == 10
    assert client.get(reverse("portal:home")).status_code == 200
    assert services.recovery_codes_left(people.bob) == 10


def test_a_member_without_a_role_signs_in_with_the_password_only(client, people, settings):
    assert password_step(client, "alice")["Location"] == reverse("portal:home")
    client.post(reverse("signin:logout"))
    settings.OTP_REQUIRED_FOR_ALL = True
    assert password_step(client, "alice")["Location"] == reverse("signin:setup")


def test_an_administrator_removes_a_lost_authenticator(client, people):
    from django.core.management import call_command

    services.second_factor_install(user=people.bob, key_hex=DEMO_KEY, recovery_codes=["a"])
    call_command("second_factor_reset", "bob", stdout=__import__("io").StringIO())
    assert password_step(client, "bob")["Location"] == reverse("signin:setup")


def test_after_wrong_codes_the_page_says_to_wait_and_the_code_then_works(client, people):
    services.second_factor_install(user=people.bob, key_hex=DEMO_KEY, recovery_codes=["a"])
    password_step(client, "bob")
    device = TOTPDevice.objects.get(user=people.bob)
    start = timezone.now()
    first = client.post(reverse("signin:verify"), {"token": "000000"})
    assert "chờ một phút" not in first.text  # one typo is only told it is wrong
    for n in (1, 2):  # typed a few seconds apart, as people do
        with time_machine.travel(start + datetime.timedelta(seconds=10 * n)):
            client.post(reverse("signin:verify"), {"token": "000000"})
    with time_machine.travel(start + datetime.timedelta(seconds=21)):
        waiting = client.post(reverse("signin:verify"), {"token": current_code(device)})
    assert waiting.status_code == 200
    assert "chờ một phút" in waiting.text
    with time_machine.travel(start + datetime.timedelta(minutes=2)):
        done = client.post(reverse("signin:verify"), {"token": current_code(device)})
    assert done["Location"] == reverse("portal:home")


# --- Every request reads who is signed in afresh (`signin.signed_in`, one query) -------------


def passed_second_step(client, people):
    services.second_factor_install(user=people.bob, key_hex=DEMO_KEY, recovery_codes=["a"])
    password_step(client, "bob")
    device = TOTPDevice.objects.get(user=people.bob)
    client.post(reverse("signin:verify"), {"token": current_code(device)})
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified()
    return device


@pytest.mark.parametrize("revoke", ["deleted", "unconfirmed", "given to another"])
def test_a_revoked_authenticator_ends_the_second_step_on_the_next_request(client, people, revoke):
    device = passed_second_step(client, people)
    if revoke == "deleted":
        device.delete()
    elif revoke == "unconfirmed":
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    else:
        TOTPDevice.objects.filter(pk=device.pk).update(user=people.alice)
    response = client.get(reverse("portal:home"))
    assert not response.wsgi_request.user.is_verified()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert not policy.second_factor_passed(response.wsgi_request.user)


def test_a_session_that_passed_the_step_names_its_device(client, people):
    device = passed_second_step(client, people)
    user = client.get(reverse("portal:home")).wsgi_request.user
    assert user.otp_device.pk == device.pk


def test_a_recovery_code_passes_the_step_on_every_request_after_it(client, people):
    services.second_factor_install(user=people.bob, key_hex=DEMO_KEY, recovery_codes=["abcd-1234"])
    password_step(client, "bob")
    client.post(reverse("signin:verify"), {"token": "abcd-1234"})
    assert client.get(reverse("portal:home")).wsgi_request.user.is_verified()


def test_a_deactivated_account_that_passed_the_step_is_refused_on_the_next_request(client, people):
    passed_second_step(client, people)
    people.bob.is_active = False
    people.bob.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_password_changed_elsewhere_signs_this_session_out(client, people):
    passed_second_step(client, people)
    people.bob.set_password("Bac-Ho-1890-kinh-yeu")
    people.bob.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(client, people):
    passed_second_step(client, people)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("signin:logout"))
    other = Client()  # another browser tab, or a request served by another process
    other.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = other.get(reverse("portal:home"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_who_is_signed_in_is_read_in_one_query(client, people):
    passed_second_step(client, people)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 200
    reads = [q["sql"] for q in ctx.captured_queries if "django_session" not in q["sql"]]
    assert len(reads) == 1
    assert "otp_totp_totpdevice" in reads[0] and "notifications_notification" in reads[0]


def test_the_unread_count_is_read_afresh_on_every_request(client, people):
    passed_second_step(client, people)
    page = reverse("accounts:password_change")
    assert client.get(page).context["unread_reminders"] == 0
    reminder = Notification.objects.create(user=people.bob, rule="r", period="2026", step="1")
    Notification.objects.create(user=people.alice, rule="r", period="2026", step="1")
    assert client.get(page).context["unread_reminders"] == 1
    reminder.read_at = timezone.now()
    reminder.save()
    assert client.get(page).context["unread_reminders"] == 0
