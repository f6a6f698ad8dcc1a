import datetime

import pytest
from django.core.exceptions import ValidationError

from registry.programmes.models import Programme
from registry.programmes.selectors import programme_for

D = datetime.date


@pytest.fixture
def programmes(tree):
    Programme.objects.create(
        year=2026,
        name="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        theme="",
        registration_opens=D(2026, 1, 10),
        registration_closes=D(2026, 3, 31),
        q1_deadline=D(2026, 3, 25),
        q2_deadline=D(2026, 6, 25),
        q3_deadline=D(2026, 9, 25),
        q4_deadline=D(2026, 12, 15),
    )
    Programme.objects.create(
        year=2026, scope=tree.province, theme="Chuyên đề của tỉnh", q4_deadline=D(2026, 12, 5)
    )
    Programme.objects.create(year=2026, scope=tree.district, registration_closes=D(2026, 4, 15))


def test_fields_are_inherited_one_by_one_from_the_nearest_level(tree, programmes):
    p = programme_for(unit=tree.group1, year=2026)
    assert p.theme == "Chuyên đề của tỉnh"
    assert p.sources["theme"] == tree.province
    assert p.registration_opens == D(2026, 1, 10)
    assert p.registration_closes == D(2026, 4, 15)
    assert p.q4_deadline == D(2026, 12, 5)
    assert p.q1_deadline == D(2026, 3, 25)


def test_a_unit_outside_an_override_gets_the_nationwide_values(tree, programmes):
    p = programme_for(unit=tree.far_cell, year=2026)
    assert p.registration_closes == D(2026, 3, 31)
    assert p.theme == "Chuyên đề của tỉnh"  # Vân Hồ is still in the province
    assert programme_for(unit=None, year=2026).theme == ""


def test_the_programme_is_read_in_one_query(tree, programmes, django_assert_num_queries):
    with django_assert_num_queries(1):
        programme_for(unit=tree.group2, year=2026)


def test_a_year_without_programme_says_so(tree):
    p = programme_for(unit=tree.cell, year=2030)
    assert not p.exists
    assert p.registration_state(D(2030, 2, 1)) == "unset"


def test_registration_state_follows_the_window(tree, programmes):
    p = programme_for(unit=tree.cell, year=2026)
    assert p.registration_state(D(2026, 1, 9)) == "upcoming"
    assert p.registration_state(D(2026, 4, 15)) == "open"
    assert p.registration_state(D(2026, 4, 16)) == "closed"


def test_window_must_not_close_before_it_opens(tree):
    bad = Programme(year=2027, registration_opens=D(2027, 3, 1), registration_closes=D(2027, 1, 1))
    with pytest.raises(ValidationError, match="không được trước ngày bắt đầu"):
        bad.full_clean()
