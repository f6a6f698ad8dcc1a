"""A way back in without email: the secretary of the person's cell issues a one-time code on
the roster page; the person types card number, code and a new password."""

import datetime

import time_machine
from django.core import mail
from django.urls import reverse

from registry.audit.models import AuditEvent
from registry.signin.models import ResetCode

from ..factories import PASSWORD

NEW = "Hoc-tap-lam-theo-Bac-2026"


def issue_code(client, secretary, cell, member):
    client.force_login(secretary)
    page = client.post(
        reverse("cells:roster_member", args=[cell.pk, member.pk]),
        {"action": "reset_code"},
        follow=True,
    )
    client.logout()
    return page


def code_on(page) -> str:
    return page.context["issued_code"]


def redeem(client, identifier, code, password=NEW):
    return client.post(
        reverse("signin:reset_code"),
        {
            "card_number": identifier,
            "code": code,
            "new_password1": password,
            "new_password2": password,
        },
    )


def signs_in(client, identifier, password) -> bool:
    response = client.post(reverse("signin:login"), {"username": identifier, "password": password})
    client.logout()
    return response.status_code == 302


def test_the_code_sets_a_new_password_once(client, tree, people):
    page = issue_code(client, people.bob, tree.cell, people.alice_member)
    code = code_on(page)
    assert code in page.text and len(code) == 8
    stored = ResetCode.objects.get(user=people.alice)
    assert code not in stored.code_hash  # only its hash is kept
    assert AuditEvent.objects.filter(action="account.reset_code", actor=people.bob).exists()

    card = people.alice_member.card_number
    assert redeem(client, card, code).status_code == 302
    assert signs_in(client, card, NEW)
    again = redeem(client, card, code, password="Mot-mat-khau-khac-2026")
    assert again.status_code == 200 and "không khớp" in again.text
    assert signs_in(client, card, NEW)


def test_the_code_expires(client, tree, people):
    start = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start):
        code = code_on(issue_code(client, people.bob, tree.cell, people.alice_member))
    with time_machine.travel(start + datetime.timedelta(minutes=31)):
        refused = redeem(client, people.alice_member.card_number, code)
    assert refused.status_code == 200
    assert signs_in(client, "alice", PASSWORD)


def test_a_new_code_cancels_the_earlier_one(client, tree, people):
    first = code_on(issue_code(client, people.bob, tree.cell, people.alice_member))
    second = code_on(issue_code(client, people.bob, tree.cell, people.alice_member))
    assert redeem(client, "alice", first).status_code == 200
    assert redeem(client, "alice", second).status_code == 302


def test_wrong_codes_spend_the_code_after_five_tries(client, tree, people):
    code = code_on(issue_code(client, people.bob, tree.cell, people.alice_member))
    wrong = "00000000" if code != "00000000" else "11111111"
    for _ in range(5):
        assert redeem(client, "alice", wrong).status_code == 200
    assert redeem(client, "alice", code).status_code == 200
    assert signs_in(client, "alice", PASSWORD)


def test_wrong_codes_count_towards_the_sign_in_throttle(client, tree, people):
    for _ in range(10):
        redeem(client, "alice", "12345678")
    assert not signs_in(client, "alice", PASSWORD)


def test_the_new_password_follows_the_rules(client, tree, people):
    code = code_on(issue_code(client, people.bob, tree.cell, people.alice_member))
    refused = redeem(client, "alice", code, password="nguyenvanduc")
    assert refused.status_code == 200 and "quá giống" in refused.text
    assert redeem(client, "alice", code).status_code == 302  # the code was not spent


def test_a_secretary_cannot_issue_a_code_outside_the_cell(client, tree, people):
    client.force_login(people.charlie)
    response = client.post(
        reverse("cells:roster_member", args=[tree.cell.pk, people.alice_member.pk]),
        {"action": "reset_code"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("cells:roster_member", args=[tree.next_cell.pk, people.alice_member.pk]),
        {"action": "reset_code"},
    )
    assert response.status_code == 404
    assert not ResetCode.objects.exists()


def test_nobody_issues_a_code_for_themselves_or_for_an_officer_above(client, tree, people):
    from registry.access.models import RoleAssignment

    from ..factories import give_role

    client.force_login(people.bob)
    own = client.get(reverse("cells:roster_member", args=[tree.cell.pk, people.bob_member.pk]))
    assert "reset_code" not in own.text
    give_role(people.alice, tree.district, RoleAssignment.Role.OFFICER)
    refused = client.post(
        reverse("cells:roster_member", args=[tree.cell.pk, people.alice_member.pk]),
        {"action": "reset_code"},
    )
    assert refused.status_code == 404 and not ResetCode.objects.exists()


def test_an_administrator_may_issue_a_code(client, tree, people):
    assert code_on(issue_code(client, people.root, tree.cell, people.alice_member))


def test_the_sign_in_page_leads_to_both_ways_back(client, people):
    page = client.get(reverse("signin:login"))
    assert "Quên mật khẩu?" in page.text
    reset = client.get(reverse("signin:password_reset"))
    assert reverse("signin:reset_code") in reset.text


def test_a_reset_by_email_in_vietnamese(client, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("signin:password_reset"), {"email": "ALICE@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "đồng chí" in message.body and "mật khẩu mới" in message.subject.lower()
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    form_page = client.get(path, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )
    assert done.status_code == 302
    assert signs_in(client, "alice", NEW)


def test_the_code_is_shown_once_and_reloading_issues_no_new_one(client, tree, people):
    page = issue_code(client, people.bob, tree.cell, people.alice_member)
    code = code_on(page)
    assert page.redirect_chain  # shown after a redirect: a reload does not post again
    client.force_login(people.bob)
    again = client.get(reverse("cells:roster_member", args=[tree.cell.pk, people.alice_member.pk]))
    assert again.context["issued_code"] is None and code not in again.text
    assert ResetCode.objects.filter(user=people.alice).count() == 1
    client.logout()
    assert redeem(client, people.alice_member.card_number, code).status_code == 302
