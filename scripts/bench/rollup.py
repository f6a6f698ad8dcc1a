"""The province roll-up (`reviews.figures.unit_figures`) against the best single SQL statement
we could write for the same main figures: per quarter up to the review's, the party members
counted in the sub-tree's cells on the quarter's day, the registered and the approved plans,
the items that count by report status, and the plans on time, late, missing and not yet due.
The SQL takes the programme's deadlines as parameters (the dataset sets them nationwide, with
no override below); its numbers are compared with unit_figures' and any difference is shown."""

import datetime
import statistics
import time

from django.db import connection

from registry.core.periods import Period, end_of_day
from registry.pledges.standing import REPORT_STATUSES, quarters_up_to
from registry.programmes.selectors import programme_for
from registry.reviews.figures import unit_figures

SQL = """
WITH q (quarter, as_of, cutoff, deadline) AS (
    SELECT * FROM unnest(%(quarters)s::int[], %(as_of)s::date[], %(cutoffs)s::timestamptz[],
                         %(deadlines)s::date[])
),
member_plans AS MATERIALIZED (
    SELECT ms.start_date, ms.end_date, m.category = 'dang_vien' AS party,
           pl.id, pl.submitted_at, pl.first_approved_at
    FROM members_membership ms
    JOIN units_unit u ON u.id = ms.cell_id AND u.path LIKE %(prefix)s
    JOIN units_unitkind k ON k.id = u.kind_id AND k.is_cell
    JOIN members_member m ON m.id = ms.member_id
    LEFT JOIN pledges_plan pl ON pl.member_id = ms.member_id AND pl.year = %(year)s
),
plans AS MATERIALIZED (
    SELECT q.quarter, mp.party, mp.id,
           mp.submitted_at <= q.cutoff AS registered, mp.first_approved_at <= q.cutoff AS approved
    FROM member_plans mp
    JOIN q ON mp.start_date <= q.as_of AND (mp.end_date IS NULL OR mp.end_date > q.as_of)
),
per_plan AS (  -- one aggregate over the plans, their items and reports: no join of aggregates
    SELECT quarter, plan_id, sum(items) AS items, sum(breakthrough) AS breakthrough,
           sum(filed) AS filed, bool_or(late) AS late, sum(not_started) AS not_started,
           sum(in_progress) AS in_progress, sum(done) AS done, sum(not_done) AS not_done
    FROM (
        SELECT quarter, id AS plan_id, 0 AS items, 0 AS breakthrough, 0 AS filed, false AS late,
               0 AS not_started, 0 AS in_progress, 0 AS done, 0 AS not_done, true AS approved
        FROM plans WHERE approved
        UNION ALL
        SELECT q.quarter, i.plan_id, 1, i.is_breakthrough::int, 0, false, 0, 0, 0, 0, false
        FROM pledges_planitem i JOIN q ON i.approved_at <= q.cutoff
        UNION ALL
        SELECT r.quarter, i.plan_id, 0, 0, 1, r.is_late, (r.status = 'not_started')::int,
               (r.status = 'in_progress')::int, (r.status = 'done')::int,
               (r.status = 'not_done')::int, false
        FROM pledges_progressreport r
        JOIN pledges_planitem i ON i.id = r.item_id
        JOIN q ON q.quarter = r.quarter AND i.approved_at <= q.cutoff
        WHERE r.first_filed_at <= %(on_cutoff)s
    ) rows
    GROUP BY quarter, plan_id
    HAVING bool_or(approved) AND sum(items) > 0
),
counted AS (
    SELECT quarter, count(*) FILTER (WHERE party) AS members,
           count(*) FILTER (WHERE party AND registered) AS registered,
           count(*) FILTER (WHERE approved) AS approved_plans
    FROM plans GROUP BY quarter
),
states AS (
    SELECT pp.quarter,
           sum(items) AS items, sum(breakthrough) AS breakthrough,
           sum(not_started) AS items_not_started, sum(in_progress) AS items_in_progress,
           sum(done) AS items_done, sum(not_done) AS items_not_done,
           sum(items - filed) AS items_not_reported,
           count(*) FILTER (WHERE filed >= items AND NOT late) AS reports_on_time,
           count(*) FILTER (WHERE filed >= items AND late) AS reports_late,
           count(*) FILTER (WHERE filed < items AND %(on)s > q.deadline) AS reports_missing,
           count(*) FILTER (WHERE filed < items AND NOT coalesce(%(on)s > q.deadline, false))
             AS reports_not_due
    FROM per_plan pp JOIN q ON q.quarter = pp.quarter
    GROUP BY pp.quarter
)
SELECT q.quarter, c.members, c.registered, c.approved_plans, s.items, s.breakthrough,
       s.items_not_started, s.items_in_progress, s.items_done, s.items_not_done,
       s.items_not_reported, s.reports_on_time, s.reports_late, s.reports_missing,
       s.reports_not_due
FROM q LEFT JOIN counted c ON c.quarter = q.quarter LEFT JOIN states s ON s.quarter = q.quarter
ORDER BY q.quarter
"""
COLUMNS = [
    "members", "registered", "approved_plans", "items", "breakthrough",
    *[f"items_{s}" for s in REPORT_STATUSES], "items_not_reported",
    "reports_on_time", "reports_late", "reports_missing", "reports_not_due",
]  # fmt: skip


def raw_figures(province, period: Period, on: datetime.date) -> dict[int, dict]:
    """{quarter: figures} from the one SQL statement."""
    programme = programme_for(unit=province, year=period.year)
    quarters = quarters_up_to(period)
    params = {
        "quarters": [p.quarter for p in quarters],
        "as_of": [p.as_of(on) for p in quarters],
        "cutoffs": [end_of_day(p.as_of(on)) for p in quarters],
        "deadlines": [programme.quarter_deadline(p.quarter) for p in quarters],
        "prefix": province.path + "%",
        "year": period.year,
        "on": on,
        "on_cutoff": end_of_day(on),
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        rows = cursor.fetchall()
    return {row[0]: dict(zip(COLUMNS, (int(v or 0) for v in row[1:]), strict=True)) for row in rows}


def differences(figures: dict, raw: dict[int, dict], period: Period) -> list[str]:
    """Where the SQL and unit_figures disagree (the period's figures and the chart's series)."""
    found = []
    last = raw[period.last_quarter]
    for name in COLUMNS:
        if figures.get(name) != last[name]:
            found.append(f"{name}: unit_figures {figures.get(name)} vs SQL {last[name]}")
    for quarter, series in figures.get("by_quarter", {}).items():
        mine = raw[int(quarter)]
        for status in REPORT_STATUSES:
            if series.get(status) != mine[f"items_{status}"]:
                found.append(
                    f"Q{quarter} items_{status}: {series.get(status)} vs {mine[f'items_{status}']}"
                )
        if series.get("none") != mine["items_not_reported"]:
            found.append(
                f"Q{quarter} not reported: {series.get('none')} vs {mine['items_not_reported']}"
            )
    return found


def _median_ms(fn, times: int = 3) -> tuple[float, object]:
    results, value = [], None
    for _ in range(times):
        started = time.perf_counter()
        value = fn()
        results.append((time.perf_counter() - started) * 1000)
    return statistics.median(results), value


def measure(province, period: Period, on: datetime.date) -> dict:
    app_ms, (figures, _rows) = _median_ms(lambda: unit_figures(unit=province, period=period, on=on))
    sql_ms, raw = _median_ms(lambda: raw_figures(province, period, on))
    return {"app_ms": app_ms, "sql_ms": sql_ms, "differences": differences(figures, raw, period)}
