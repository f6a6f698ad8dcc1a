import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from registry.accounts.backends import find_user_by_identifier


@pytest.fixture
def seeded(db, settings):
    settings.DEMO_MODE = True
    call_command("load_seeds", verbosity=0)


@pytest.fixture
def as_demo(client, settings):
    def _as(identifier):
        assert client.login(
            request=HttpRequest(), username=identifier, password=settings.DEMO_PASSWORD
        )
        return client

    return _as


@time_machine.travel(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC))
@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        (
            "94763812",
            ["Chi bộ Khối Đảng", "Tổ đảng số 2", "Chương trình năm 2026", "hai cấp gần dân"],
        ),
        ("78354851", ["Bí thư", "Chi bộ Khối Đảng", "tổng quan, kế hoạch"]),
        ("50391767", ["Phó Bí thư", "Chi bộ Khối Đảng"]),
        ("80905226", ["Chi ủy viên, cấp ủy viên", "Chi bộ Khối Đảng"]),
        ("80762955", ["Bí thư", "Chi bộ C5"]),
        ("huyenuy.muongla", ["Cán bộ theo dõi của cấp ủy", "Huyện ủy Mường La"]),
        ("tinhuy.sonla", ["Cán bộ theo dõi của cấp ủy", "Tỉnh ủy Sơn La"]),
        ("admin", ["Quản trị viên"]),
    ],
)
def test_every_demo_role_signs_in_and_sees_its_own_home(seeded, as_demo, identifier, expected):
    response = as_demo(identifier).get(reverse("portal:home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    for text in expected:
        assert text in response.text, text


@time_machine.travel(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC))
def test_home_shows_the_inherited_registration_window_in_vietnamese_format(seeded, as_demo):
    response = as_demo("94763812").get(reverse("portal:home"))
    # Mường La extends the window to 15/04/2026; the nationwide row opens it
    assert "15/04/2026" in response.text
    assert "đã hết hạn" in response.text
    assert response.context["registration_state"] == "closed"


def test_browser_language_does_not_override_vietnamese(seeded, client):
    response = client.get(reverse("signin:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.text


def test_english_is_available_on_request(seeded, client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("signin:login"))
    assert "Party card number, email or user name" in response.text
    assert response["Content-Language"] == "en"


def test_demo_users_are_linked_to_their_members(seeded):
    assert find_user_by_identifier("94763812").member.full_name == "Nguyễn Văn Đức"
