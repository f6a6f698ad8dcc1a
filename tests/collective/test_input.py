"""Bad input gets a Vietnamese message on the form and writes nothing."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from registry.collective import services
from registry.collective.models import Content, Evidence
from registry.programmes.selectors import programme_for

from ..factories import at, collective_registration
from ..pledges.conftest import html_disguised_as_jpeg, jpeg
from .test_life_cycle import edit_data


@pytest.fixture
def draft(tree, people):
    return services.registration_create(unit=tree.cell, year=2026, actor=people.bob)


@pytest.fixture
def bob(people):
    from ..factories import pass_second_factor

    return pass_second_factor(Client(), people.bob)


def _edit(bob, draft, data):
    response = bob.post(reverse("collective:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.plan_number, draft.plan_file.name) == ("", "")
    assert not Content.objects.filter(registration=draft).exists()
    return response.text


def test_a_number_not_written_as_on_the_plan_is_refused(bob, draft, in_april):
    text = _edit(bob, draft, edit_data({"title": "Mô hình"}, plan_number="KH 06"))
    assert "Hãy ghi số như trên kế hoạch, ví dụ 06-KH/CB" in text


def test_a_deadline_in_another_year_and_a_disguised_file_save_nothing(bob, draft, in_april):
    data = edit_data({"title": "Mô hình", "deadline": "2027-03-01"})
    data["plan_file"] = html_disguised_as_jpeg()
    text = _edit(bob, draft, data)
    assert "Nội dung 1: Thời hạn phải nằm trong năm 2026." in text
    assert "Tệp “anh.jpg” không thuộc loại được nhận" in text


def test_a_number_with_a_decimal_point_is_refused_with_the_spelling_to_use(bob, draft, in_april):
    text = _edit(
        bob, draft, edit_data({"title": "Mô hình", "target_value": "98.5", "target_unit": "%"})
    )
    assert "98,5" in text


def test_a_person_in_charge_from_another_cell_is_refused(tree, people, draft):
    with pytest.raises(ValidationError) as refused:
        services.registration_save(
            registration=draft,
            actor=people.bob,
            plan_number="06-KH/CB",
            plan_date=None,
            summary="",
            contents=[{"kind": "model", "title": "Mô hình", "responsible": people.charlie_member}],
        )
    assert "không sinh hoạt trong tổ chức đảng này" in " ".join(refused.value.messages)
    assert not Content.objects.filter(registration=draft).exists()


def test_a_registration_without_number_or_contents_is_not_submitted(bob, draft, in_april):
    response = bob.post(reverse("collective:submit", args=[draft.pk]), follow=True)
    assert "Trước khi gửi, hãy bổ sung số kế hoạch, ngày ban hành, ít nhất một nội dung." in (
        response.text
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_progress_after_the_quarters_deadline_is_late_and_a_bad_file_saves_nothing(
    tree, people, programme_2026
):
    registration = collective_registration(tree.cell, people.bob, approver=people.olga)
    content = registration.contents.get()
    with pytest.raises(ValidationError):
        services.progress_file(
            content=content,
            quarter=1,
            actor=people.bob,
            status="done",
            files=[jpeg(), html_disguised_as_jpeg()],
            at=at(2026, 4, 10),
        )
    assert not content.progress.exists() and not Evidence.objects.exists()
    progress = services.progress_file(
        content=content, quarter=1, actor=people.bob, status="done", at=at(2026, 4, 10)
    )
    assert progress.is_late  # the programme's deadline for quarter I was 25/03
    with pytest.raises(ValidationError, match="Quý III chưa bắt đầu"):
        services.progress_file(
            content=content, quarter=3, actor=people.bob, status="done", at=at(2026, 4, 10)
        )


def test_the_progress_form_says_the_quarters_deadline_before_anything_is_filed(
    tree, people, programme_2026, bob
):
    registration = collective_registration(tree.cell, people.bob, approver=people.olga)
    content = registration.contents.get()
    deadline = programme_for(unit=tree.cell, year=2026).quarter_deadline(1)
    page = bob.get(reverse("collective:progress", args=[registration.pk, content.pk, 1])).text
    hint = re.search(r'<p class="note deadline-hint">(.*?)</p>', page, re.S)[1]
    assert deadline.strftime("%d/%m/%Y") in hint
    assert "Báo cáo nộp lần đầu sau ngày này được ghi là nộp muộn" in hint
    assert page.index("deadline-hint") < page.index('enctype="multipart/form-data"')
