"""Hints shown before people get an error, read from where each rule is defined: the rating's
score bands (`cells.services.SCORE_BANDS`) and what evidence may be (`pledges.evidence`)."""

from django import template

from registry.cells.services import SCORE_BANDS
from registry.pledges.evidence import limits_text
from registry.pledges.models import Rating

register = template.Library()


@register.simple_tag
def score_bands() -> list[dict]:
    return [
        {"label": Rating(level).label, "low": low, "high": high}
        for level, (low, high) in SCORE_BANDS.items()
    ]


@register.simple_tag
def evidence_limits() -> str:
    return limits_text()
