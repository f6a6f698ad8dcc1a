"""One background job, run in its own process so that its wall time, SQL query count and peak
memory are its own. Prints one JSON line. Used by the benchmark (`run`):

    job.py generate --members 100000 --seed 1 [--year 2026 --on 2026-11-26]
    job.py sweep --today 2026-11-26 [--parts 0/2,1/2]
    job.py reviews --quarter 2026Q3 [--parts 0/2]

With --parts, the job does only those parts of the work, one after the other: with the
command's own --partition option when it has one, else split here by cell and unit ids
through the batch services (`remind_members`, `remind_secretaries`, `review_generate`)."""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec, where
    ru_maxrss would still count the parent's memory at fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _has_partition(app: str, command: str) -> bool:
    from django.core.management import load_command_class

    parser = load_command_class(app, command).create_parser("manage.py", command)
    return any("--partition" in action.option_strings for action in parser._actions)


def _parts(text: str | None) -> list[tuple[int, int]]:
    return [tuple(map(int, p.split("/"))) for p in text.split(",")] if text else []


def _chunks(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def sweep(today: str, parts: list[tuple[int, int]]) -> tuple[object, str]:
    import datetime

    from django.core.management import call_command

    from registry.reminders import services

    day = datetime.date.fromisoformat(today)
    if not parts:
        if hasattr(services, "remind_everyone"):
            return services.remind_everyone(today=day), "reminders.services.remind_everyone"
        call_command("send_reminders", f"--today={today}")
        return None, "manage.py send_reminders"
    made = sum(services.remind_everyone(today=day, partition=part) for part in parts)
    return made, "reminders.services.remind_everyone(partition=(i, n)), cells split into parts"


def reviews(quarter: str, parts: list[tuple[int, int]]) -> tuple[object, str]:
    from django.core.management import call_command

    from registry.reviews import services

    if not parts:
        call_command("generate_reviews", f"--quarter={quarter}")
        return len(services.units_to_review()), "manage.py generate_reviews"
    if _has_partition("registry.reviews", "generate_reviews"):
        for i, n in parts:
            call_command("generate_reviews", f"--quarter={quarter}", f"--partition={i}/{n}")
        return None, "manage.py generate_reviews --partition"
    year, q = int(quarter[:4]), int(quarter[-1])
    units = services.units_to_review()
    done = 0
    for i, n in parts:
        for unit in units[i::n]:
            services.review_generate(unit=unit, kind="quarter", year=year, quarter=q)
            done += 1
    return done, "review_generate, units split in turn"


def generate(args) -> tuple[object, str]:
    import datetime

    from registry.portal import dataset

    on = datetime.date.fromisoformat(args.on) if args.on else None
    dataset.generate(members=args.members, seed=args.seed, year=args.year, on=on, flush=True)
    return dataset.counts(), "manage.py generate_dataset --flush"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=["generate", "sweep", "reviews"])
    parser.add_argument("--members", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int)
    parser.add_argument("--on")
    parser.add_argument("--today")
    parser.add_argument("--quarter")
    parser.add_argument("--parts")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        if args.job == "generate":
            result, how = generate(args)
        elif args.job == "sweep":
            result, how = sweep(args.today, _parts(args.parts))
        else:
            result, how = reviews(args.quarter, _parts(args.parts))
    seconds = time.perf_counter() - started
    peak_mb = _peak_mb()
    print(json.dumps({"seconds": seconds, "queries": queries, "peak_mb": peak_mb,
                      "result": result, "how": how}))  # fmt: skip


if __name__ == "__main__":
    main()
