"""What one request costs this process, measured in-process (no HTTP, no other client): the
anchor, the signed-in floor, the cell overview and "my plan", each called N times through
Django's handler (`django.test.Client`, the real middleware stack and sessions, DEBUG off, the
cached template loader, the benchmark's settings), printed beside the anchor. CPU time
(`time.process_time`) is this process's own, so it is steady on a machine others load;
PostgreSQL's share of each query is not in it (the queries are counted instead).

    scripts/bench/request_cost.py                 # the table
    scripts/bench/request_cost.py --profile floor # and cProfile of one page's requests

Uses its own PostgreSQL database (COST_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/lamtheo_cost, created and filled with a small generated
province on the first run) and the shared cache production runs with (COST_CACHE_URL, by
default redis://127.0.0.1:6379/8, emptied first; each process's memory if unreachable)."""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT)]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lamtheo_cost"
DEFAULT_CACHE = "redis://127.0.0.1:6379/8"
KEYS = ("anchor", "floor", "dash33", "myplan")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400, help="requests per page")
    parser.add_argument("--members", type=int, default=3_000, help="size of the province")
    parser.add_argument("--profile", choices=KEYS, action="append", default=[])
    parser.add_argument("--top", type=int, default=35, help="rows of each profile")
    return parser.parse_args()


def setup(args) -> None:
    import bench

    url = os.environ.get("COST_DATABASE_URL", DEFAULT_URL)
    os.environ["BENCH_CACHE_URL"] = os.environ.get("COST_CACHE_URL", DEFAULT_CACHE)
    bench.ensure_database(url)
    env = bench.environment(url)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.bench_settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    args.quick, args.seed, args.fresh = False, 1, False
    bench.ensure_dataset(args, env)


def measure(client, path: str, n: int, batches: int = 5) -> tuple[float, float]:
    """CPU and wall milliseconds of one request: the least mean of `batches` batches of
    `n / batches` requests each (after a few to warm up), the batch least disturbed by the
    other work of a shared machine."""
    for _ in range(5):
        client.get(path)
    size = max(1, n // batches)
    cpu, wall = [], []
    for _ in range(batches):
        c, w = time.process_time(), time.perf_counter()
        for _ in range(size):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        cpu.append((time.process_time() - c) / size)
        wall.append((time.perf_counter() - w) / size)
    return min(cpu) * 1000, min(wall) * 1000


def profile(client, path: str, n: int, top: int) -> str:
    profiler = cProfile.Profile(time.process_time)  # CPU, not the waits of a loaded machine
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    args = parse_args()
    setup(args)
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per sign-in otherwise
    import pages as page_runs
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    chosen, _info = page_runs.choose(timezone.localdate())
    anchor = page_runs.Page("anchor", "anchor", page_runs.ANCHOR, None, "")
    wanted = {p.key: p for p in [anchor, *chosen] if p.key in KEYS}
    rows = []
    for key in KEYS:
        page = wanted[key]
        client = Client()
        if page.user is not None:
            page_runs.sign_in(client, page.user)
        client.get(page.path)
        with CaptureQueriesContext(connection) as ctx:
            client.get(page.path)
        queries = len(ctx.captured_queries)
        cpu, wall = measure(client, page.path, args.requests)
        rows.append((page, cpu, wall, queries))
        if key in args.profile:
            print(f"== profile: {page.label} ({page.path}), {args.requests} requests")
            print(profile(client, page.path, args.requests, args.top))
    base_cpu = rows[0][1]
    floor_cpu = rows[1][1]
    print(
        f"{args.requests} requests a page, in-process; load {os.getloadavg()[0]:.1f}; "
        f"sessions {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}, cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    print(f"{'page':<58} {'CPU ms':>7} {'× anchor':>9} {'× floor':>8} {'wall ms':>8} {'SQL':>4}")
    for page, cpu, wall, queries in rows:
        print(
            f"{page.label[:58]:<58} {cpu:7.2f} {cpu / base_cpu:8.1f}× {cpu / floor_cpu:7.2f}× "
            f"{wall:8.2f} {queries:4d}"
        )


if __name__ == "__main__":
    main()
