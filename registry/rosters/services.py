"""Importing a roster from a file: upload → check (the dry run, row by row) → confirm.

- The upload keeps the file and checks its heading line; the check reads every row, finds
  what each would do (create, change which fields, nothing, or refuse and why) and keeps that
  plan with a digest of it. A small file is checked and imported within the request; a large
  one by the worker, claimed once (`core.exports`' mechanism), with its progress on the row.
- The confirmation applies the checked plan in ONE transaction: it checks the stored rows
  again against the registry as it is now, and imports only if that gives the same plan
  (otherwise nothing is written and the new check is shown). A worker killed mid-way leaves
  nothing; the catch-up sends the job again, which is then done once.
- Idempotent on the party card number: a person already in the cell with the same values is
  "no change"; a second import of the same file creates and changes nothing.
- The writes go through the bulk forms of the members' and units' services.
"""

import datetime
import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.access import policy
from registry.audit.services import audit_record
from registry.core import bulk, exports
from registry.core.text import fold
from registry.members import services as member_services
from registry.members.models import (
    Member,
    Membership,
    normalise_card_number,
)
from registry.units import services as unit_services
from registry.units.models import Unit, UnitKind

from . import reading
from .columns import BY_KEY, REQUIRED, key_of
from .models import RosterImport, RosterImportRow

logger = logging.getLogger(__name__)

RUN_TASK = "registry.rosters.tasks.run_import"
# Files up to this size are checked and imported while the person waits; larger ones go to
# the worker with a progress bar (about 2,000 rows of CSV).
SYNC_BYTES = 200 * 1024
PROGRESS_EVERY = 5000
# A worker still on a job after this long is taken for dead and the job sent again. A file of
# 200,000 rows on a busy machine takes minutes, never this long.
STALE_RUNNING = datetime.timedelta(minutes=30)
ROW_BATCH = 5000
CHUNK = 20_000

Action = RosterImportRow.Action
# What a check or an import writes on the job (never its stored rows again).
SUMMARY_FIELDS = [
    "stage",
    "status",
    "done",
    "total",
    "created",
    "changed",
    "unchanged",
    "refused",
    "attempts",
]

# Why a row is refused: a code kept with the row, worded when shown (in the reader's language).
MESSAGES = {
    "missing_card": gettext_lazy("The party card number is missing."),
    "bad_card": gettext_lazy("“%(value)s” is not a party card number (6 to 12 digits)."),
    "duplicate_card": gettext_lazy(
        "The party card number %(value)s is also on line %(other)s of the file."
    ),
    "missing_name": gettext_lazy("The full name is missing."),
    "too_long": gettext_lazy("%(column)s is longer than %(max)s characters."),
    "bad_date": gettext_lazy(
        "%(column)s: “%(value)s” is not a date (write day/month/year, e.g. 15/04/1985)."
    ),
    "future_date": gettext_lazy("%(column)s: %(value)s is in the future."),
    "old_date": gettext_lazy("%(column)s: %(value)s is before 1900."),
    "admission_before_birth": gettext_lazy(
        "The date of admission to the Party is before the date of birth."
    ),
    "too_young": gettext_lazy("Admitted to the Party before the age of 18."),
    "full_before_admission": gettext_lazy(
        "The date of full membership is before the date of admission."
    ),
    "probationary_with_date": gettext_lazy(
        "Marked as a probationary member, yet a date of full membership is given."
    ),
    "bad_gender": gettext_lazy("%(column)s: write Nam or Nữ, not “%(value)s”."),
    "bad_status": gettext_lazy("%(column)s: write Chính thức or Dự bị, not “%(value)s”."),
    "bad_cccd": gettext_lazy("A citizen ID (CCCD) has exactly 12 digits, not “%(value)s”."),
    "duplicate_cccd": gettext_lazy(
        "The citizen ID %(value)s is also on line %(other)s of the file."
    ),
    "cccd_taken": gettext_lazy("The citizen ID %(value)s is another person's in the registry."),
    "bad_phone": gettext_lazy("“%(value)s” is not a phone number."),
    "missing_unit": gettext_lazy("The unit code is missing."),
    "unknown_unit": gettext_lazy("No cell has the code “%(value)s” in %(unit)s."),
    "not_a_cell": gettext_lazy(
        "“%(value)s” is the code of %(name)s, which is not a cell: people belong to cells."
    ),
    "in_another_cell": gettext_lazy(
        "This party member belongs to another cell: a move between cells is a transfer "
        "(chuyển sinh hoạt đảng), issued from the person's page."
    ),
    "not_in_a_cell": gettext_lazy(
        "This party member no longer belongs to any cell (left or deceased): receive them "
        "on the cell's page."
    ),
    "no_group_kind": gettext_lazy("The registry has no kind of unit for party groups."),
}

GENDERS = {"nam": "nam", "nu": "nu", "male": "nam", "female": "nu"}
STATUSES = {
    "chinh thuc": Member.Status.FULL,
    "dang vien chinh thuc": Member.Status.FULL,
    "du bi": Member.Status.PROBATIONARY,
    "dang vien du bi": Member.Status.PROBATIONARY,
}
LIMITS = {"full_name": 120, "job_title": 200, "workplace": 200, "group": 200}
PHONE = re.compile(r"^\+?[0-9][0-9 .()\-]{5,19}$")
DATE_VN = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DATE_FIELDS = ("birth_date", "admission_date", "full_membership_date")
TEXT_FIELDS = ("full_name", "gender", "status", "citizen_id", "job_title", "workplace", "phone")


@functools.lru_cache(maxsize=1024)
def _folded(text: str) -> str:
    return fold(text)


def message(code: str, params: dict) -> str:
    """A refusal in the reader's language."""
    return str(MESSAGES[code]) % params if params else str(MESSAGES[code])


def show_value(key: str, value) -> str:
    """A value as the dry run and the report show it."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if key == "gender":
        return str(Member.Gender(value).label)
    if key == "status":
        return str(Member.Status(value).label)
    return str(value)


# --- Reading ---------------------------------------------------------------------------------


def check_headings(*, unit: Unit, headings: list[str]) -> list[str]:
    """The column keys of the file's heading line; refuses a file without the columns every
    row needs."""
    keys = [key_of(h) for h in headings]
    needed = [*REQUIRED, *([] if unit.kind.is_cell else ["cell_code"])]
    missing = [BY_KEY[k].heading for k in needed if k not in keys]
    if missing:
        raise ValidationError(
            _(
                "The file has no column “%(columns)s”. Download the template and keep its "
                "heading line."
            )
            % {"columns": "”, “".join(missing)}
        )
    return keys


@functools.lru_cache(maxsize=65536)
def parse_date(text: str) -> datetime.date | None:
    """dd/mm/yyyy (also with “.” or “-”), or yyyy-mm-dd; None when it is no date."""
    if match := DATE_VN.match(text):
        day, month, year = (int(x) for x in match.groups())
    elif match := DATE_ISO.match(text):
        year, month, day = (int(x) for x in match.groups())
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# --- The plan --------------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    card: str = ""
    name: str = ""
    cell_code: str = ""
    action: str = Action.CREATE
    values: dict = field(default_factory=dict)  # member fields given, parsed
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # [key, old, new] as shown
    cell: Unit | None = None
    group_name: str = ""
    group: Unit | None = None
    new_group: bool = False
    member_id: int | None = None
    period_id: int | None = None

    def refuse(self, code: str, **params) -> None:
        self.errors.append([code, {k: str(v) for k, v in params.items()}])

    def signature(self) -> list:
        return [
            self.line,
            self.action,
            self.card,
            self.member_id,
            self.cell.pk if self.cell else None,
            self.group_name if self.new_group else (self.group.pk if self.group else None),
            self.changes,
            [code for code, _params in self.errors],
        ]


def _parse_row(line: int, cells: dict, today: datetime.date) -> RowPlan:
    plan = RowPlan(line=line, cell_code=cells.get("cell_code", "").strip().lower())
    raw_card = cells.get("card_number", "")
    plan.card = normalise_card_number(raw_card)
    if not raw_card:
        plan.refuse("missing_card")
    elif not plan.card:
        plan.refuse("bad_card", value=raw_card)
        plan.card = raw_card[:40]
    plan.name = cells.get("full_name", "")
    if not plan.name:
        plan.refuse("missing_name")
    values = plan.values
    for key in ("full_name", "job_title", "workplace"):
        text = cells.get(key, "")
        if len(text) > LIMITS[key]:
            plan.refuse("too_long", column=BY_KEY[key].heading, max=LIMITS[key])
        elif text:
            values[key] = text
    for key in DATE_FIELDS:
        text = cells.get(key, "")
        if not text:
            continue
        day = parse_date(text)
        heading = BY_KEY[key].heading
        if day is None:
            plan.refuse("bad_date", column=heading, value=text)
        elif day > today:
            plan.refuse("future_date", column=heading, value=text)
        elif day.year < 1900:
            plan.refuse("old_date", column=heading, value=text)
        else:
            values[key] = day
    birth, admitted, full = (values.get(k) for k in DATE_FIELDS)
    if birth and admitted:
        if admitted < birth:
            plan.refuse("admission_before_birth")
        elif admitted < birth.replace(year=birth.year + 18, day=min(birth.day, 28)):
            plan.refuse("too_young")
    if admitted and full and full < admitted:
        plan.refuse("full_before_admission")
    if text := cells.get("gender", ""):
        if gender := GENDERS.get(_folded(text)):
            values["gender"] = gender
        else:
            plan.refuse("bad_gender", column=BY_KEY["gender"].heading, value=text)
    if text := cells.get("status", ""):
        if status := STATUSES.get(_folded(text)):
            values["status"] = status
            if status == Member.Status.PROBATIONARY and full:
                plan.refuse("probationary_with_date")
        else:
            plan.refuse("bad_status", column=BY_KEY["status"].heading, value=text)
    if text := cells.get("citizen_id", ""):
        digits = re.sub(r"[\s.]", "", text)
        if re.fullmatch(r"\d{12}", digits):
            values["citizen_id"] = digits
        else:
            plan.refuse("bad_cccd", value=text)
    if text := cells.get("phone", ""):
        if PHONE.match(text):
            values["phone"] = text
        else:
            plan.refuse("bad_phone", value=text)
    plan.group_name = cells.get("group", "")
    if len(plan.group_name) > LIMITS["group"]:
        plan.refuse("too_long", column=BY_KEY["group"].heading, max=LIMITS["group"])
    return plan


def _among(field_name: str, values: list) -> Q:
    """`field IN values` for a chunk of up to 20,000 values. On PostgreSQL it is a join with
    the unnested array, which the planner runs as index look-ups or a hash join; `= ANY`
    would compare every row of a large table with the whole array when the table's
    statistics are old (right after an import of 100,000 people: 11 s a chunk)."""
    if connection.vendor == "postgresql":
        kind = "bigint" if all(isinstance(v, int) for v in values) else "text"
        return Q(**{f"{field_name}__in": RawSQL(f"SELECT unnest(%s::{kind}[])", [values])})
    return Q(**{f"{field_name}__any": values})


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def make_plan(*, unit: Unit, rows: list, progress=None, share: float = 1.0) -> list[RowPlan]:
    """What importing `rows` ([line, {key: text}]) for `unit` would do, row by row, against
    the registry as it is now. A fixed number of queries per 20,000 rows."""
    today = timezone.localdate()
    plans = []
    for index, (line, cells) in enumerate(rows, start=1):
        plans.append(_parse_row(line, cells, today))
        if progress and index % PROGRESS_EVERY == 0:
            progress(int(index * share / 2))
    # Duplicates within the file: every line that repeats a card (or a citizen ID) is refused.
    for key, code in (("card", "duplicate_card"), ("citizen_id", "duplicate_cccd")):
        seen: dict[str, list[RowPlan]] = {}
        for plan in plans:
            value = plan.card if key == "card" else plan.values.get("citizen_id")
            if value and (key != "card" or normalise_card_number(value)):
                seen.setdefault(value, []).append(plan)
        for value, same in seen.items():
            for plan in same if len(same) > 1 else ():
                other = next(p.line for p in same if p is not plan)
                plan.refuse(code, value=value, other=other)
    # Cells by code, in the unit's sub-tree only; their party groups by name.
    codes = sorted({p.cell_code for p in plans if p.cell_code})
    by_code = {}
    for chunk in _chunks(codes):
        for found in Unit.objects.filter(code__any=chunk).select_related("kind"):
            by_code[found.code] = found
    groups = {}
    for group in Unit.objects.filter(path__startswith=unit.path, kind__is_group=True).only(
        "id", "name", "path", "depth"
    ):
        groups[(group.path[: -group.steplen], fold(group.name))] = group
    # People by card, with their open period; citizen IDs held by someone.
    cards = sorted({p.card for p in plans if p.card and normalise_card_number(p.card)})
    members = {}
    for chunk in _chunks(cards):
        for m in Member.objects.filter(_among("card_number", chunk)).values(
            "id", "card_number", *DATE_FIELDS, *TEXT_FIELDS
        ):
            members[m["card_number"]] = m
    periods = {}
    for chunk in _chunks([m["id"] for m in members.values()]):
        for period in (
            Membership.objects.current()
            .filter(_among("member_id", chunk))
            .order_by()
            .values("id", "member_id", "cell_id", "group_id")
        ):
            periods[period["member_id"]] = period
    ids_wanted = sorted({p.values["citizen_id"] for p in plans if "citizen_id" in p.values})
    holders = {}
    for chunk in _chunks(ids_wanted):
        holders.update(
            Member.objects.filter(_among("citizen_id", chunk)).values_list(
                "citizen_id", "card_number"
            )
        )
    group_kind = None
    if any(p.group_name for p in plans):
        group_kind = UnitKind.objects.filter(is_group=True).order_by("position").first()
    groups_by_id = {g.pk: g for g in groups.values()}
    for index, plan in enumerate(plans, start=1):
        _decide(plan, unit, by_code, groups, groups_by_id, members, periods, holders, group_kind)
        if progress and index % PROGRESS_EVERY == 0:
            progress(int(share * (len(plans) + index) / 2))
    return plans


def _decide(plan, unit, by_code, groups, groups_by_id, members, periods, holders, group_kind):
    if plan.cell_code:
        cell = by_code.get(plan.cell_code)
        if cell is None or not cell.path.startswith(unit.path):
            plan.refuse("unknown_unit", value=plan.cell_code, unit=unit.name)
        elif not cell.kind.is_cell:
            plan.refuse("not_a_cell", value=plan.cell_code, name=cell.name)
        else:
            plan.cell = cell
    elif unit.kind.is_cell:
        plan.cell = unit
    else:
        plan.refuse("missing_unit")
    if plan.cell is not None and plan.group_name:
        plan.group = groups.get((plan.cell.path, fold(plan.group_name)))
        if plan.group is None:
            if group_kind is None:
                plan.refuse("no_group_kind")
            plan.new_group = True
    cid = plan.values.get("citizen_id")
    if cid and holders.get(cid, plan.card) != plan.card:
        plan.refuse("cccd_taken", value=cid)
    existing = members.get(plan.card)
    if existing is not None:
        plan.member_id = existing["id"]
        period = periods.get(existing["id"])
        if period is None:
            plan.refuse("not_in_a_cell")
        elif plan.cell is not None and period["cell_id"] != plan.cell.pk:
            plan.refuse("in_another_cell")
        elif plan.cell is not None:
            plan.period_id = period["id"]
            for key, value in plan.values.items():
                if value != existing[key]:
                    old = show_value(key, existing[key])
                    plan.changes.append([key, old, show_value(key, value)])
            new_group = plan.group.pk if plan.group else None
            if plan.group_name and (plan.new_group or new_group != period["group_id"]):
                old = groups_by_id.get(period["group_id"])
                plan.changes.append(["group", old.name if old else "", plan.group_name])
    if plan.errors:
        plan.action = Action.REFUSE
    elif existing is None:
        plan.action = Action.CREATE
    else:
        plan.action = Action.CHANGE if plan.changes else Action.UNCHANGED


def digest(plans: list[RowPlan]) -> str:
    text = json.dumps([p.signature() for p in plans], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _counts(plans: list[RowPlan]) -> dict:
    counts = {action: 0 for action in Action.values}
    for plan in plans:
        counts[plan.action] += 1
    return {
        "created": counts[Action.CREATE],
        "changed": counts[Action.CHANGE],
        "unchanged": counts[Action.UNCHANGED],
        "refused": counts[Action.REFUSE],
    }


# --- Progress --------------------------------------------------------------------------------


def _progress_writer(job_id: int):
    """Write how many rows are done where the page's poll sees it at once: a plain UPDATE
    outside a transaction; inside the import's transaction, through a connection of its own
    (PostgreSQL; elsewhere the bar jumps when the transaction ends)."""

    def write(done: int) -> None:
        if not connection.in_atomic_block:
            RosterImport.objects.filter(pk=job_id).update(done=done)
        elif connection.vendor == "postgresql":
            side = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {RosterImport._meta.db_table} SET done = %s WHERE id = %s",
                        [done, job_id],
                    )
            finally:
                side.close()

    return write


# --- Upload, check, confirm ------------------------------------------------------------------


def runs_in_worker(job: RosterImport) -> bool:
    return job.file.size > SYNC_BYTES


def import_upload(*, unit: Unit, actor, name: str, data: bytes) -> RosterImport:
    """Keep the uploaded file and check it: at once for a small file, by the worker for a
    large one. A file that cannot be read, or lacks a needed column, is refused here."""
    if not policy.can_import_roster(actor, unit):
        raise PermissionDenied
    try:
        headings = reading.read_headings(name, data)
    except reading.FileRefused as exc:
        raise ValidationError(str(exc)) from None
    check_headings(unit=unit, headings=headings)
    suffix = ".xlsx" if data.startswith(reading.XLSX_MAGIC) else ".csv"
    with transaction.atomic():
        job = RosterImport.objects.create(
            unit=unit,
            requested_by=actor,
            requested_at=timezone.now(),
            filename=(name or "danh-sach")[:200],
        )
        job.file.save(f"rosters/{unit.pk}-{job.pk}{suffix}", ContentFile(data), save=False)
        job.save(update_fields=["file"])
        big = runs_in_worker(job)
        if big:
            exports.send_after_commit(RosterImport, RUN_TASK, job.pk)
    if not big:
        _run_here(job.pk)
    return _summary(job.pk)


def _summary(job_id: int) -> RosterImport:
    """The job as its page shows it: without the rows read, which only the work reads."""
    return RosterImport.objects.select_related("unit__kind").defer("rows").get(pk=job_id)


def import_confirm(*, job: RosterImport, actor) -> RosterImport:
    """Apply the checked plan (at once for a small file, by the worker for a large one)."""
    with transaction.atomic():
        job = (
            RosterImport.objects.select_for_update()
            .select_related("unit__kind")
            .defer("rows")
            .get(pk=job.pk)
        )
        if not policy.can_import_roster(actor, job.unit):
            raise PermissionDenied
        if job.is_applied:
            raise ValidationError(_("This file has already been imported."))
        if not job.can_confirm:
            raise ValidationError(
                _(
                    "Nothing can be imported while a row is refused: correct the file and "
                    "upload it again."
                )
            )
        job.stage, job.status = RosterImport.Stage.APPLY, RosterImport.Status.QUEUED
        job.requested_by, job.requested_at = actor, timezone.now()
        job.done, job.notice, job.error = 0, "", ""
        job.save(
            update_fields=[
                *("stage", "status", "requested_by", "requested_at", "done", "notice", "error")
            ]
        )
        big = runs_in_worker(job)
        if big:
            exports.send_after_commit(RosterImport, RUN_TASK, job.pk)
    if not big:
        _run_here(job.pk)
    return _summary(job.pk)


def imports_resend_stalled(*, now=None) -> int:
    """The catch-up: checks and imports whose message was lost, or whose worker died."""
    return exports.resend_stalled(RosterImport, RUN_TASK, now=now, stale_rendering=STALE_RUNNING)


def _run_here(job_id: int) -> None:
    """Run a small job in the request: a failure is recorded on the job, whose page says it."""
    try:
        import_run(job_id=job_id)
    except Exception:
        logger.exception("roster import %s failed", job_id)


class _PlanChanged(Exception):
    def __init__(self, plans, notice):
        super().__init__(notice)
        self.plans, self.notice = plans, notice


def import_run(*, job_id: int) -> RosterImport:
    """The job's work, claimed once: a redelivered message finds it claimed or done."""
    claimed = RosterImport.objects.filter(
        pk=job_id, status__in=[RosterImport.Status.QUEUED, RosterImport.Status.FAILED]
    ).update(status=RosterImport.Status.RENDERING, started_at=timezone.now(), error="")
    job = (
        RosterImport.objects.select_related("unit__kind", "requested_by")
        .defer("rows")
        .get(pk=job_id)
    )
    if not claimed:
        return job
    try:
        if job.stage == RosterImport.Stage.CHECK:
            _check(job)
        else:
            try:
                _apply(job)
            except _PlanChanged as changed:
                _store_plan(job, changed.plans, notice=changed.notice)
    except (reading.FileRefused, ValidationError) as exc:
        # The file cannot be read after all (a broken line far down): the page says why.
        reason = str(exc) if isinstance(exc, reading.FileRefused) else " ".join(exc.messages)
        RosterImport.objects.filter(pk=job_id).update(
            status=RosterImport.Status.FAILED,
            error=reason[:500],
            finished_at=timezone.now(),
            attempts=job.attempts + 1,
        )
    except Exception as exc:
        RosterImport.objects.filter(pk=job_id).update(
            status=RosterImport.Status.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:500],
            finished_at=timezone.now(),
            attempts=job.attempts + 1,
        )
        raise
    return _summary(job_id)


def _check(job: RosterImport) -> None:
    with job.file.open("rb") as handle:
        data = handle.read()
    table = reading.read_table(job.filename, data)
    keys = check_headings(unit=job.unit, headings=table.headings)
    rows = [
        [line, {k: v for k, v in zip(keys, values, strict=False) if k and v}]
        for line, values in table.rows
    ]
    RosterImport.objects.filter(pk=job.pk).update(total=len(rows), done=0)
    job.rows, job.encoding, job.total = rows, table.encoding, len(rows)
    job.save(update_fields=["rows", "encoding", "total"])
    plans = make_plan(unit=job.unit, rows=rows, progress=_progress_writer(job.pk), share=0.9)
    _store_plan(job, plans)


@transaction.atomic
def _store_plan(job: RosterImport, plans: list[RowPlan], *, notice: str = "") -> None:
    """Keep the plan of a check (the dry run) and what it counts."""
    RosterImportRow.objects.filter(job=job).delete()
    bulk.insert_rows(
        RosterImportRow,
        ["job_id", "line", "action", "card_number", "full_name", "cell_code", "details"],
        [
            (
                job.pk,
                p.line,
                p.action,
                p.card[:40],
                p.name[:200],
                p.cell_code[:120],
                {
                    k: v
                    for k, v in (
                        ("changes", p.changes),
                        ("errors", p.errors),
                        ("new_group", p.group_name if p.new_group else ""),
                    )
                    if v
                },
            )
            for p in plans
        ],
        batch_size=ROW_BATCH,
    )
    for name, value in _counts(plans).items():
        setattr(job, name, value)
    job.digest = digest(plans)
    job.stage, job.status = RosterImport.Stage.CHECK, RosterImport.Status.READY
    job.notice, job.done, job.total = notice, len(plans), len(plans)
    job.finished_at = timezone.now()
    job.attempts += 1
    job.save(update_fields=[*SUMMARY_FIELDS, "digest", "notice", "finished_at"])


def _apply(job: RosterImport) -> None:
    """One transaction: check again, then write exactly the checked plan, or nothing."""
    write_progress = _progress_writer(job.pk)
    actor = job.requested_by
    with transaction.atomic():
        if not policy.can_import_roster(actor, job.unit):
            raise PermissionDenied
        rows = RosterImport.objects.filter(pk=job.pk).values_list("rows", flat=True).get()
        cards = sorted({normalise_card_number(c.get("card_number", "")) for _l, c in rows})
        existing = []
        for chunk in _chunks([c for c in cards if c]):
            existing += Member.objects.filter(_among("card_number", chunk)).values_list(
                "pk", flat=True
            )
        member_services.lock_members(existing)
        plans = make_plan(unit=job.unit, rows=rows, progress=write_progress, share=0.8)
        refused = [p for p in plans if p.action == Action.REFUSE]
        if refused or digest(plans) != job.digest:
            raise _PlanChanged(
                plans,
                _(
                    "The registry changed since the check: nothing was imported. Here is the "
                    "file checked again; confirm again if it is right."
                ),
            )
        try:
            with transaction.atomic():
                counts = _write(job, plans, actor)
        except IntegrityError:
            raise _PlanChanged(
                make_plan(unit=job.unit, rows=rows),
                _(
                    "Someone recorded some of these people meanwhile: nothing was imported. "
                    "Here is the file checked again."
                ),
            ) from None
        job.stage, job.status = RosterImport.Stage.APPLY, RosterImport.Status.READY
        job.created, job.changed = counts["created"], counts["changed"]
        job.unchanged, job.refused = counts["unchanged"], 0
        job.done = job.total
        job.applied_at = job.finished_at = timezone.now()
        job.attempts += 1
        job.save(update_fields=[*SUMMARY_FIELDS, "applied_at", "finished_at"])
        audit_record(
            actor=actor,
            action="roster.import",
            target=job,
            summary=job.filename,
            unit=job.unit_id,
            created=counts["created"],
            changed=counts["changed"],
            unchanged=counts["unchanged"],
        )


def _write(job: RosterImport, plans: list[RowPlan], actor) -> dict:
    today = timezone.localdate()
    tag = {"import": job.pk}
    # Party groups not found by name in their cell are created there first.
    wanted: dict[int, dict[str, str]] = {}
    for plan in plans:
        if plan.new_group:
            wanted.setdefault(plan.cell.pk, {}).setdefault(fold(plan.group_name), plan.group_name)
    if wanted:
        cells = {p.cell.pk: p.cell for p in plans if p.new_group}
        made = unit_services.groups_create_bulk(
            names_by_cell={cells[pk]: list(names.values()) for pk, names in wanted.items()},
            kind=UnitKind.objects.filter(is_group=True).order_by("position").first(),
            actor=actor,
        )
        for plan in plans:
            if plan.new_group:
                name = wanted[plan.cell.pk][fold(plan.group_name)]
                plan.group = made[(plan.cell.pk, name)]
    creates = [p for p in plans if p.action == Action.CREATE]
    member_services.members_create_bulk(
        people=[
            (
                {
                    "category": Member.Category.PARTY_MEMBER,
                    "card_number": p.card,
                    "full_name": p.name,
                    **p.values,
                    "status": p.values.get("status")
                    or (
                        Member.Status.FULL
                        if p.values.get("full_membership_date")
                        else Member.Status.PROBATIONARY
                    ),
                },
                p.cell,
                p.group,
            )
            for p in creates
        ],
        since=today,
        actor=actor,
        **tag,
    )
    changes = [p for p in plans if p.action == Action.CHANGE]
    field_changes = {p.member_id: p for p in changes if any(c[0] != "group" for c in p.changes)}
    people = {}
    for chunk in _chunks(sorted(field_changes)):
        people.update((m.pk, m) for m in Member.objects.filter(pk__any=chunk))
    member_services.members_update_bulk(
        changes=[
            (
                people[member_id],
                {c[0]: p.values[c[0]] for c in p.changes if c[0] != "group"},
            )
            for member_id, p in field_changes.items()
        ],
        actor=actor,
        **tag,
    )
    moves = [p for p in changes if any(c[0] == "group" for c in p.changes)]
    periods = {}
    for chunk in _chunks(sorted(p.period_id for p in moves)):
        periods.update(
            (m.pk, m) for m in Membership.objects.filter(pk__any=chunk).select_related("cell__kind")
        )
    member_services.members_set_group_bulk(
        moves=[(periods[p.period_id], p.group) for p in moves], on=today, actor=actor, **tag
    )
    return _counts(plans)
