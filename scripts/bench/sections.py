"""The parts of the benchmark, in the order they run. Each measures, then adds its rows to the
table (`report`) and the command that measured them to the footer."""

from dataclasses import dataclass, field
from pathlib import Path

import pages as page_runs
import pdfs
import rollup
import sweep_sql
from django.utils import timezone
from jobs import reset, run_job
from report import Table, mb, ms, secs, share, size, times, verdict
from server import WORKERS, Server

from registry.core.periods import Period
from registry.notifications.models import Notification
from registry.pledges.models import Plan

CELL_P50_MS = 10  # issue 10, point 5: dashboard and "my plan", one client
CELL_RPS_SHARE = 0.25  # … and 16 clients
ROLLUP_RPS_SHARE = 0.10  # province overview and roll-up pages, 16 clients
LARGE_CELL_RATIO = 2  # 500-member dashboard against the 33-member one
ROLLUP_RATIO = 1.5  # unit_figures against the raw SQL
FIFTY_P95_RATIO = 3  # 50 clients on the dashboard, p95 against the anchor's
SWEEP_RATIO = 3  # the sweep against one INSERT … SELECT
SECOND_SWEEP_SHARE = 0.10
DRAFTS_SECONDS, DRAFTS_UNITS = 60, 3_300
PEAK_MB = 300
PDF_RATIO = 1.2
GENERATION_SECONDS, GENERATION_MEMBERS = 120, 100_000  # issue 10, point 4


@dataclass
class Context:
    args: object
    env: dict
    table: Table
    data: dict
    root: Path
    commands: list[str] = field(default_factory=list)
    today: object = None
    province: object = None
    review: object = None
    quarter: tuple = ()
    member_user: object = None

    def describe(self) -> str:
        counts = self.data.get("counts") or {}
        made = ", ".join(f"{n:,} {what}" for what, n in counts.items())
        how = "reused" if self.data.get("reused") else "generated in this run"
        return f"Dataset ({how}, as of {self.data.get('on')}): {made}."


def _choose(ctx: Context) -> list:
    """The pages measured, and the province, review, quarter and member every part reads."""
    ctx.today = timezone.localdate()
    chosen, info = page_runs.choose(ctx.today)
    ctx.province, ctx.review, ctx.quarter = info["province"], info["review"], info["quarter"]
    ctx.member_user = next(p.user for p in chosen if p.key == "myplan")
    return chosen


def _pages(ctx: Context) -> None:
    chosen = _choose(ctx)
    anchor = page_runs.Page("anchor", "anchor", page_runs.ANCHOR, None, "")
    for page in [anchor, *chosen]:
        page_runs.count_queries(page)
        if page.status != 200:
            ctx.table.notes.append(f"{page.label} ({page.path}) answered HTTP {page.status}")
    seconds = ctx.args.seconds
    least = (8, 32, 100) if ctx.args.quick else (15, 48, 150)  # requests, at least, per run
    runs = {}
    log = ctx.root / "var" / "bench" / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with Server(root=ctx.root, env=ctx.env, log=log) as server:
        for page in chosen:
            one = page_runs.measure(server, page, 1, seconds, least[0])
            many = page_runs.measure(server, page, 16, seconds, least[1])
            runs[page.key] = (one, many)
        dash = chosen[0]
        fifty = page_runs.measure(server, dash, 50, seconds * 1.5, least[2])
    t = ctx.table
    t.section(f"Pages (gunicorn, {WORKERS} sync workers; anchor: a 20-row template, no query)")
    for page in chosen:
        _page_rows(t, page, anchor, *runs[page.key])
    signed_in = runs["floor"][1].page
    for page in chosen:
        if page.kind in ("cell", "rollup"):
            mine = runs[page.key][1].page
            t.add(
                f"{page.label}: 16 clients against the signed-in floor",
                f"{mine.rps:,.1f} req/s",
                f"{signed_in.rps:,.1f} req/s signed-in floor",
                share(mine.rps / signed_in.rps),
            )
    big, small = runs["dash500"][0].page, runs["dash33"][0].page
    ratio = big.p50 / small.p50
    t.add(
        f"{chosen[1].label} vs {chosen[0].label}, p50",
        f"{ms(big.p50)}",
        f"{ms(small.p50)}",
        times(ratio),
        f"≤ {LARGE_CELL_RATIO}×",
        verdict(ratio <= LARGE_CELL_RATIO),
    )
    ratio = fifty.page.p95 / fifty.anchor.p95
    ok = fifty.page.errors == 0 and ratio <= FIFTY_P95_RATIO
    t.add(
        f"{dash.label}: 50 clients",
        f"{fifty.page.errors} errors · p95 {ms(fifty.page.p95)}",
        f"{fifty.anchor.errors} errors · p95 {ms(fifty.anchor.p95)}",
        times(ratio),
        f"0 errors, ≤ {FIFTY_P95_RATIO}×",
        verdict(ok),
    )
    ctx.commands.append(
        "Pages: GET over HTTP from client threads, each run next to an anchor run "
        f"({seconds:g} s or more each); SQL queries and HTML of one request through "
        "django.test.Client, signed in as the page's reader."
    )


def _page_rows(t: Table, page, anchor, one, many) -> None:
    p, a = one.page, one.anchor
    target, ok = "", ""
    if page.kind == "cell" and page.key != "dash500":
        target, ok = f"≤ {CELL_P50_MS} ms", verdict(p.p50 <= CELL_P50_MS)
    t.add(
        f"{page.label}: 1 client",
        f"p50 {ms(p.p50)} · p95 {ms(p.p95)}",
        f"p50 {ms(a.p50)} · p95 {ms(a.p95)}",
        times(p.p50 / a.p50),
        target,
        ok,
    )
    p, a = many.page, many.anchor
    floor = {"cell": CELL_RPS_SHARE, "rollup": ROLLUP_RPS_SHARE}.get(page.kind)
    target, ok = "", ""
    if page.key != "dash500" and floor is not None:
        target, ok = f"≥ {floor * 100:.0f} % req/s", verdict(p.rps >= floor * a.rps)
    t.add(
        f"{page.label}: 16 clients",
        f"{p.rps:,.1f} req/s · p50 {ms(p.p50)} · p95 {ms(p.p95)}",
        f"{a.rps:,.0f} req/s · p50 {ms(a.p50)}",
        share(p.rps / a.rps),
        target,
        ok,
    )
    errors = one.page.errors + many.page.errors
    t.add(
        f"{page.label}: one request",
        f"{size(page.size)} HTML · {page.queries} SQL queries"
        + (f" · {errors} errors" if errors else ""),
        f"{size(anchor.size)} · {anchor.queries} queries",
    )


def _rollup(ctx: Context) -> None:
    period = Period(*ctx.quarter)
    found = rollup.measure(ctx.province, period, ctx.today)
    ratio = found["app_ms"] / found["sql_ms"]
    ctx.table.section("Province roll-up (median of 3)")
    ctx.table.add(
        f"unit_figures, province, {period.label_vi}",
        ms(found["app_ms"]),
        f"{ms(found['sql_ms'])} raw SQL",
        times(ratio),
        f"≤ {ROLLUP_RATIO}×",
        verdict(ratio <= ROLLUP_RATIO),
    )
    for difference in found["differences"]:
        ctx.table.notes.append(f"roll-up SQL differs from unit_figures: {difference}")
    ctx.commands.append(
        f"Roll-up: registry.reviews.figures.unit_figures(unit=province, period=Period"
        f"{ctx.quarter}, on=today) vs the SQL of scripts/bench/rollup.py."
    )


def _pdfs(ctx: Context) -> None:
    plan = Plan.objects.get(member__user=ctx.member_user, year=ctx.today.year)
    found = pdfs.measure(ctx.review, plan)
    ctx.table.section("PDFs (median of 3)")
    for name, f in found.items():
        ratio = f["app_ms"] / f["bare_ms"]
        ctx.table.add(
            f"{name} PDF ({size(f['bytes'])})",
            ms(f["app_ms"]),
            f"{ms(f['bare_ms'])} bare WeasyPrint",
            times(ratio),
            f"≤ {PDF_RATIO}×",
            verdict(ratio <= PDF_RATIO),
        )
    ctx.commands.append(
        "PDFs: registry.reviews.pdf.render_review_pdf (preview) and registry.pledges.pdf."
        "render_plan_pdf vs weasyprint.HTML(string=<the same HTML>).write_pdf()."
    )


def _memory_row(t: Table, what: str, peak: float) -> None:
    t.add(f"{what}: peak memory", mb(peak), "", "", f"≤ {PEAK_MB} MB", verdict(peak <= PEAK_MB))


def _sweep(ctx: Context) -> None:
    today = f"--today={ctx.today}"
    reset("notifications_notification", "reminders_unitsweep")
    first = run_job("sweep", today, env=ctx.env)
    made = Notification.objects.count()
    second = run_job("sweep", today, env=ctx.env)
    anchor = sweep_sql.measure(ctx.province, ctx.today)
    t = ctx.table
    t.section("Reminder sweep (own process each)")
    ratio = first["seconds"] / anchor["seconds"]
    t.add(
        "sweep, first run",
        f"{secs(first['seconds'])} · {made:,} rows · {first['queries']:,} queries",
        f"{secs(anchor['seconds'])} INSERT…SELECT, {anchor['rows']:,} rows",
        times(ratio),
        f"≤ {SWEEP_RATIO}×",
        verdict(ratio <= SWEEP_RATIO),
    )
    ratio = second["seconds"] / first["seconds"]
    t.add(
        "sweep, second run (nothing new)",
        f"{secs(second['seconds'])} · {second['queries']:,} queries",
        f"{secs(first['seconds'])} first run",
        share(ratio),
        f"≤ {SECOND_SWEEP_SHARE * 100:.0f} %",
        verdict(ratio <= SECOND_SWEEP_SHARE),
    )
    _memory_row(t, "sweep, first run", first["peak_mb"])
    _memory_row(t, "sweep, second run", second["peak_mb"])
    if anchor["only_sql"] or anchor["only_sweep"]:
        t.notes.append(
            f"sweep anchor differs: {anchor['only_sql']} rows only in the SQL, "
            f"{anchor['only_sweep']} only from the sweep"
        )
    if anchor["other_rules"]:
        t.notes.append(f"sweep rows of rules the anchor does not compute: {anchor['other_rules']}")
    ctx.commands.append(
        f"Sweep: scripts/bench/job.py sweep {today} (→ {first['how']}), twice; anchor: the "
        "INSERT … SELECT of scripts/bench/sweep_sql.py into an empty temporary copy of the inbox."
    )


def _drafts(ctx: Context) -> None:
    quarter = f"--quarter={ctx.quarter[0]}Q{ctx.quarter[1]}"
    reset("reviews_review", "reviews_documentcounter")
    job = run_job("reviews", quarter, env=ctx.env)
    units = job["result"] or 1
    per_unit = job["seconds"] / units
    t = ctx.table
    t.section("Quarterly drafts of every unit (own process)")
    t.add(
        f"generate_reviews, {units:,} units",
        f"{secs(job['seconds'])} · {job['queries']:,} queries",
        "",
        f"{per_unit * 1000:.1f} ms/unit",
        f"≤ {DRAFTS_SECONDS} s at {DRAFTS_UNITS:,} units (per unit)",
        verdict(per_unit * DRAFTS_UNITS <= DRAFTS_SECONDS),
    )
    _memory_row(t, "generate_reviews", job["peak_mb"])
    ctx.commands.append(f"Drafts: scripts/bench/job.py reviews {quarter} (→ {job['how']}).")


def _split(ctx: Context, job: str, arg: str, tables: tuple[str, ...], label: str) -> None:
    reset(*tables)
    one = run_job(job, arg, "--parts=0/2,1/2", env=ctx.env)
    reset(*tables)
    two = run_job([job, arg, "--parts=0/2"], [job, arg, "--parts=1/2"], env=ctx.env, parallel=2)
    t = ctx.table
    t.add(
        f"{label}, both halves in 1 process",
        f"{secs(one['seconds'])} (wall {secs(one['wall'])})",
    )
    t.add(
        f"{label}, one half in each of 2 processes",
        f"{secs(two['seconds'])} (wall {secs(two['wall'])})",
        f"{secs(one['seconds'])} in 1 process",
        f"{one['seconds'] / two['seconds']:.2f}× faster",
    )
    _memory_row(t, f"{label}, each of 2 processes", two["peak_mb"])
    ctx.commands.append(
        f"Split {label}: scripts/bench/job.py {job} {arg} --parts 0/2,1/2 in one process, then "
        f"--parts 0/2 and --parts 1/2 in two at once (→ {two['how']}); times without start-up."
    )


def _partitions(ctx: Context) -> None:
    ctx.table.section("Work split by cell/unit ids (issue 10, point 6)")
    sweep_tables = ("notifications_notification", "reminders_unitsweep")
    _split(ctx, "sweep", f"--today={ctx.today}", sweep_tables, "sweep")
    quarter = f"--quarter={ctx.quarter[0]}Q{ctx.quarter[1]}"
    _split(ctx, "reviews", quarter, ("reviews_review", "reviews_documentcounter"), "drafts")


def _generation(ctx: Context) -> None:
    data = ctx.data
    members = data["members"]
    per_member = data["seconds"] / members
    t = ctx.table
    t.section("Dataset generation (own process)")
    when = "reused: generated earlier" if data.get("reused") else "this run"
    judged = members >= GENERATION_MEMBERS
    t.add(
        f"generate_dataset, {members:,} members ({when})",
        secs(data["seconds"]),
        "",
        f"{per_member * 1e6:.0f} µs/member",
        f"≤ {GENERATION_SECONDS} s at {GENERATION_MEMBERS:,}",
        verdict(data["seconds"] <= GENERATION_SECONDS) if judged else "(at 100,000 only)",
    )
    t.add("generate_dataset: peak memory", mb(data["peak_mb"]))
    ctx.commands.append(
        f"Generation: manage.py generate_dataset --members {members} --seed {data['seed']} --flush."
    )


ALL = [_pages, _rollup, _pdfs, _sweep, _drafts, _partitions, _generation]
