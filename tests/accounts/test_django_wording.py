"""Django's own texts on the account pages speak Vietnamese to “đồng chí”: its Vietnamese
catalogue leaves some in English and says “bạn”, ours words them again."""

from django.http import HttpRequest
from django.urls import reverse

from ..factories import PASSWORD
from ..text import english_words, says_ban, visible_text


def assert_speaks_to_a_comrade(response):
    # The administration's side bar lists every model; the admin tests check it.
    text = visible_text(response.content.decode(), skip_ids=("nav-sidebar",))
    assert not says_ban(text), text
    assert english_words(text) == set(), text
    return text


def test_the_password_page_explains_the_rules_to_a_comrade(login, people):
    text = assert_speaks_to_a_comrade(login(people.alice).get(reverse("accounts:password_change")))
    assert "Mật khẩu phải có ít nhất 8 ký tự." in text
    assert "Mật khẩu không được giống họ tên, số thẻ đảng viên" in text
    assert "Mật khẩu không được là mật khẩu thông dụng." in text
    assert "Mật khẩu không được chỉ gồm chữ số." in text


def test_a_wrong_old_password_and_a_short_common_numeric_new_one_are_refused_in_vietnamese(
    login, people
):
    client = login(people.alice)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "khong-phai", "new_password1": "1234567", "new_password2": "1234567"},
    )
    assert response.status_code == 200
    text = assert_speaks_to_a_comrade(response)
    assert "Mật khẩu hiện tại không đúng. Đồng chí hãy nhập lại." in text
    assert "Mật khẩu quá ngắn: phải có ít nhất 8 ký tự." in text
    assert "Mật khẩu này quá phổ biến." in text
    assert "Mật khẩu này hoàn toàn là số." in text
    assert client.login(request=HttpRequest(), username="alice", password=PASSWORD)  # unchanged


def test_a_new_password_like_the_user_name_is_refused_in_vietnamese(login, people):
    response = login(people.alice).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "alice2026", "new_password2": "alice2026"},
    )
    text = assert_speaks_to_a_comrade(response)
    assert "Mật khẩu quá giống với" in text


def test_a_wrong_password_at_sign_in_is_explained_to_a_comrade(client, people):
    response = client.post(
        reverse("signin:login"),
        {"username": people.alice_member.card_number, "password": "sai-mat-khau"},
    )
    text = assert_speaks_to_a_comrade(response)
    assert "Số thẻ đảng viên (hoặc email) và mật khẩu không khớp" in text


def test_a_wrong_password_at_the_administration_sign_in_is_explained_to_a_comrade(client, people):
    response = client.post(reverse("admin:login"), {"username": "root", "password": "sai-mat-khau"})
    text = assert_speaks_to_a_comrade(response)
    assert "Hãy nhập đúng" in text


def test_a_member_who_opens_the_administration_is_told_in_vietnamese(login, people):
    response = login(people.alice).get(reverse("admin:index"), follow=True)
    text = assert_speaks_to_a_comrade(response)
    assert "Đồng chí đang đăng nhập bằng tài khoản alice" in text


def test_the_administrators_password_page_speaks_to_a_comrade(login, people):
    client = login(people.root)
    text = assert_speaks_to_a_comrade(client.get(reverse("admin:password_change")))
    assert "Để bảo đảm an toàn, hãy nhập mật khẩu hiện tại" in text
    done = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Bac-Ho-1890-kinh-yeu",
            "new_password2": "Bac-Ho-1890-kinh-yeu",
        },
        follow=True,
    )
    assert "Mật khẩu của đồng chí đã được thay đổi." in assert_speaks_to_a_comrade(done)
