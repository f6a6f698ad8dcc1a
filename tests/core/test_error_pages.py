from django.test import Client
from django.urls import reverse


def test_a_404_is_a_vietnamese_page(login, people):
    response = login(people.alice).get("/units/999999/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert 'lang="vi"' in response.text


def test_an_expired_form_is_explained(people):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("signin:login"), {"username": "alice", "password": "x"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in response.text
