"""Read-side queries on the organisation tree. Each runs a fixed number of SQL queries,
whatever the depth of the tree."""

from registry.core.documents import names_in

from .models import EthicalStandard, Unit


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    """Root first. One query (the ancestor paths are computed from the unit's own path)."""
    paths = unit.ancestor_paths()
    if not paths:
        return []
    return list(Unit.objects.filter(path__in=paths).order_by("depth"))


def standards_for_unit(*, unit: Unit) -> list[EthicalStandard]:
    """The unit's own ethical standards and those of every unit above it, top first."""
    return list(
        EthicalStandard.objects.filter(unit__path__in=[*unit.ancestor_paths(), unit.path])
        .select_related("unit")
        .order_by("unit__depth", "position")
    )


def nearest_cell(*, unit: Unit) -> Unit | None:
    if unit.kind.is_cell:
        return unit
    if unit.kind.is_group:
        return Unit.objects.select_related("kind").filter(path=unit.path[: -unit.steplen]).first()
    return None


def document_header(*, unit: Unit) -> dict:
    """The two header blocks of a Party document: the superior body and the issuing body
    (upper case), the place on the date line (the nearest unit, going up, that has one), and
    the proper names of these units and places."""
    ancestors = unit_ancestors(unit=unit)
    superior = ancestors[-1] if ancestors else None
    place = next((u.place for u in [unit, *reversed(ancestors)] if u.place), "")
    names = {name for u in [unit, *ancestors] for name in [*names_in(u.name), u.place] if name}
    return {
        "superior": superior.name.upper() if superior else "",
        "superior_name": superior.name if superior else "",
        "issuer": unit.name.upper(),
        "place": place,
        "names": sorted(names),  # proper names a printed line keeps whole (`keep_names`)
    }
