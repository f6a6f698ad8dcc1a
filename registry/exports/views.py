"""Export controls: a table as XLSX or CSV, at once when small, by a worker when large; the
person's own exports and their downloads. What may be exported is what the page shows to the
same person (`exports.tables`, behind the same policy); out of reach answers 404."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.core.files import serve_stored
from registry.core.tables import FORMATS, csv_chunks, write_xlsx

from . import selectors, services, tables


def _format(request) -> str:
    fmt = (request.POST if request.method == "POST" else request.GET).get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    return fmt


def _params(request) -> dict:
    source = request.POST if request.method == "POST" else request.GET
    return {k: source[k][:100] for k in tables.PARAMS if source.get(k)}


@login_required
def export_table(request, what: str, pk: int | None = None):
    """GET: the file at once, or for a large table a page offering to prepare it. POST: queue
    the large table for a worker and go to the person's exports."""
    if (what == "library") != (pk is None):
        raise Http404
    fmt, params = _format(request), _params(request)
    if request.method == "POST":
        job = services.export_request(what=what, pk=pk, params=params, fmt=fmt, actor=request.user)
        messages.success(
            request,
            _("“%(title)s” is being prepared. It will be listed here when ready.")
            % {"title": job.title},
        )
        return redirect("exports:mine")
    today = timezone.localdate()
    table = tables.table_for(what, user=request.user, pk=pk, params=params, today=today)
    limit = services.large_rows()
    if table.count > limit:
        return render(
            request,
            "exports/large.html",
            {"table": table, "format": fmt, "params": params, "limit": limit},
        )
    filename = services.file_name(table, fmt, today)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(table), content_type=FORMATS["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # Written to a file the response reads and closes (no whole workbook in memory).
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write_xlsx(table, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=FORMATS["xlsx"])


@login_required
def mine(request):
    rows = list(selectors.exports_of(user=request.user))
    return render(
        request,
        "exports/mine.html",
        {
            "rows": rows,
            "waiting": any(r.status in ("queued", "rendering") for r in rows),
            "kept_days": services.KEPT_DAYS,
        },
    )


@login_required
def download(request, pk: int):
    job = selectors.export_of(user=request.user, pk=pk)
    if job is None:
        raise Http404
    return serve_stored(job.file, filename=job.filename, content_type=FORMATS[job.format])
