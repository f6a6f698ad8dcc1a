import datetime

from django.template import Context, Template
from django.utils import translation


def render(source, **context):
    with translation.override("vi"):
        return Template("{% load humanize %}" + source).render(Context(context))


def test_numbers_dates_and_percentages_follow_vietnamese_conventions():
    assert render("{{ n|intcomma }}", n=5770) == "5.770"
    assert render("{{ r|floatformat:1 }}%", r=95.81) == "95,8%"
    assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=datetime.date(2021, 4, 15)) == "15/04/2021"
    assert render("{{ d|date }}", d=datetime.date(2021, 4, 15)) == "15 tháng 4 năm 2021"
