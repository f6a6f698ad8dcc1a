"""A committee compiles a booklet of chosen published practices; the worker renders it as a
Party document with a table of contents; a booklet whose worker died is rendered later, once."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.practices import services
from registry.practices.models import Booklet
from registry.practices.tasks import render_booklet, resend_stalled_booklets

from ..factories import pass_second_factor, published_practice
from ..pdfs import flat, needs_poppler, pages, reading_text, save


@pytest.fixture
def three(world):
    return [
        published_practice(world.cell, world.bob, world.olga, title="Nuôi cá lồng trên lòng hồ"),
        published_practice(
            world.next_cell, world.charlie, world.olga, title="Tổ đảng tự quản bản sạch"
        ),
        published_practice(world.third_cell, world.hana, world.olga, title="Không ghi vào tập"),
    ]


def order(client, world, practices):
    pass_second_factor(client, world.olga)
    return client.post(
        reverse("practices:booklet_new", args=[world.district.pk]),
        {
            "title": "Tập mô hình, cách làm hay năm 2026",
            "year": "2026",
            "practices": [p.pk for p in practices],
        },
    )


@needs_poppler
def test_the_booklet_renders_the_chosen_entries_with_a_table_of_contents(
    world, client, three, eager, django_capture_on_commit_callbacks, tmp_path
):
    services.adoption_record(
        practice=three[0],
        cell=world.next_cell,
        actor=world.charlie,
        adopted_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = order(client, world, three[:2])
    assert done.status_code == 302
    booklet = Booklet.objects.get()
    assert booklet.status == "ready", booklet.error
    page = client.get(reverse("practices:unit", args=[world.district.pk]))
    assert reverse("practices:booklet_download", args=[booklet.pk]) in page.text
    download = client.get(reverse("practices:booklet_download", args=[booklet.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF-")
    path = save(content, tmp_path)
    text = flat(reading_text(path))
    assert "TẬP MÔ HÌNH, CÁCH LÀM HAY" in text and "MỤC LỤC" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "HUYỆN ỦY MƯỜNG LA" in text
    assert "Nuôi cá lồng trên lòng hồ" in text and "Tổ đảng tự quản bản sạch" in text
    assert "Không ghi vào tập" not in text
    printed = pages(path)
    assert len(printed) == 3  # the cover with its contents, then one page per practice
    # each entry of the contents gives the page its section starts on
    lines = printed[0].splitlines()

    def listed_on(title: str) -> str:
        return next(line for line in lines if title in line).split()[-1]

    assert listed_on("1. Nuôi cá lồng trên lòng hồ") == "2"
    assert listed_on("2. Tổ đảng tự quản bản sạch") == "3"
    assert "NUÔI CÁ LỒNG" in printed[1] and "Chi bộ bản Nà Lốc" in flat(printed[1])
    assert "TỔ ĐẢNG TỰ QUẢN" in printed[2]


def test_a_booklet_whose_worker_died_is_rendered_later_exactly_once(
    world, three, eager, django_capture_on_commit_callbacks
):
    with (
        mock.patch("registry.practices.tasks.render_booklet.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        booklet = services.booklet_order(
            committee=world.district,
            actor=world.olga,
            year=2026,
            title="Tập 2026",
            practices=three[:1],
        )
    send.assert_called_once_with((booklet.pk,), retry=False)
    # A worker claimed it and was killed before it finished.
    now = timezone.now()
    Booklet.objects.filter(pk=booklet.pk).update(
        status="rendering",
        requested_at=now - datetime.timedelta(minutes=11),
        started_at=now - datetime.timedelta(minutes=6),
    )
    renders = []
    real = services.booklet_render

    def counting(**kwargs):
        renders.append(kwargs)
        return real(**kwargs)

    with mock.patch.object(services, "booklet_render", side_effect=counting):
        resend_stalled_booklets.apply()  # sends it again: rendered
        render_booklet.apply(args=(booklet.pk,))  # the old message redelivered: nothing to do
        resend_stalled_booklets.apply()  # nothing stalled any more
    booklet.refresh_from_db()
    assert booklet.status == "ready" and booklet.attempts == 1
    assert len(renders) == 2  # two deliveries, one rendering (attempts == 1)


def test_a_failed_booklet_shows_its_reason_and_renders_again_on_retry(
    world, client, three, eager, django_capture_on_commit_callbacks
):
    with (
        mock.patch("registry.practices.pdf.render_pdf", side_effect=OSError("hết dung lượng")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        order(client, world, three[:1])
    booklet = Booklet.objects.get()
    assert booklet.status == "failed" and "hết dung lượng" in booklet.error
    page = client.get(reverse("practices:booklet_status", args=[booklet.pk]))
    assert "Không thành công" in page.text or "hết dung lượng" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("practices:booklet_retry", args=[booklet.pk]))
    booklet.refresh_from_db()
    assert booklet.status == "ready" and booklet.attempts == 2
