"""Collective contents count in the catalogue's indicators like plan items: offered from the
unit's catalogue, checked again by the service, counted in the indicator's unit, and added up
the tree together with the plan items of the same indicator (unit page, reviews, their PDF).

    Huyện ủy Mường La ─ Chi bộ Khối Đảng: alice (an item: 100 lượt, 70 reached)
                      ├ Chi bộ bản Nà Lốc: charlie (an item: 50 lượt, 20 reached)
                      └ Đảng ủy xã Nậm Păm: a model of its registration (200 lượt, 150 reached)
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from registry.access.models import RoleAssignment
from registry.collective import services
from registry.collective.models import Content
from registry.collective.selectors import indicator_totals
from registry.core.periods import Period
from registry.indicators.models import Indicator
from registry.pledges import services as pledges
from registry.reviews import services as reviews

from ..factories import (
    TZ,
    D,
    UserFactory,
    approved_plan,
    at,
    collective_registration,
    give_role,
    make_unit,
    pass_second_factor,
)
from ..pdfs import flat, needs_poppler, pages, save
from .test_life_cycle import edit_data

TIEP = "Lượt công dân được tiếp"


@pytest.fixture
def catalogue(tree):
    return SimpleNamespace(
        tiep=Indicator.objects.create(name=TIEP, unit="Lượt", code="tiep-dan", position=1),
        elsewhere=Indicator.objects.create(
            name="Buổi tuyên truyền ở Yên Bái",
            unit="buổi",
            code="yen-bai-tuyen-truyen",
            scope=make_unit("Tỉnh ủy Yên Bái", "tinh_uy", code="yen-bai"),
        ),
    )


@pytest.fixture
def commune(tree):
    unit = make_unit("Đảng ủy xã Nậm Păm", "dang_uy_xa", tree.district)
    secretary = UserFactory(username="bithu_nampam")
    give_role(secretary, unit, RoleAssignment.Role.SECRETARY)
    return SimpleNamespace(unit=unit, secretary=secretary)


def _item(action, indicator, target):
    return {"action": action, "indicator": indicator.pk, "target_value": target}


def _report(plan, quarter, value, on):
    return pledges.report_file(
        item=plan.items.get(position=1),
        quarter=quarter,
        actor=plan.member.user,
        status="in_progress",
        value_reached=Decimal(value),
        at=on,
        confirmed=True,
    )


@pytest.fixture
def district_results(tree, people, programme_2026, catalogue, commune):
    alice = approved_plan(
        people.alice_member,
        people.alice,
        people.root,
        items=[_item("Tiếp công dân", catalogue.tiep, 100)],
    )
    charlie = approved_plan(
        people.charlie_member,
        people.charlie,
        people.root,
        items=[_item("Tiếp dân ở bản", catalogue.tiep, 50)],
    )
    _report(alice, 1, 30, at(2026, 3, 20))
    _report(alice, 2, 70, at(2026, 6, 20))
    _report(charlie, 2, 20, at(2026, 6, 21))
    registration = collective_registration(
        commune.unit,
        commune.secretary,
        contents=[
            {
                "kind": "model",
                "title": "Mô hình “Dân vận khéo” trong tiếp công dân",
                "indicator": catalogue.tiep.pk,
                "target_value": Decimal(200),
                "target_unit": "buổi",  # the indicator imposes its own unit
            },
            ("breakthrough", "Cải cách hành chính"),
        ],
        approver=people.olga,
    )
    content = registration.contents.get(position=1)
    services.progress_file(
        content=content,
        quarter=2,
        actor=commune.secretary,
        status="in_progress",
        value_reached=Decimal(150),
        at=at(2026, 6, 22),
    )
    return SimpleNamespace(registration=registration, content=content)


def test_the_indicator_imposes_its_unit_on_the_content(district_results):
    content = district_results.content
    assert (content.indicator.name, content.target_unit) == (TIEP, "lượt")


def test_items_and_a_communes_content_of_the_same_indicator_add_up_per_unit_and_in_all(
    tree, commune, district_results
):
    (tiep,) = indicator_totals(unit=tree.district, period=Period(2026, 2), on=D(2026, 7, 10))
    assert (tiep["items"], tiep["target"], tiep["reached"]) == (3, "350", "240")
    by_unit = {c["name"]: (c["items"], c["target"], c["reached"]) for c in tiep["children"]}
    assert by_unit == {
        "Chi bộ Khối Đảng": (1, "100", "70"),
        "Chi bộ bản Nà Lốc": (1, "50", "20"),
        "Đảng ủy xã Nậm Păm": (1, "200", "150"),
    }
    # The province sees the district's sum as one of its units below.
    (top,) = indicator_totals(unit=tree.province, period=Period(2026, 2), on=D(2026, 7, 10))
    assert [(c["name"], c["target"], c["reached"]) for c in top["children"]] == [
        ("Huyện ủy Mường La", "350", "240")
    ]
    # The commune's own page counts its own content; before its progress, nothing reached.
    (own,) = indicator_totals(unit=commune.unit, period=Period(2026, 2), on=D(2026, 7, 10))
    assert (own["items"], own["target"], own["reached"]) == (1, "200", "150")
    (early,) = indicator_totals(unit=tree.district, period=Period(2026, 1), on=D(2026, 4, 10))
    assert (early["target"], early["reached"]) == ("350", "30")


def test_a_content_not_yet_approved_counts_nothing(tree, people, catalogue, commune):
    collective_registration(
        commune.unit,
        commune.secretary,
        contents=[
            {
                "kind": "model",
                "title": "Mô hình",
                "indicator": catalogue.tiep.pk,
                "target_value": Decimal(9),
            }
        ],
    )  # submitted, not approved
    assert indicator_totals(unit=tree.district, period=Period(2026), on=D(2026, 7, 10)) == []


@needs_poppler
def test_the_district_page_and_its_review_show_the_sum_and_page_and_pdf_agree(
    tree, people, district_results, tmp_path
):
    olga = pass_second_factor(Client(), people.olga)
    with time_machine.travel(datetime.datetime(2026, 7, 10, 9, tzinfo=TZ), tick=False):
        page = olga.get(reverse("units:detail", args=[tree.district.pk]))
    (row,) = page.context["year_results"]["indicators"]
    assert (row["name"], row["target"], row["reached"]) == (TIEP, "350", "240")
    assert "Đảng ủy xã Nậm Păm: 150 / 200 lượt" in page.text

    review, _ = reviews.review_generate(
        unit=tree.district, kind="quarter", year=2026, quarter=2, at=at(2026, 7, 10)
    )
    (stored,) = review.figures["indicators"]
    assert (stored["target"], stored["reached"]) == ("350", "240")
    shown = olga.get(reverse("reviews:detail", args=[review.pk]))
    assert (
        f'<td>{TIEP}</td><td class="c">lượt</td><td class="c">350</td><td class="c">240</td>'
        in (shown.text)
    )
    preview = olga.get(reverse("reviews:preview", args=[review.pk]))
    assert preview["Content-Type"] == "application/pdf"
    content = b"".join(preview.streaming_content) if preview.streaming else preview.content
    printed = flat("\n".join(pages(save(content, tmp_path))))
    assert f"{TIEP} lượt 350 240" in printed, printed


def test_the_roll_up_shows_the_same_sum_and_a_new_report_changes_it(
    tree, people, commune, district_results
):
    olga = pass_second_factor(Client(), people.olga)
    url = reverse("units:rollup", args=[tree.district.pk]) + "?year=2026&q=3"
    with time_machine.travel(datetime.datetime(2026, 7, 10, 9, tzinfo=TZ), tick=False):
        page = olga.get(url)
        (row,) = page.context["indicators"]
        assert (row["name"], row["target"], row["reached"]) == (TIEP, "350", "240")
        assert "Đảng ủy xã Nậm Păm: 150 / 200 lượt" in page.text
        # The page is kept between requests; a report filed afterwards shows at once.
        services.progress_file(
            content=district_results.content,
            quarter=3,
            actor=commune.secretary,
            status="in_progress",
            value_reached=Decimal(180),
            at=at(2026, 7, 10),
        )
        assert "Đảng ủy xã Nậm Păm: 180 / 200 lượt" in olga.get(url).text


def test_the_form_offers_the_units_catalogue_and_the_service_refuses_another_provinces(
    tree, people, catalogue, commune, programme_2026
):
    secretary = pass_second_factor(Client(), commune.secretary)
    draft = services.registration_create(unit=commune.unit, year=2026, actor=commune.secretary)
    edit = reverse("collective:edit", args=[draft.pk])
    form = secretary.get(edit).text
    assert TIEP in form and "Buổi tuyên truyền ở Yên Bái" not in form
    response = secretary.post(
        edit,
        edit_data(
            {
                "title": "Tiếp công dân định kỳ",
                "indicator": str(catalogue.tiep.pk),
                "target_value": "24",
                "target_unit": "buổi",
            }
        ),
    )
    assert response.status_code == 302
    content = Content.objects.get(registration=draft)
    assert (content.indicator_id, content.target_unit) == (catalogue.tiep.pk, "lượt")

    # A forged choice of another province's indicator is refused on the form and saves nothing.
    response = secretary.post(
        edit,
        edit_data(
            {
                "id": str(content.pk),
                "title": "Tuyên truyền",
                "indicator": str(catalogue.elsewhere.pk),
            },
            initial=1,
        ),
    )
    assert response.status_code == 200
    content.refresh_from_db()
    assert content.title == "Tiếp công dân định kỳ"
    with pytest.raises(ValidationError) as refused:
        services.registration_save(
            registration=draft,
            actor=commune.secretary,
            plan_number="06-KH/ĐU",
            plan_date=None,
            summary="",
            contents=[{"kind": "model", "title": "Tuyên truyền", "indicator": catalogue.elsewhere}],
        )
    assert "Nội dung 1:" in " ".join(refused.value.messages)
    content.refresh_from_db()
    assert content.indicator_id == catalogue.tiep.pk
