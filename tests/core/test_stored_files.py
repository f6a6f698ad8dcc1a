"""Stored files (issue 13, point 1): every download of an uploaded or rendered file goes through
`core.files.serve_stored`. A file the storage has lost answers the site's 404 page in
Vietnamese, never a 500; a file still there is private, never cached, never sniffed, and
offered under its Vietnamese name."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from registry.cells.models import RegistrationBook
from registry.core.files import safe_filename
from registry.practices.models import Booklet

from ..access.test_every_url import victim  # noqa: F401  (the objects of one cell)
from ..factories import pass_second_factor

# Each kind of download: (URL name, the object's field in `victim`, its file field, who may
# download it).
DOWNLOADS = [
    ("pledges:evidence", "evidence", "file", "alice"),
    ("collective:plan_file", "registration", "plan_file", "bob"),
    ("collective:evidence", "collective_evidence", "file", "bob"),
    ("commendations:deed_evidence", "deed", "evidence", "bob"),
    ("practices:evidence", "practice_evidence", "file", "bob"),
    ("practices:booklet_download", "booklet", "file", "olga"),
    ("cells:book_download", "book", "file", "bob"),
    ("reviews:download", "export", "file", "bob"),
    ("exports:download", "table_export", "file", "bob"),
]


def _ready(victim):  # noqa: F811
    """The booklet and the book of the victim's cell failed; here they were rendered."""
    Booklet.objects.filter(pk=victim.booklet.pk).update(
        status=Booklet.Status.READY, filename="Tập mô hình 2026.pdf"
    )
    RegistrationBook.objects.filter(pk=victim.book.pk).update(
        status=RegistrationBook.Status.READY, filename="Sổ đăng ký 2026.pdf"
    )


@pytest.mark.parametrize(("name", "attr", "field", "who"), DOWNLOADS)
def test_a_file_gone_from_storage_answers_404_not_500(victim, people, name, attr, field, who):  # noqa: F811
    _ready(victim)
    obj = getattr(victim, attr)
    obj.refresh_from_db()
    url = reverse(name, args=[obj.pk])
    client = pass_second_factor(Client(), getattr(people, who))
    client.cookies["django_language"] = "vi"

    response = client.get(url)
    assert response.status_code == 200, name
    assert b"".join(response.streaming_content)  # read whole: the test client closes it

    stored = getattr(obj, field)
    stored.storage.delete(stored.name)
    assert not stored.storage.exists(stored.name)

    response = client.get(url)  # the test client raises what a 500 would have hidden
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.parametrize(("name", "attr", "field", "who"), DOWNLOADS)
def test_every_download_is_private_unsniffed_and_an_attachment(
    victim,  # noqa: F811
    people,
    name,
    attr,
    field,
    who,
):
    _ready(victim)
    obj = getattr(victim, attr)
    client = pass_second_factor(Client(), getattr(people, who))
    response = client.get(reverse(name, args=[obj.pk]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"].startswith("attachment;")
    b"".join(response.streaming_content)  # read whole: the test client closes it


def test_a_vietnamese_name_is_offered_whole_and_a_dangerous_one_made_harmless(
    victim,  # noqa: F811
    people,
):
    _ready(victim)
    bob = pass_second_factor(Client(), people.bob)
    response = bob.get(reverse("cells:book_download", args=[victim.book.pk]))
    assert f"filename*=utf-8''{quote('Sổ đăng ký 2026.pdf')}" in response["Content-Disposition"]
    b"".join(response.streaming_content)  # read whole: the test client closes it

    export = victim.export
    export.filename = '..\\..\\bao "cao"\r\nX-Evil: 1.pdf'
    export.file.save("bao-cao-2.pdf", ContentFile(b"%PDF-1.4\n%%EOF"))
    response = bob.get(reverse("reviews:download", args=[export.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="bao _cao_X-Evil_ 1.pdf"'
    assert "X-Evil" not in response.headers
    b"".join(response.streaming_content)  # read whole: the test client closes it


def test_safe_filename():
    assert safe_filename("Báo cáo 12-BC/CB.pdf") == "Báo cáo 12-BC-CB.pdf"
    assert safe_filename("../../etc/passwd") == "etc-passwd"
    assert safe_filename("Kế hoạch: rèn luyện?.docx") == "Kế hoạch_ rèn luyện_.docx"
    assert safe_filename("\x00\x1f") == "tep"
    assert safe_filename("") == "tep"
    long = safe_filename("a" * 400 + ".pdf")
    assert len(long) == 150 and long.endswith(".pdf")
