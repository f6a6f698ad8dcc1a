"""The second sign-in step: after the password, a person with an authenticator types its
code or a recovery code; a leader without one is led to set it up; issuing a numbered review
needs a session that passed it."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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
