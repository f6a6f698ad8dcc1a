"""`{% load numbers %}` … `{{ item.target_value|vn_number }}`: 98,5 — 1.234,5 — 4."""

from django import template

from registry.core.numbers import format_number

register = template.Library()


@register.filter
def vn_number(value) -> str:
    """A number the Vietnamese way, without trailing zeros (never "4.00")."""
    return format_number(value)
