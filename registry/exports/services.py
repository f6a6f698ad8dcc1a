"""Exports: a small table is written at once by the view; a large one (more than
`settings.EXPORT_LARGE_ROWS` rows) is queued here, written by a worker (`core.exports`:
claimed once, sent after the commit, sent again by the catch-up) and kept `KEPT_DAYS` for
its owner."""

import datetime
import os
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit.services import audit_record
from registry.core import exports
from registry.core.tables import FORMATS, Table, write_csv, write_xlsx

from . import tables
from .models import KEPT_DAYS, TableExport

RENDER_TASK = "registry.exports.tasks.render_table"


def large_rows() -> int:
    """More rows than this: written by a worker, downloaded from "My exports"."""
    return settings.EXPORT_LARGE_ROWS


def file_name(table: Table, fmt: str, today: datetime.date) -> str:
    return f"{table.filename}-{today:%Y%m%d}.{fmt}"


def export_request(
    *, what: str, pk: int | None, params: dict, fmt: str, actor, now=None
) -> TableExport:
    """Queue the table `what` of `pk` for `actor` (who must be able to read it: Http404
    otherwise, as the page); a worker writes it after the commit."""
    if fmt not in FORMATS:
        raise Http404
    now = now or timezone.now()
    table = tables.table_for(what, user=actor, pk=pk, params=params, today=timezone.localdate(now))
    with transaction.atomic():
        job = TableExport.objects.create(
            what=what,
            object_id=pk,
            params={k: str(v) for k, v in params.items() if k in tables.PARAMS},
            format=fmt,
            title=(table.notes[0] if table.notes else table.title)[:200],
            rows=table.count,
            requested_by=actor,
            requested_at=now,
        )
        audit_record(actor=actor, action="export.request", target=job, what=what, rows=table.count)
        exports.send_after_commit(TableExport, RENDER_TASK, job.pk)
    return job


def _write(job: TableExport):
    """(filename, mimetype, bytes) of the job's table, built again as its owner sees it now."""
    owner = job.requested_by
    if owner is None or not owner.is_active:
        raise PermissionDenied(_("The person who asked for this export can no longer sign in."))
    try:
        table = tables.table_for(
            job.what,
            user=owner,
            pk=job.object_id,
            params=job.params,
            today=timezone.localdate(job.requested_at),
        )
    except Http404:
        raise PermissionDenied(_("This table is no longer within your reach.")) from None
    TableExport.objects.filter(pk=job.pk).update(rows=table.count, rows_written=0)

    def progress(n: int) -> None:
        TableExport.objects.filter(pk=job.pk).update(rows_written=n)

    fd, path = tempfile.mkstemp(suffix=f".{job.format}")
    try:
        with os.fdopen(fd, "wb") as out:
            if job.format == TableExport.Format.XLSX:
                write_xlsx(table, out, progress=progress)
            else:
                write_csv(_counted(table, progress), out)
        with open(path, "rb") as written:
            content = written.read()
    finally:
        os.unlink(path)
    progress(table.count)
    return (
        file_name(table, job.format, timezone.localdate(job.requested_at)),
        FORMATS[job.format],
        content,
    )


def _counted(table: Table, progress) -> Table:
    """The same table, calling `progress` every 1,000 rows read."""

    def rows():
        for n, row in enumerate(table.rows(), start=1):
            if n % 1000 == 0:
                progress(n)
            yield row

    return Table(table.title, table.filename, table.columns, rows, table.count, table.notes)


def export_render(*, export_id: int) -> TableExport:
    """Claim the export (a redelivered task finds it claimed or done and stops), write it,
    store it."""
    return exports.render_claimed(
        TableExport,
        export_id,
        render=_write,
        stored_name=lambda job: f"export-{job.pk}.{job.format}",
        select_related=("requested_by",),
    )


def exports_resend_stalled(*, now=None) -> int:
    return exports.resend_stalled(TableExport, RENDER_TASK, now=now)


def exports_remove_expired(*, now=None) -> int:
    """Remove the exports asked for more than `KEPT_DAYS` ago: the rows, then their files
    once the deletion is committed."""
    now = now or timezone.now()
    with transaction.atomic():
        old = list(
            TableExport.objects.select_for_update(skip_locked=True).filter(
                requested_at__lt=now - datetime.timedelta(days=KEPT_DAYS)
            )
        )
        files = [job.file for job in old if job.file]
        TableExport.objects.filter(pk__in=[job.pk for job in old]).delete()

        def remove_files():
            for f in files:
                f.storage.delete(f.name)

        transaction.on_commit(remove_files)
    return len(old)
