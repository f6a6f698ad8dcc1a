"""Print how long the heavy reads take, and how many SQL queries they run, on a generated
province. Uses its own throw-away database (SQLite under a temporary folder, or the
PostgreSQL database named by BENCH_DATABASE_URL, which it flushes first).

    .venv/bin/python scripts/benchmark.py --cells 40 --members-per-cell 100
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=40)
    parser.add_argument("--members-per-cell", type=int, default=100)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="lamtheo-bench-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"
    )
    os.environ.setdefault("SECRET_KEY", "benchmark")
    os.environ["VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django

    django.setup()
    import importlib

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)  # a reused PostgreSQL database starts empty
    for code, name, position, is_cell, is_group in importlib.import_module(
        "registry.units.migrations.0002_unit_kinds"
    ).KINDS:
        from registry.units.models import UnitKind as Kind

        Kind.objects.get_or_create(
            code=code,
            defaults={"name": name, "position": position, "is_cell": is_cell, "is_group": is_group},
        )

    from registry.cells.selectors import cell_dashboard
    from registry.core.periods import Period
    from registry.members import selectors
    from registry.members.models import Member, Membership
    from registry.pledges.models import Plan, PlanItem, ProgressReport
    from registry.programmes.models import Programme
    from registry.reminders.services import remind_members
    from registry.reviews.figures import unit_figures
    from registry.units.models import Unit, UnitKind
    from registry.units.services import unit_create

    kinds = {k.code: k for k in UnitKind.objects.all()}
    now = timezone.now()
    early = now.replace(year=2026, month=2, day=1)
    province = unit_create(parent=None, kind=kinds["tinh_uy"], name="Tỉnh ủy thử")
    Programme.objects.create(
        year=2026,
        registration_opens=datetime.date(2026, 1, 10),
        registration_closes=datetime.date(2026, 3, 31),
        q1_deadline=datetime.date(2026, 3, 25),
        q2_deadline=datetime.date(2026, 6, 25),
        q3_deadline=datetime.date(2026, 9, 25),
        q4_deadline=datetime.date(2026, 12, 15),
    )
    started = time.perf_counter()
    cells = []
    for d in range(max(1, args.cells // 10)):
        district = unit_create(parent=province, kind=kinds["huyen_uy"], name=f"Huyện {d}")
        for c in range(10):
            cells.append(
                unit_create(parent=district, kind=kinds["chi_bo_co_so"], name=f"Chi bộ {d}-{c}")
            )
    cells = cells[: args.cells]
    serial = 0
    for cell in cells:
        members = Member.objects.bulk_create(
            Member(
                full_name=f"Đảng viên {serial + i}",
                search_name=f"dang vien {serial + i}",
                sort_name=f"{serial + i}",
                card_number=str(10_000_000 + serial + i),
                status="chinh_thuc",
            )
            for i in range(args.members_per_cell)
        )
        serial += args.members_per_cell
        Membership.objects.bulk_create(
            Membership(member=m, cell=cell, start_date=datetime.date(2020, 1, 1)) for m in members
        )
        plans = Plan.objects.bulk_create(
            Plan(
                member=m,
                year=2026,
                cell=cell,
                status="approved",
                submitted_at=early,
                last_submitted_at=early,
                approved_at=early,
                first_approved_at=early,
            )
            for m in members[: len(members) * 9 // 10]
        )
        items = PlanItem.objects.bulk_create(
            PlanItem(
                plan=p, position=k, action=f"Việc {k}", is_breakthrough=k == 1, approved_at=early
            )
            for p in plans
            for k in (1, 2, 3)
        )
        ProgressReport.objects.bulk_create(
            ProgressReport(
                item=i, quarter=q, status="in_progress", first_filed_at=now, filed_at=now
            )
            for i in items
            for q in (1, 2)
        )
    total = Membership.objects.count()
    print(
        f"Generated {len(cells)} cells, {total:,} members, {PlanItem.objects.count():,} items, "
        f"{ProgressReport.objects.count():,} reports in {time.perf_counter() - started:.1f} s "
        f"({connection.vendor})."
    )

    def measure(label, fn):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            elapsed = (time.perf_counter() - t) * 1000
        print(f"  {label:<58} {elapsed:9.1f} ms  {len(ctx.captured_queries):4d} queries")

    province = Unit.objects.get(pk=province.pk)
    print("Read                                                          time     SQL")

    def anchor():
        """The best raw SQL for the province's figures: one grouped count over the reports."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.quarter, r.status, count(*) FROM pledges_progressreport r "
                "GROUP BY r.quarter, r.status"
            )
            cursor.fetchall()

    measure("anchor: one grouped count of all reports, raw SQL", anchor)
    measure(
        "sub-tree member count of the province", lambda: selectors.unit_member_counts(unit=province)
    )
    measure(
        "member counts per child unit of the province",
        lambda: selectors.unit_children_with_counts(unit=province),
    )
    measure(
        f"cell overview, one cell of {args.members_per_cell} members",
        lambda: cell_dashboard(
            cell=cells[0], year=2026, quarter=3, today=datetime.date(2026, 11, 24)
        ),
    )
    from django.contrib.auth import get_user_model

    User = get_user_model()
    ids = list(Membership.objects.order_by("member_id").values_list("member_id", flat=True)[:500])
    users = User.objects.bulk_create(User(username=f"bench{i}", password="!") for i in ids)
    for member_id, user in zip(ids, users, strict=True):
        Member.objects.filter(pk=member_id).update(user=user)
    ProgressReport.objects.filter(item__plan__member_id__in=ids[:250], quarter=2).delete()
    for label in ("reminder batch of 500 members (250 due a report)", "the same batch again"):
        measure(label, lambda: remind_members(member_ids=ids, today=datetime.date(2026, 6, 24)))
    measure(
        "quarterly review figures of the whole province",
        lambda: unit_figures(unit=province, period=Period(2026, 2), on=datetime.date(2026, 11, 24)),
    )


if __name__ == "__main__":
    main()
