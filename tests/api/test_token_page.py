"""The person's own tokens on their account pages: made (the secret shown once), listed by
their prefix, revoked; a person who must pass the second sign-in step makes one only from a
session that passed it."""

from django.test import Client
from django.urls import reverse

from registry.api.models import AccessToken

from ..factories import pass_second_factor
from .conftest import Api


def test_a_member_makes_a_token_sees_it_once_and_uses_it(people, login):
    client = login(people.alice)
    page = client.get(reverse("tokens:list"))
    assert "Đồng chí chưa có mã nào." in page.text
    made = client.post(reverse("tokens:list"), {"name": "Sổ tay đảng viên", "days": "90"})
    assert made.status_code == 200
    token = AccessToken.objects.get(user=people.alice)
    secret = made.text.split("data-token-secret>")[1].split("<")[0]
    assert secret.startswith(f"lt_{token.prefix}_")
    assert Api(secret).get("/api/v1/me").json()["username"] == "alice"
    again = client.get(reverse("tokens:list"))
    assert secret not in again.text
    assert f"lt_{token.prefix}_…" in again.text


def test_a_token_is_revoked_by_its_owner_only(people, login):
    client = login(people.alice)
    made = client.post(reverse("tokens:list"), {"name": "Ứng dụng", "days": "30"})
    secret = made.text.split("data-token-secret>")[1].split("<")[0]
    token = AccessToken.objects.get()
    other = Client()
    other.force_login(people.charlie)
    assert other.post(reverse("tokens:revoke", kwargs={"pk": token.pk})).status_code == 404
    assert Api(secret).get("/api/v1/me").status_code == 200
    response = client.post(reverse("tokens:revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    assert Api(secret).get("/api/v1/me").status_code == 401
    assert "Đã thu hồi" in client.get(reverse("tokens:list")).text


def test_a_bad_name_or_lifetime_is_refused_in_vietnamese(people, login):
    client = login(people.alice)
    response = client.post(reverse("tokens:list"), {"name": "", "days": "7"})
    assert AccessToken.objects.count() == 0
    assert "Trường này là bắt buộc" in response.text or "bắt buộc" in response.text


def test_a_secretary_makes_a_token_only_after_the_second_step(people):
    client = Client()
    client.force_login(people.bob)  # signed in without the second step's device
    page = client.get(reverse("tokens:list"))
    assert "cần qua bước xác thực thứ hai" in page.text
    client.post(reverse("tokens:list"), {"name": "Ứng dụng", "days": "30"})
    assert AccessToken.objects.count() == 0
    verified_client = pass_second_factor(Client(), people.bob)
    verified_client.post(reverse("tokens:list"), {"name": "Ứng dụng", "days": "30"})
    assert AccessToken.objects.filter(user=people.bob).count() == 1
