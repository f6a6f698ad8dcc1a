"""The benchmark suite (`scripts/bench/run`): a generated province in its own PostgreSQL
database, the main pages over HTTP against gunicorn, the roll-up, the PDFs, the reminder
sweep and the quarterly drafts, each figure printed beside an anchor measured in the same run
and the target of issue 10. The table is also written under var/bench/."""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT)]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lamtheo_bench"
QUICK_MEMBERS = 5_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_MEMBERS:,} members, shorter runs"
    )
    parser.add_argument("--fresh", action="store_true", help="generate the dataset again")
    parser.add_argument("--seconds", type=float, default=None, help="length of each HTTP run")
    parser.add_argument(
        "--only",
        default="",
        help="run these parts only, e.g. pages,sweep (pages rollup pdfs sweep drafts "
        "partitions generation)",
    )
    args = parser.parse_args()
    if args.quick:
        args.members = QUICK_MEMBERS
    args.seconds = args.seconds or (3.0 if args.quick else 6.0)
    return args


def ensure_database(url: str) -> None:
    """Create the database if it is missing (connecting to the server's `postgres` one)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def shared_cache() -> str | None:
    """The shared cache production runs with (README, `CACHE_URL`): Redis, database 8 unless
    BENCH_CACHE_URL says otherwise, emptied first; None (each process's memory) if it is not
    reachable."""
    import redis

    url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/8")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.exceptions.RedisError:
        return None
    return url


def environment(url: str) -> dict:
    cache = shared_cache()
    return {
        **({"CACHE_URL": cache} if cache else {}),
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-key"),
        "DEBUG": "0",
        "DEMO_MODE": "0",
        "PYTHONPATH": str(ROOT),
    }


def _comment(value: str | None = None) -> str | None:
    """The dataset's description, kept as the database's comment."""
    from django.db import connection

    with connection.cursor() as cursor:
        if value is not None:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [value])
            return value
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def ensure_dataset(args, env: dict) -> dict:
    """Reuse the generated province if it has the same size and seed, else generate it."""
    from django.utils import timezone

    today = timezone.localdate()
    try:
        kept = json.loads(_comment() or "{}")
    except ValueError:
        kept = {}
    wanted = {"members": args.members, "seed": args.seed, "year": today.year}
    if not args.fresh and all(kept.get(k) == v for k, v in wanted.items()):
        return {**kept, "reused": True}
    from jobs import run_job

    job = run_job(
        "generate", f"--members={args.members}", f"--seed={args.seed}", f"--on={today}", env=env
    )
    info = {**wanted, "on": today.isoformat(), "seconds": job["seconds"], "peak_mb": job["peak_mb"],
            "counts": job["result"]}  # fmt: skip
    _comment(json.dumps(info))
    return {**info, "reused": False}


def main() -> None:
    args = parse_args()
    command = "scripts/bench/run " + " ".join(sys.argv[1:])
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    ensure_database(url)
    env = environment(url)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.bench_settings"
    import django

    django.setup()
    import sections
    from django.core.management import call_command
    from jobs import reset
    from report import Table

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    data = ensure_dataset(args, env)
    reset(
        "notifications_notification",
        "reminders_unitsweep",
        "reviews_review",
        "reviews_documentcounter",
        "django_session",
    )
    table = Table()
    context = sections.Context(args=args, env=env, table=table, data=data, root=ROOT)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    if wanted and "pages" not in wanted:
        sections._choose(context)  # what the pages part would have chosen
    for section in sections.ALL:
        if not wanted or section.__name__.lstrip("_") in wanted:
            section(context)
    whole = time.perf_counter() - started
    text = "\n".join([
        f"{command} on {datetime.date.today():%Y-%m-%d}, database "
        f"{urlsplit(url).path.lstrip('/')}; {os.cpu_count()} cores, load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; cache "
        f"{env.get('CACHE_URL', 'in each process')}",
        context.describe(),
        "",
        table.render(),
        "",
        *context.commands,
        f"Whole run: {whole / 60:.1f} min.",
    ])  # fmt: skip
    print(text)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{args.members}-{datetime.datetime.now():%Y%m%d-%H%M%S}.txt"
    path.write_text(text + "\n", encoding="utf-8")
    print(f"(written to var/bench/{path.name})")


if __name__ == "__main__":
    main()
