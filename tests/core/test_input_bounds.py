"""Input bounds: years and quarters out of the programme's range, control characters and
over-long texts answer without a 500 and save nothing (issue 11, point 5)."""

import pytest
from django.urls import reverse

from registry.core.forms import TEXT_MAX
from registry.core.periods import parse_quarter, parse_year
from registry.pledges.models import Plan, PlanComment

from ..factories import submitted_plan

BAD_YEARS = ["0", "-5", "99999", "abc", "2026.0", "²⁰²⁶", " ", "1e3", "20260000000000000000000"]


@pytest.mark.parametrize("raw", BAD_YEARS)
def test_a_year_outside_the_programme_is_no_year(raw):
    assert parse_year(raw) is None


@pytest.mark.parametrize("raw", ["0", "5", "7", "-1", "IV", "abc", "³"])
def test_a_quarter_outside_one_to_four_is_no_quarter(raw):
    assert parse_quarter(raw) is None


def test_years_and_quarters_of_the_programme_are_read():
    assert parse_year("2026") == 2026
    assert parse_year(2016) == 2016
    assert parse_quarter("4") == 4


@pytest.mark.parametrize("raw", BAD_YEARS)
@pytest.mark.parametrize("page", ["cells:dashboard", "cells:ratings"])
def test_the_cell_pages_answer_404_for_a_bad_year(tree, login, people, programme_2026, page, raw):
    url = reverse(page, args=[tree.cell.pk])
    assert login(people.bob).get(url, {"year": raw}).status_code == 404


@pytest.mark.parametrize("raw", ["0", "5", "7", "-1", "IV"])
def test_the_cell_overview_and_its_lists_answer_404_for_a_bad_quarter(
    tree, login, people, programme_2026, raw
):
    client = login(people.bob)
    cell = tree.cell
    assert client.get(reverse("cells:dashboard", args=[cell.pk]), {"q": raw}).status_code == 404
    url = reverse("cells:list", args=[cell.pk, "not-registered"])
    assert client.get(url, {"q": raw, "year": "2026"}).status_code == 404


def test_the_cell_overview_reads_a_good_year_and_quarter(tree, login, people, programme_2026):
    url = reverse("cells:dashboard", args=[tree.cell.pk])
    assert login(people.bob).get(url, {"year": "2026", "q": "3"}).status_code == 200


@pytest.mark.parametrize("year", [0, 2015, 2101, 9999, 99999])
def test_my_plan_of_a_year_outside_the_programme_is_404(login, people, programme_2026, year):
    url = reverse("pledges:my_plan_year", args=[year])
    assert login(people.alice).get(url).status_code == 404


@pytest.mark.parametrize("year", [0, 99999, 2101])
def test_the_board_of_a_year_outside_the_programme_is_404(
    tree, login, people, programme_2026, year
):
    url = reverse("pledges:board_cell", args=[tree.cell.pk, year])
    assert login(people.alice).get(url).status_code == 404


@pytest.mark.parametrize("raw", ["0", "-5", "99999", "abc", ""])
def test_no_plan_is_started_for_a_year_outside_the_programme(login, people, programme_2026, raw):
    response = login(people.alice).post(reverse("pledges:start"), {"year": raw})
    assert response.status_code == 404
    assert not Plan.objects.exists()


def test_a_plan_is_started_for_a_year_of_the_programme(login, people, programme_2026):
    response = login(people.alice).post(reverse("pledges:start"), {"year": "2026"})
    assert response.status_code == 302
    assert Plan.objects.get().year == 2026


def test_the_service_refuses_a_year_outside_the_programme(people, programme_2026):
    from django.core.exceptions import ValidationError

    from registry.pledges import services

    with pytest.raises(ValidationError, match="2016"):
        services.plan_create(member=people.alice_member, year=99999, actor=people.alice)
    assert not Plan.objects.exists()


@pytest.mark.parametrize("quarter", [0, 5, 7])
def test_a_report_for_quarter_seven_is_404(login, people, programme_2026, quarter):
    plan = submitted_plan(people.alice_member, people.alice)
    item = plan.items.get()
    url = reverse("pledges:report", args=[plan.pk, item.pk, quarter])
    assert login(people.alice).get(url).status_code == 404
    assert login(people.alice).post(url, {"status": "done"}).status_code == 404


@pytest.mark.parametrize("raw", ["abc", "²", "-1", "99999999999999999999999"])
def test_a_bad_party_group_or_page_number_is_ignored(tree, login, people, programme_2026, raw):
    cell = tree.cell
    client = login(people.bob)
    assert client.get(reverse("cells:dashboard", args=[cell.pk]), {"group": raw}).status_code == 200
    assert client.get(reverse("units:detail", args=[cell.pk]), {"page": raw}).status_code == 200


@pytest.mark.parametrize("text", ["Nguy\x00ễn", "a\x1bb", "\x7f", "x\x85y"])
def test_a_control_character_in_a_search_is_refused_with_a_page_that_says_why(
    tree, login, people, text
):
    response = login(people.bob).get(reverse("units:detail", args=[tree.cell.pk]), {"q": text})
    assert response.status_code == 400
    assert "Không có gì được lưu" in response.text


def test_a_nul_byte_in_a_comment_is_refused_and_nothing_is_saved(login, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    response = login(people.bob).post(
        reverse("cells:plan_review", args=[plan.pk]), {"action": "comment", "text": "Tốt\x00"}
    )
    assert response.status_code == 400
    assert not PlanComment.objects.exists()


def test_a_nul_byte_in_a_field_name_is_refused(login, people, programme_2026):
    response = login(people.alice).post(reverse("pledges:start"), {"year": "2026", "x\x00": "1"})
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_tabs_and_new_lines_in_a_text_area_are_kept(login, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    login(people.bob).post(
        reverse("cells:plan_review", args=[plan.pk]),
        {"action": "comment", "text": "Một:\r\n\tbổ sung số liệu"},
    )
    assert PlanComment.objects.get().text == "Một:\r\n\tbổ sung số liệu"


def test_an_over_long_comment_is_refused_with_a_vietnamese_message(login, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    response = login(people.bob).post(
        reverse("cells:plan_review", args=[plan.pk]),
        {"action": "comment", "text": "a" * (TEXT_MAX + 1)},
        follow=True,
    )
    assert f"Nội dung này tối đa {TEXT_MAX} ký tự" in response.text
    assert not PlanComment.objects.exists()


def test_an_over_long_text_in_a_form_is_refused_with_a_vietnamese_message(
    login, people, programme_2026
):
    plan = submitted_plan(people.alice_member, people.alice)
    response = login(people.alice).post(
        reverse("pledges:self_assessment", args=[plan.pk]),
        {"text": "x" * (TEXT_MAX + 1), "rating": "tot"},
    )
    assert response.status_code == 200
    assert f"Nội dung này tối đa {TEXT_MAX} ký tự" in response.text
    plan.refresh_from_db()
    assert plan.self_assessment == ""


def test_a_value_longer_than_any_field_is_refused_before_the_view(tree, login, people, settings):
    response = login(people.bob).get(
        reverse("units:detail", args=[tree.cell.pk]),
        {"q": "a" * (settings.MAX_VALUE_CHARS + 1)},
    )
    assert response.status_code == 400


def test_every_form_of_the_site_bounds_its_texts():
    """A new form must inherit `BoundedTextMixin` (and so every text field has a limit)."""
    import importlib
    import inspect
    from pathlib import Path

    from django import forms
    from django.conf import settings

    from registry.core.forms import BoundedTextMixin

    unbounded = []
    for path in sorted((Path(settings.BASE_DIR) / "registry").glob("*/forms.py")):
        module = importlib.import_module(f"registry.{path.parent.name}.forms")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                cls.__module__ == module.__name__
                and issubclass(cls, forms.BaseForm)
                and not issubclass(cls, BoundedTextMixin)
            ):
                unbounded.append(f"{module.__name__}.{name}")
    assert unbounded == []
