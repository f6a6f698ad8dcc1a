"""Which indicators a unit may use: the nationwide ones and those of its province."""

from django.db.models import Q

from registry.units.models import Unit

from .models import Indicator


def province_path(unit: Unit) -> str:
    """The path of the unit's province-level unit (the root of its branch), without a query."""
    return unit.path[: Unit.steplen]


def indicators_for(*, unit: Unit, include=()):
    """Active indicators available to `unit` (nationwide, and its province's), in order; plus
    the ids in `include` (an item keeps an indicator chosen before it was retired). One query."""
    available = Q(is_active=True) & (Q(scope__isnull=True) | Q(scope__path=province_path(unit)))
    ids = [pk for pk in include if pk]
    return Indicator.objects.filter(available | Q(pk__in=ids) if ids else available)


def is_available(*, indicator: Indicator, unit: Unit) -> bool:
    """May an item of a plan made in `unit` pick `indicator`? (no query)"""
    return indicator.is_active and (
        indicator.scope_id is None or indicator.scope.path == province_path(unit)
    )
