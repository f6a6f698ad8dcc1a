"""Importing a roster of 100,000 generated rows on PostgreSQL (issue 13: under 60 s on two
cores), through the same services a committee's upload and confirmation call: the check (the
dry run, every row planned and kept), the import (checked again and written in one
transaction), and the same file a second time (nothing to change). Beside it, the anchor:
one `INSERT … SELECT` of as many bare rows into a table shaped like the members'.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lamtheo_bench \\
        python scripts/bench/roster_import.py [--rows 100000] [--cells 400]

It migrates the database it is given, and keeps its own part of the tree (a province coded
`bench-import`) and its own card numbers (starting with 88), which it clears before each run.
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lamtheo_bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from registry.cells import kept  # noqa: E402
from registry.core.stale import figures_marked  # noqa: E402
from registry.rosters import services  # noqa: E402
from registry.rosters.columns import COLUMNS  # noqa: E402
from registry.rosters.models import RosterImport  # noqa: E402
from registry.units import services as unit_services  # noqa: E402
from registry.units.models import Unit, UnitKind  # noqa: E402

PREFIX = "88"


def tree(cells: int) -> tuple[Unit, list[Unit]]:
    kinds = {k.code: k for k in UnitKind.objects.all()}
    province = Unit.objects.filter(code="bench-import").first()
    if province is None:
        province = unit_services.unit_create(
            parent=None, kind=kinds["tinh_uy"], name="Tỉnh ủy Thử nghiệm", code="bench-import"
        )
        district = unit_services.unit_create(
            parent=province,
            kind=kinds["dang_uy_xa"],
            name="Đảng ủy xã Thử nghiệm",
            code="bench-import/xa",
        )
    district = Unit.objects.get(code="bench-import/xa")
    have = Unit.objects.filter(code__startswith="bench-import/xa/").count()
    for n in range(have, cells):
        district.refresh_from_db()
        unit_services.unit_create(
            parent=district,
            kind=kinds["chi_bo_truc_thuoc"],
            name=f"Chi bộ thôn {n:04d}",
            code=f"bench-import/xa/cb-{n:04d}",
        )
    district.refresh_from_db()
    found = list(Unit.objects.filter(code__startswith="bench-import/xa/").order_by("code")[:cells])
    return district, found


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM members_membership WHERE member_id IN "
            "(SELECT id FROM members_member WHERE card_number LIKE %s)",
            [PREFIX + "%"],
        )
        cursor.execute("DELETE FROM members_member WHERE card_number LIKE %s", [PREFIX + "%"])
        cursor.execute(
            "DELETE FROM units_unit WHERE code IS NULL AND path LIKE "
            "(SELECT path FROM units_unit WHERE code = 'bench-import') || '%%' "
            "AND kind_id IN (SELECT id FROM units_unitkind WHERE is_group)"
        )
        cursor.execute("UPDATE units_unit SET numchild = 0 WHERE code LIKE 'bench-import/xa/%%'")
    RosterImport.objects.filter(unit__code__startswith="bench-import").delete()


def roster(rows: int, cells: list[Unit]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.heading for c in COLUMNS])
    keys = [c.key for c in COLUMNS]
    for n in range(rows):
        cell = cells[n % len(cells)]
        values = {
            "card_number": f"{PREFIX}{n:08d}",
            "full_name": f"Lò Văn Thử {n}",
            "birth_date": f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1960 + n % 30}",
            "gender": "Nữ" if n % 2 else "Nam",
            "admission_date": f"{1 + n % 28:02d}/{1 + n % 12:02d}/2015",
            "full_membership_date": f"{1 + n % 28:02d}/{1 + n % 12:02d}/2016",
            "status": "Chính thức",
            "cell_code": cell.code,
            "group": f"Tổ {1 + n % 3}",
            "job_title": "Nông dân",
            "workplace": f"Thôn {cell.name[-4:]}",
            "phone": f"09{n:08d}",
        }
        writer.writerow([values.get(k, "") for k in keys])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"  {label:<46} {seconds:7.1f} s", flush=True)
    return result, seconds


def anchor(rows: int) -> float:
    """One INSERT … SELECT of `rows` bare rows into a copy of the members' table, rolled back."""
    start = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_members (LIKE members_member INCLUDING DEFAULTS "
                "INCLUDING INDEXES)"
            )
            cursor.execute(
                "INSERT INTO bench_members (id, full_name, search_name, sort_name, category, "
                "card_number, status, gender, citizen_id, phone, job_title, workplace, "
                "is_key_official, created_at, updated_at) "
                "SELECT n, 'Lò Văn Thử ' || n, 'lo van thu ' || n, 'thu lo van thu ' || n, "
                "'dang_vien', '77' || lpad(n::text, 8, '0'), 'chinh_thuc', 'nam', NULL, "
                "'09' || lpad(n::text, 8, '0'), 'Nông dân', 'Thôn', false, now(), now() "
                "FROM generate_series(1, %s) n",
                [rows],
            )
        transaction.set_rollback(True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cells", type=int, default=400)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    admin, _new = get_user_model().objects.get_or_create(
        username="bench-import", defaults={"is_superuser": True, "is_staff": True}
    )
    district, cells = tree(args.cells)
    clear()
    data = roster(args.rows, cells)
    # The worker runs the same functions; here they run in this process, one after the other.
    services.SYNC_BYTES = len(data) + 1
    print(f"Roster import: {args.rows:,} rows, {len(cells)} cells, {len(data) / 1e6:.1f} MB CSV")
    job, check = timed(
        "upload and check (the dry run)",
        lambda: services.import_upload(unit=district, actor=admin, name="ds.csv", data=data),
    )
    assert (job.status, job.created, job.refused) == ("ready", args.rows, 0), (
        job.status,
        job.error,
        job.created,
        job.refused,
    )
    # After the commit the cells' kept figures are recomputed at once (`cells.kept`), as after
    # any roster change; measured apart, since the import itself is done by then.
    recompute = []
    figures_marked.disconnect(dispatch_uid="cells.kept.on_marked")

    def timed_recompute(sender, marks, **kwargs):
        start = time.perf_counter()
        kept.on_marked(sender=sender, marks=marks, **kwargs)
        recompute.append(time.perf_counter() - start)

    figures_marked.connect(timed_recompute, weak=False, dispatch_uid="bench.timed_recompute")
    job, apply = timed(
        "confirm: check again and import (one transaction)",
        lambda: services.import_confirm(job=job, actor=admin),
    )
    assert job.is_applied and job.created == args.rows, (job.status, job.error, job.notice)
    figures = sum(recompute)
    print(f"  {'  of which figures recomputed after the commit':<46} {figures:7.1f} s")
    total = check + apply - figures
    print(f"  {'IMPORT (check + import, to the commit)':<46} {total:7.1f} s   (target < 60 s)")
    again, _check2 = timed(
        "the same file again: check",
        lambda: services.import_upload(unit=district, actor=admin, name="ds.csv", data=data),
    )
    assert again.unchanged == args.rows, (again.created, again.changed, again.refused)
    again, _apply2 = timed(
        "the same file again: confirm (0 created, 0 changed)",
        lambda: services.import_confirm(job=again, actor=admin),
    )
    assert (again.created, again.changed) == (0, 0)
    bare = anchor(args.rows)
    print(f"  {'anchor: one INSERT … SELECT of as many rows':<46} {bare:7.1f} s")


if __name__ == "__main__":
    main()
