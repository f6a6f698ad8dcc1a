"""Running the benchmark's jobs (`job.py`) in their own processes, and emptying the tables
they write between runs."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def run_job(*args, env: dict, parallel: int = 1) -> dict:
    """job.py in `parallel` processes at once (args of each: a list), or in one. Returns the
    work's time (the longest of the processes, start-up excluded), the wall time from here,
    their queries and the largest peak memory."""
    lists = list(args) if parallel > 1 else [list(args)]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, str(HERE / "job.py"), *a],
            cwd=ROOT,
            env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            stdout=subprocess.PIPE,
            text=True,
        )
        for a in lists
    ]
    outputs = [p.communicate()[0] for p in procs]
    wall = time.perf_counter() - started
    if any(p.returncode for p in procs):
        raise RuntimeError(f"job {lists} failed")
    figures = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    return {
        "seconds": max(f["seconds"] for f in figures),
        "wall": wall,
        "queries": sum(f["queries"] for f in figures),
        "peak_mb": max(f["peak_mb"] for f in figures),
        "result": figures[0]["result"],
        "how": figures[0]["how"],
    }


def reset(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
