"""Filters for the Party documents printed as PDF (`templates/pdf/`)."""

from django import template
from django.template.defaultfilters import stringfilter

from registry.core import documents

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def keep_names(value: str, names=()) -> str:
    """`{{ title|keep_names:header.names }}`: no line break inside "Hồ Chí Minh" or inside
    the given names (see `registry.core.documents.keep_names`)."""
    return documents.keep_names(value, names or ())
