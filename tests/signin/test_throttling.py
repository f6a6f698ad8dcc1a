"""Sign-in throttling: ten wrong passwords within the window lock the account out; a locked
out attempt, even with the right password, is answered exactly as a wrong password is."""

import datetime

import time_machine
from django.core.management import call_command
from django.urls import reverse

from ..factories import PASSWORD

WRONG = "sai-mat-khau"


def sign_in(client, identifier, password=PASSWORD, **extra):
    return client.post(
        reverse("signin:login"), {"username": identifier, "password": password}, **extra
    )


def answer(response) -> tuple:
    """What a person sees of a refused sign-in: the status, the form's errors."""
    return response.status_code, response.context["form"].errors


def test_the_eleventh_wrong_password_gets_the_same_answer_and_the_right_one_is_refused(
    client, people
):
    card = people.alice_member.card_number
    first = sign_in(client, card, WRONG)
    for _ in range(9):
        sign_in(client, card, WRONG)
    eleventh = sign_in(client, card, WRONG)
    assert answer(eleventh) == answer(first)
    assert "không khớp" in eleventh.text
    right = sign_in(client, card)
    assert answer(right) == answer(first)
    assert "_auth_user_id" not in client.session


def test_nine_wrong_passwords_do_not_lock_and_a_success_clears_them(client, people):
    for _ in range(9):
        sign_in(client, "alice", WRONG)
    assert sign_in(client, "alice").status_code == 302
    client.post(reverse("signin:logout"))
    for _ in range(9):
        sign_in(client, "alice", WRONG)
    assert sign_in(client, "alice").status_code == 302


def test_the_account_is_locked_whatever_spelling_or_address_is_used(client, people):
    card = people.alice_member.card_number
    for n in range(10):
        sign_in(client, f"{card[:2]}.{card[2:]}", WRONG, REMOTE_ADDR=f"10.0.0.{n}")
    refused = sign_in(client, "ALICE@example.org", REMOTE_ADDR="10.0.1.1")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session


def test_another_account_from_the_same_address_still_signs_in(client, people):
    for _ in range(10):
        sign_in(client, "alice", WRONG)
    assert sign_in(client, people.charlie_member.card_number).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, people):
    with time_machine.travel(datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC)):
        for _ in range(10):
            sign_in(client, "alice", WRONG)
        assert sign_in(client, "alice").status_code == 200
    with time_machine.travel(datetime.datetime(2026, 5, 4, 8, 16, tzinfo=datetime.UTC)):
        assert sign_in(client, "alice").status_code == 302


def test_an_administrator_unlocks_with_a_command(client, people):
    for _ in range(10):
        sign_in(client, "alice", WRONG)
    call_command("axes_reset_username", "alice", verbosity=0)
    assert sign_in(client, "alice").status_code == 302


def test_the_administration_sign_in_is_throttled_too(client, people):
    url = reverse("admin:login")
    first = client.post(url, {"username": "root", "password": WRONG})
    for _ in range(10):
        client.post(url, {"username": "root", "password": WRONG})
    locked = client.post(url, {"username": "root", "password": PASSWORD})
    assert locked.status_code == first.status_code == 200
    assert "_auth_user_id" not in client.session
