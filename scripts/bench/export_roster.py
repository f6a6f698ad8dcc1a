"""How long exporting a province's roster takes (issue 13): the roster of the generated
province (`manage.py generate_dataset --members 100000`), read and written as XLSX and as CSV
by the export mechanism (`exports.tables.table_for`, `core.tables`), beside an anchor measured
in the same run: PostgreSQL's own `COPY … TO STDOUT (FORMAT csv)` of the same columns, the
least any export of these rows can cost.

    DATABASE_URL=postgres://…/<db> SECRET_KEY=x PYTHONPATH=. python scripts/bench/export_roster.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from registry.core.tables import write_csv, write_xlsx  # noqa: E402
from registry.exports.tables import table_for  # noqa: E402
from registry.units.models import Unit  # noqa: E402

COPY = """
COPY (
    SELECT m.full_name, m.card_number, c.name, g.name, m.category, m.status, m.birth_date,
           m.gender, m.admission_date, m.full_membership_date, m.job_title, m.workplace,
           m.phone, m.is_key_official, ms.start_date
    FROM members_membership ms
    JOIN members_member m ON m.id = ms.member_id
    JOIN units_unit c ON c.id = ms.cell_id
    LEFT JOIN units_unit g ON g.id = ms.group_id
    WHERE ms.end_date IS NULL AND c.path LIKE %s
    ORDER BY c.path, g.name NULLS LAST, m.sort_name, m.id
) TO STDOUT (FORMAT csv, DELIMITER ';')
"""


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL=postgres://…).")
    province = Unit.objects.get_root_nodes().order_by("path").first()
    if province is None:
        sys.exit("No units: run manage.py generate_dataset --members 100000 first.")
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
    if admin is None:
        admin = get_user_model().objects.create_superuser("bench-export", password=None)
    today = timezone.localdate()
    table = table_for("roster", user=admin, pk=province.pk, params={}, today=today)
    load = os.getloadavg()[0]
    print(f"Roster of {province.name}: {table.count:,} rows, {len(table.columns)} columns")

    results = []
    with tempfile.TemporaryDirectory() as folder:

        def copy_out():
            path = Path(folder) / "copy.csv"
            connection.ensure_connection()
            cursor = connection.connection.cursor()  # psycopg 3
            with open(path, "wb") as out, cursor.copy(COPY, [province.path + "%"]) as copy:
                for chunk in copy:
                    out.write(chunk)
            return path.stat().st_size

        for name, fn in [
            ("anchor: PostgreSQL COPY to CSV", copy_out),
            ("export CSV (UTF-8, BOM, ;)", lambda: _write(folder, "csv", table, write_csv)),
            ("export XLSX (write-only)", lambda: _write(folder, "xlsx", table, write_xlsx)),
        ]:
            seconds, size = timed(fn)
            results.append((name, seconds, size))
    print(f"{'':34} {'seconds':>8} {'rows/s':>10} {'MB':>7}")
    for name, seconds, size in results:
        print(f"{name:34} {seconds:8.2f} {table.count / seconds:10,.0f} {size / 1e6:7.1f}")
    print(
        f"{os.cpu_count()} cores; load average {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    anchor = results[0][1]
    for name, seconds, _size in results[1:]:
        print(f"{name}: {seconds / anchor:.1f}× the anchor")


def _write(folder, fmt, table, writer) -> int:
    """The table written to a file (its rows are read afresh at each call)."""
    path = Path(folder) / f"roster.{fmt}"
    with open(path, "wb") as out:
        writer(table, out)
    return path.stat().st_size


if __name__ == "__main__":
    main()
