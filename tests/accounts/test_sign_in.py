import pytest
from django.urls import reverse

from ..factories import PASSWORD


def sign_in(client, identifier, password=PASSWORD):
    return client.post(reverse("signin:login"), {"username": identifier, "password": password})


def test_sign_in_with_the_party_card_number(client, people):
    card = people.alice_member.card_number
    response = sign_in(client, card)
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).context["user"] == people.alice


def test_card_number_may_be_typed_with_dots(client, people):
    card = people.alice_member.card_number
    assert sign_in(client, f"{card[:2]}.{card[2:5]}.{card[5:]}").status_code == 302


def test_sign_in_with_email_ignores_case(client, people):
    assert sign_in(client, "ALICE@example.org").status_code == 302


def test_wrong_password_is_explained_in_vietnamese(client, people):
    response = sign_in(client, people.alice_member.card_number, "sai-mat-khau")
    assert response.status_code == 200
    assert "Số thẻ đảng viên (hoặc email) và mật khẩu không khớp" in response.text


@pytest.mark.parametrize("identifier", ["", "99999999", "nobody@example.org"])
def test_unknown_identifiers_do_not_sign_in(client, people, identifier):
    assert sign_in(client, identifier).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_locked_account_is_answered_like_a_wrong_password(client, people):
    wrong = sign_in(client, people.alice_member.card_number, "sai-mat-khau")
    people.alice.is_active = False
    people.alice.save()
    response = sign_in(client, people.alice_member.card_number)
    assert response.status_code == wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors == wrong.context["form"].errors
    assert "Số thẻ đảng viên (hoặc email) và mật khẩu không khớp" in response.text


def test_a_session_of_an_account_locked_later_stops_working(client, people):
    sign_in(client, "alice")
    people.alice.is_active = False
    people.alice.save()
    assert client.get(reverse("portal:home")).status_code == 302


def test_sign_out_and_password_change(client, people):
    sign_in(client, "alice")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Bac-Ho-1890-kinh-yeu",
            "new_password2": "Bac-Ho-1890-kinh-yeu",
        },
    )
    assert response.status_code == 302
    client.post(reverse("signin:logout"))
    assert sign_in(client, "alice", "Bac-Ho-1890-kinh-yeu").status_code == 302


@pytest.mark.parametrize(
    "password",
    ["nguyenvanduc", "NguyenVanDuc!", "Nguyễn Văn Đức", "duc-nguyen-van", "ducnguyen1990!"],
)
def test_a_new_password_like_the_name_without_accents_is_refused(client, people, password):
    sign_in(client, "alice")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert "quá giống với họ tên" in response.text


def test_a_new_password_containing_the_card_number_is_refused(client, people):
    sign_in(client, "alice")
    password = f"Dang-vien-{people.alice_member.card_number}"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert "quá giống với họ tên" in response.text
