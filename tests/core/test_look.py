"""The look shared by every page: a chart's figures also as a table (shown instead of the
chart on a phone, never printed in a PDF), the main menu as a list of links that folds on a
phone, and alerts that say what they mean."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from registry.core.charts import Series, stacked_bars

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text(encoding="utf-8")


def test_a_chart_carries_its_figures_as_a_table():
    chart = str(
        stacked_bars(
            categories=["Quý I", "Quý II"],
            series=[
                Series("Hoàn thành", "#1e7b34", [3, 5]),
                Series("Chưa báo cáo", "#f2c230", [1, 0]),
            ],
            title="Tiến độ <theo quý>",
        )
    )
    table = chart.split("</svg>")[1]
    assert 'class="table chart-table"' in table
    assert "<caption>Tiến độ &lt;theo quý&gt;</caption>" in table
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    assert ['<th scope="row">Quý I</th>' in r for r in rows[1:]] == [True, False]
    assert re.findall(r'<td class="num">(\d+)</td>', rows[1]) == ["3", "1"]
    assert re.findall(r'<td class="num">(\d+)</td>', rows[2]) == ["5", "0"]
    assert "<th></th>" not in table  # no empty header cell


def test_on_a_phone_the_table_replaces_the_chart_and_paper_keeps_the_chart():
    phone = CSS[CSS.index("@media (max-width: 39.99rem) {\n  .chart-figure") :]
    assert "svg.chart { display: none; }" in phone.split("}\n}")[0] + "}"
    pdf_css = (Path(settings.BASE_DIR) / "templates" / "pdf" / "_document.html").read_text()
    assert ".chart-table { display: none; }" in pdf_css


def test_the_main_menu_is_a_list_of_links_that_folds(login, people):
    page = login(people.alice).get(reverse("portal:home")).text
    menu = page[page.index('<details class="menu"') : page.index("</details>")]
    assert "<summary>" in menu
    links = re.findall(r'<li><a href="([^"]+)"', menu)
    assert reverse("pledges:my_plan") in links and reverse("reviews:list") in links
    assert "<script" not in menu
    assert "@media (min-width: 60rem)" in CSS and ".menu > summary { display: none; }" in CSS


def test_a_note_that_is_no_error_does_not_wear_the_error_style():
    templates = Path(settings.BASE_DIR) / "templates" / "pledges"
    start = (templates / "_start_body.html").read_text()
    assert '<p class="alert info">' in start
    plan = (templates / "_plan_body.html").read_text()
    assert '<div class="alert warn" role="alert"><strong>{% translate "The cell returned' in plan
    for meaning in (".alert.info", ".alert.success", ".alert.warn", ".msg-error", ".msg-info"):
        assert meaning in CSS
