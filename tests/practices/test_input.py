"""Bad input is refused with Vietnamese messages on the form, never a crash."""

from django.urls import reverse

from registry.practices.models import Practice

from ..factories import pass_second_factor, proposed_practice, published_practice
from ..pledges.conftest import html_disguised_as_jpeg


def test_an_empty_proposal_says_what_is_missing(world, client):
    pass_second_factor(client, world.bob)
    page = client.post(
        reverse("practices:propose", args=[world.cell.pk]),
        {"title": "  ", "field": "nope", "year": "12", "source": "breakthrough"},
    )
    assert page.status_code == 200
    text = page.text
    assert "Trường này là bắt buộc" in text
    assert "Hãy chọn một lựa chọn hợp lệ" in text
    assert "Giá trị phải lớn hơn hoặc bằng 2016" in text
    assert not Practice.objects.exists()


def test_the_service_words_its_refusals_in_vietnamese(world, client):
    pass_second_factor(client, world.bob)
    page = client.post(
        reverse("practices:propose", args=[world.cell.pk]),
        {
            "title": "Mô hình",
            "field": "economy",
            "year": "2026",
            "source": "breakthrough",
            "description": "Cách làm",
            "results": "Kết quả",
            "files": [html_disguised_as_jpeg()],
        },
    )
    assert page.status_code == 200
    assert "Chọn một việc đột phá" in page.text
    assert "“anh.jpg”" in page.text
    assert not Practice.objects.exists()


def test_declining_without_a_reason_is_refused(world, client):
    practice = proposed_practice(world.cell, world.bob)
    pass_second_factor(client, world.olga)
    page = client.post(reverse("practices:decide", args=[practice.pk]), {"action": "decline"})
    assert page.status_code == 400
    assert "Nêu lý do" in page.text
    practice.refresh_from_db()
    assert practice.status == "proposed"


def test_an_adoption_in_the_future_is_refused(world, client):
    practice = published_practice(world.cell, world.bob, world.olga)
    pass_second_factor(client, world.charlie)
    page = client.post(
        reverse("practices:adopt", args=[practice.pk]),
        {"cell": world.next_cell.pk, "adopted_on": "2999-01-01"},
    )
    assert page.status_code == 400
    assert "tương lai" in page.text
    assert not practice.adoptions.exists()


def test_a_booklet_without_entries_is_refused(world, client):
    pass_second_factor(client, world.olga)
    page = client.post(
        reverse("practices:booklet_new", args=[world.district.pk]),
        {"title": "Tập", "year": "2026"},
    )
    assert page.status_code == 200
    assert "bắt buộc" in page.text
