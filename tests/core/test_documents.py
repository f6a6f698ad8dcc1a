"""The shared helpers of Party documents: proper names that never break across lines."""

import unicodedata

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from registry.core.documents import NBSP, keep_names, names_in
from registry.units.selectors import document_header


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "phong cách Hồ Chí Minh năm 2026",
            f"phong cách Hồ{NBSP}Chí{NBSP}Minh năm 2026",
        ),
        (
            "PHONG CÁCH HỒ CHÍ MINH NĂM 2026",
            f"PHONG CÁCH HỒ{NBSP}CHÍ{NBSP}MINH NĂM 2026",
        ),
        ("tư tưởng Hồ  Chí\nMinh", f"tư tưởng Hồ{NBSP}Chí{NBSP}Minh"),
        ("nước Việt Nam", f"nước Việt{NBSP}Nam"),
        ("Hồ Chí Minhh và ông Hồ Chí", "Hồ Chí Minhh và ông Hồ Chí"),  # whole names only
        ("", ""),
    ],
)
def test_known_proper_names_are_bound_in_any_case(text, expected):
    assert keep_names(text) == expected


def test_names_typed_with_combining_marks_are_found():
    decomposed = unicodedata.normalize("NFD", "Hồ Chí Minh")
    assert keep_names(decomposed) == f"Hồ{NBSP}Chí{NBSP}Minh"


def test_the_document_adds_its_own_names():
    title = "HUYỆN ỦY MƯỜNG LA VÀ CHI BỘ KHỐI ĐẢNG"
    assert keep_names(title, ["Mường La", "Khối Đảng"]) == (
        f"HUYỆN ỦY MƯỜNG{NBSP}LA VÀ CHI BỘ KHỐI{NBSP}ĐẢNG"
    )


@pytest.mark.parametrize(
    "unit_name, names",
    [
        ("Huyện ủy Mường La", ["Mường La"]),
        ("Chi bộ Khối Đảng", ["Khối Đảng"]),
        ("Chi bộ bản Nà Lốc", ["Nà Lốc"]),
        ("Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh Hà Giang", ["Hà Giang"]),
        ("Tổ đảng số 1", []),
        ("Chi bộ Tổ dân phố 4", []),
    ],
)
def test_proper_names_inside_unit_names(unit_name, names):
    assert names_in(unit_name) == names


def test_the_header_knows_the_names_of_its_units_and_places(tree):
    names = document_header(unit=tree.cell)["names"]
    assert {"Khối Đảng", "Mường La", "Sơn La"} <= set(names)


def test_the_filter_escapes_plain_text_and_keeps_safe_text():
    template = Template("{% load documents %}{{ text|keep_names:names }}")
    plain = template.render(Context({"text": "<b>Hồ Chí Minh</b>", "names": []}))
    assert plain == f"&lt;b&gt;Hồ{NBSP}Chí{NBSP}Minh&lt;/b&gt;"
    safe = template.render(Context({"text": mark_safe("Bà <b>Nà Lốc</b>"), "names": ["Nà Lốc"]}))
    assert safe == f"Bà <b>Nà{NBSP}Lốc</b>"
