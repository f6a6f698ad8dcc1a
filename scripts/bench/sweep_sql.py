"""The anchor of the reminder sweep: one `INSERT … SELECT … ON CONFLICT DO NOTHING` that
computes, in SQL, the inbox rows of the three rules the sweep writes in this season – reports
due or overdue (members), plans waiting for approval and reports to accept (the cells'
deciders) – and inserts them into a temporary copy of the inbox table (same columns,
defaults, unique key and indexes), empty at each run. The deadlines come from the province's
programme (the dataset sets them nationwide). Its rows are compared, by their unique key
(person, rule, key, step), with those the sweep wrote; a difference is shown, and so are rows
of other rules (registration closing, review drafts), which the anchor does not compute."""

import datetime
import statistics
import time

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from registry.core.periods import QUARTERS, Period, end_of_day
from registry.pledges.standing import year_closes
from registry.programmes.selectors import programme_for

RULES = ("report_due", "approval_waiting", "reports_to_accept")
ID = 987654321  # placeholder id, to learn the shape of a URL from `reverse`

SQL = """
INSERT INTO bench_notification
    (user_id, rule, period, step, params, url, due, created_at, email_status, email_attempts,
     email_error)
WITH q (year, quarter, as_of, cutoff, deadline) AS (
    SELECT * FROM unnest(%(years)s::int[], %(quarters)s::int[], %(as_of)s::date[],
                         %(cutoffs)s::timestamptz[], %(deadlines)s::date[])
),
deadlines (year, quarter, deadline) AS (
    SELECT * FROM unnest(%(all_years)s::int[], %(all_quarters)s::int[], %(all_deadlines)s::date[])
),
with_account AS (
    SELECT ms.member_id, m.user_id FROM members_membership ms
    JOIN members_member m ON m.id = ms.member_id
    WHERE ms.end_date IS NULL AND m.user_id IS NOT NULL
),
quarters_of AS MATERIALIZED (
    SELECT q.year, q.quarter, q.deadline, ms.cell_id, a.user_id, pl.id AS plan_id
    FROM with_account a
    JOIN members_membership ms ON ms.member_id = a.member_id
    JOIN pledges_plan pl
      ON pl.member_id = a.member_id AND pl.first_approved_at <= %(today_cut)s
    JOIN q ON q.year = pl.year AND ms.start_date <= q.as_of
          AND (ms.end_date IS NULL OR ms.end_date > q.as_of)
    WHERE q.deadline IS NOT NULL
),
due AS (  -- one aggregate over the quarters, items and reports of each plan
    SELECT max(user_id) AS user_id, max(cell_id) AS cell_id, year, quarter,
           max(deadline) AS deadline, sum(items) - sum(filed) AS items,
           max(deadline) - %(today)s AS days
    FROM (
        SELECT plan_id, year, quarter, user_id, cell_id, deadline, 0 AS items, 0 AS filed,
               true AS asked
        FROM quarters_of
        UNION ALL
        SELECT i.plan_id, q.year, q.quarter, NULL, NULL, NULL, 1, 0, false
        FROM pledges_planitem i JOIN q ON i.approved_at <= q.cutoff
        UNION ALL
        SELECT i.plan_id, q.year, q.quarter, NULL, NULL, NULL, 0, 1, false
        FROM pledges_progressreport r
        JOIN pledges_planitem i ON i.id = r.item_id
        JOIN q ON q.quarter = r.quarter AND i.approved_at <= q.cutoff
        WHERE r.first_filed_at <= %(today_cut)s
    ) rows
    GROUP BY plan_id, year, quarter
    HAVING bool_or(asked) AND sum(filed) < sum(items)
),
pending AS (
    SELECT pl.member_id, pl.year, r.quarter, count(*) AS n
    FROM pledges_progressreport r
    JOIN pledges_planitem i ON i.id = r.item_id
    JOIN pledges_plan pl ON pl.id = i.plan_id
    WHERE r.review = 'pending' AND pl.year = ANY(%(accept_years)s)
    GROUP BY pl.member_id, pl.year, r.quarter
),
in_cells AS (
    SELECT ms.member_id, ms.cell_id, m.user_id AS owner, m.full_name FROM members_membership ms
    JOIN members_member m ON m.id = ms.member_id
    WHERE ms.end_date IS NULL
      AND ms.cell_id IN (SELECT unit_id FROM access_roleassignment)
),
deciders AS (
    SELECT DISTINCT ic.member_id, ic.cell_id, ic.full_name, r.user_id
    FROM in_cells ic
    JOIN access_roleassignment r ON r.unit_id = ic.cell_id
    WHERE r.user_id IS DISTINCT FROM ic.owner
      AND (r.role IN ('secretary', 'deputy_secretary')
           OR (r.role = 'committee_member' AND EXISTS (
                 SELECT 1 FROM access_roleassignment l
                 WHERE l.unit_id = ic.cell_id AND l.user_id = ic.owner
                   AND l.role IN ('secretary', 'deputy_secretary'))))
),
to_accept AS (
    SELECT d.user_id, d.cell_id, p.year, p.quarter, dl.deadline, sum(p.n) AS n
    FROM pending p
    JOIN deciders d ON d.member_id = p.member_id
    JOIN deadlines dl ON dl.year = p.year AND dl.quarter = p.quarter
    WHERE %(today)s > dl.deadline
    GROUP BY d.user_id, d.cell_id, p.year, p.quarter, dl.deadline
)
SELECT user_id, 'report_due', cell_id || '/' || year || 'Q' || quarter,
       CASE WHEN days >= 0 THEN CASE WHEN days <= 1 THEN '1d' ELSE '7d' END
            ELSE 'overdue-' || ((-days - 1) / 7 + 1) END,
       jsonb_build_object('year', year, 'quarter', quarter, 'items', items),
       replace(%(plan_year_url)s, %(id)s, year::text), deadline, now(), 'pending', 0, ''
FROM due WHERE days < 0 OR days <= 7
UNION ALL
SELECT d.user_id, 'approval_waiting',
       'plan-' || pl.id || '-' || to_char(pl.last_submitted_at AT TIME ZONE %(tz)s, 'YYYYMMDD')
         || '/' || d.cell_id,
       '5d',
       jsonb_build_object(
         'name', d.full_name,
         'days', floor(extract(epoch FROM %(now)s - pl.last_submitted_at) / 86400)),
       replace(%(plan_url)s, %(id)s, pl.id::text), NULL, now(), 'pending', 0, ''
FROM pledges_plan pl JOIN deciders d ON d.member_id = pl.member_id
WHERE pl.status = 'submitted' AND pl.last_submitted_at <= %(now)s - interval '5 days'
UNION ALL
SELECT user_id, 'reports_to_accept', cell_id || '/' || year || 'Q' || quarter, 'after_deadline',
       jsonb_build_object('quarter', quarter, 'count', n, 'year', year),
       replace(%(cell_url)s, %(id)s, cell_id::text) || '?year=' || year || '&q=' || quarter
         || '#to-review',
       deadline, now(), 'pending', 0, ''
FROM to_accept
ON CONFLICT DO NOTHING
"""


def params(province, today: datetime.date) -> dict:
    years = [y for y in (today.year - 1, today.year) if today <= year_closes(y)]
    started = [Period(y, q) for y in years for q in QUARTERS if Period(y, q).has_started(today)]
    programmes = {y: programme_for(unit=province, year=y) for y in (today.year - 1, today.year)}
    every = [(y, q) for y in programmes for q in QUARTERS]
    return {
        "years": [p.year for p in started],
        "quarters": [p.quarter for p in started],
        "as_of": [p.as_of(today) for p in started],
        "cutoffs": [end_of_day(p.as_of(today)) for p in started],
        "deadlines": [programmes[p.year].quarter_deadline(p.quarter) for p in started],
        "all_years": [y for y, _q in every],
        "all_quarters": [q for _y, q in every],
        "all_deadlines": [programmes[y].quarter_deadline(q) for y, q in every],
        "accept_years": [today.year - 1, today.year],
        "today": today,
        "today_cut": end_of_day(today),
        "now": timezone.make_aware(datetime.datetime.combine(today, datetime.time(12))),
        "tz": settings.TIME_ZONE,
        "id": str(ID),
        "plan_year_url": reverse("pledges:my_plan_year", args=[ID]),
        "plan_url": reverse("pledges:detail", args=[ID]),
        "cell_url": reverse("cells:dashboard", args=[ID]),
    }


def _fresh_table(cursor) -> None:
    cursor.execute("DROP TABLE IF EXISTS bench_notification")
    cursor.execute(
        "CREATE TEMP TABLE bench_notification (LIKE notifications_notification INCLUDING ALL)"
    )


def _keys(cursor, table: str) -> set[tuple]:
    cursor.execute(
        f"SELECT user_id, rule, period, step FROM {table} WHERE rule = ANY(%s)", [list(RULES)]
    )
    return set(cursor.fetchall())


def measure(province, today: datetime.date, times: int = 3) -> dict:
    """Median time of the INSERT … SELECT, its row count, and how its rows differ from the
    sweep's (call after the sweep's first run)."""
    values = params(province, today)
    runs = []
    with connection.cursor() as cursor:
        for _ in range(times):
            _fresh_table(cursor)
            started = time.perf_counter()
            cursor.execute(SQL, values)
            runs.append(time.perf_counter() - started)
        mine = _keys(cursor, "bench_notification")
        theirs = _keys(cursor, "notifications_notification")
        cursor.execute(
            "SELECT rule, count(*) FROM notifications_notification WHERE NOT rule = ANY(%s) "
            "GROUP BY rule",
            [list(RULES)],
        )
        other_rules = dict(cursor.fetchall())
        cursor.execute("DROP TABLE bench_notification")
    return {
        "seconds": statistics.median(runs),
        "rows": len(mine),
        "only_sql": len(mine - theirs),
        "only_sweep": len(theirs - mine),
        "other_rules": other_rules,
    }
