"""A generated province for measuring (`manage.py generate_dataset`): one provincial
committee, its districts and communes, about 30 people a cell, their plans, items and
quarterly reports of a year, as the services would have left them after living through it
up to the day before `on`. Written in bulk (COPY on PostgreSQL), never through per-row
services, so 100,000 members take well under two minutes; see the modules for the rules each
part keeps."""

import datetime
import importlib
import random
import zoneinfo

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from registry.cells import kept
from registry.members.models import Member
from registry.programmes.models import Programme
from registry.programmes.selectors import programme_for
from registry.units.models import Unit, UnitKind

from . import people, plans, tree
from .writer import Ids, Writer, indexes_built_after


def _loaded_models() -> list:
    from django.contrib.auth import get_user_model

    from registry.access.models import RoleAssignment
    from registry.members.models import Membership
    from registry.pledges import models as pledges

    return [
        Unit,
        get_user_model(),
        Member,
        Membership,
        RoleAssignment,
        pledges.Plan,
        pledges.RegistrationExtension,
        pledges.PlanItem,
        pledges.PlanSnapshot,
        pledges.PlanTransition,
        pledges.ProgressReport,
    ]


class DatasetError(Exception):
    pass


def _unit_kinds() -> None:
    """The kinds come from a data migration; a flush removes them."""
    migration = importlib.import_module("registry.units.migrations.0002_unit_kinds")
    for code, name, position, is_cell, is_group in migration.KINDS:
        UnitKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "position": position, "is_cell": is_cell, "is_group": is_group},
        )


def _programmes(year: int, province: Unit) -> None:
    """The nationwide programme of the year (if missing) and the province's own theme."""
    Programme.objects.get_or_create(
        year=year,
        scope=None,
        defaults={
            "name": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            "directive": "Chỉ thị 05-CT/TW",
            "theme": f"Chuyên đề năm {year} (dữ liệu sinh tự động để đo hiệu năng)",
            "registration_opens": datetime.date(year, 1, 10),
            "registration_closes": datetime.date(year, 3, 15),
            "q1_deadline": datetime.date(year, 3, 25),
            "q2_deadline": datetime.date(year, 6, 25),
            "q3_deadline": datetime.date(year, 9, 25),
            "q4_deadline": datetime.date(year, 12, 15),
        },
    )
    Programme.objects.create(
        year=year, scope=province, theme=f"Chuyên đề năm {year} của Tỉnh ủy (dữ liệu sinh tự động)"
    )


#: The nationwide indicators items of the generated province count in (the demo's codes).
INDICATORS = (
    ("tiep-cong-dan", "Lượt tiếp công dân", "lượt"),
    ("ho-so-dung-han", "Hồ sơ giải quyết đúng hạn", "hồ sơ"),
    ("buoi-tuyen-truyen", "Buổi tuyên truyền", "buổi"),
    ("vu-viec-giai-quyet", "Vụ việc, đơn thư được giải quyết", "vụ"),
)


def _indicators() -> list[tuple[int, str]]:
    """The catalogue's nationwide indicators the items may choose, created if missing."""
    from registry.indicators.models import Indicator

    found = []
    for position, (code, name, unit) in enumerate(INDICATORS, start=1):
        row, _created = Indicator.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit, "position": position}
        )
        if row.is_active and row.scope_id is None:
            found.append((row.pk, row.unit))
    return found


def _after_load(year: int, on: datetime.date) -> None:
    """Runs once the rows are in: refresh the planner's statistics on PostgreSQL, then count
    the kept figures of every cell (a bulk load bypasses the services that mark them)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    kept.recompute(kept.all_cells(), year, on)


def counts() -> dict[str, int]:
    from registry.access.models import RoleAssignment
    from registry.members.models import Membership
    from registry.pledges.models import Plan, PlanItem, ProgressReport

    return {
        "units": Unit.objects.count(),
        "cells": Unit.objects.filter(kind__is_cell=True).count(),
        "members": Member.objects.count(),
        "membership periods": Membership.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "plans": Plan.objects.count(),
        "items": PlanItem.objects.count(),
        "items in an indicator": PlanItem.objects.filter(indicator__isnull=False).count(),
        "key officials": Member.objects.filter(is_key_official=True).count(),
        "reports": ProgressReport.objects.count(),
    }


def generate(
    *,
    members: int,
    seed: int = 1,
    year: int | None = None,
    on: datetime.date | None = None,
    flush: bool = False,
) -> Unit:
    """Generate the province into the configured database and return its root unit.
    Refuses a database that holds members, unless `flush` empties it first."""
    if members < 20:
        raise DatasetError("Ask for at least 20 members.")
    on = on or timezone.localdate()
    year = year or on.year
    if flush:
        call_command("flush", interactive=False, verbosity=0)
    elif Member.objects.exists():
        raise DatasetError("The database already holds members: use --flush to empty it first.")
    _unit_kinds()
    rng = random.Random(seed)
    with transaction.atomic(), indexes_built_after(connection, _loaded_models()):
        ids, writer = Ids(), Writer(connection)
        root = tree.build(members=members, rng=rng, ids=ids, writer=writer)
        province = Unit.objects.get(pk=root.id)
        _programmes(year, province)
        last_day = on - datetime.timedelta(days=1)
        found = people.build(
            cells=tree.cells_of(root),
            committees=tree.committees_of(root),
            year=year,
            last_day=last_day,
            rng=rng,
            ids=ids,
            writer=writer,
        )
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        ctx = plans.Context(
            year=year,
            on=on,
            last_moment=datetime.datetime.combine(last_day, datetime.time(21), tz),
            programme=programme_for(unit=province, year=year),
            people=found,
            rng=rng,
            ids=ids,
            tz=tz,
            indicators=_indicators(),
        )
        plans.build(ctx=ctx, writer=writer)
        writer.reset_sequences(ids.models)
    _after_load(year, on)
    return province
