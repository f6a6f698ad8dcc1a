"""Roster import: the unit's import page (template, upload, the last imports), an import's
page (progress, the dry run row by row, confirmation, the result), its progress for the
page's script, and the report to download. Every page asks `policy.can_import_roster`; the
services ask again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from registry.access import policy
from registry.core.forms import add_service_errors
from registry.units.selectors import unit_ancestors

from . import columns, reports, selectors, services
from .forms import UploadForm
from .models import RosterImport, RosterImportRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit_or_404(request, unit_pk):
    unit = policy.get_visible_unit_or_404(request.user, unit_pk)
    if not policy.can_import_roster(request.user, unit):
        raise Http404
    return unit


def _job_or_404(request, pk) -> RosterImport:
    job = (
        RosterImport.objects.select_related("unit__kind", "requested_by")
        .defer("rows")
        .filter(pk=pk)
        .first()
    )
    if job is None or not policy.can_import_roster(request.user, job.unit):
        raise Http404
    return job


def _ancestors(request, unit) -> list:
    return [a for a in unit_ancestors(unit=unit) if policy.can_view_unit(request.user, a)]


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def start(request, unit_pk: int):
    """The unit's import page: the template, the upload, the last imports."""
    unit = _unit_or_404(request, unit_pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_upload(
                unit=unit, actor=request.user, name=upload.name, data=upload.read()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("rosters:detail", pk=job.pk)
    return render(
        request,
        "rosters/start.html",
        {
            "unit": unit,
            "form": form,
            "columns": columns.COLUMNS,
            "imports": selectors.imports_of(unit=unit),
            "ancestors": _ancestors(request, unit),
        },
    )


@login_required
def template(request, unit_pk: int, fmt: str):
    _unit_or_404(request, unit_pk)
    if fmt == "xlsx":
        return _download(columns.template_xlsx(), f"{columns.TEMPLATE_NAME}.xlsx", XLSX)
    if fmt == "csv":
        return _download(
            columns.template_csv(), f"{columns.TEMPLATE_NAME}.csv", "text/csv; charset=utf-8"
        )
    raise Http404


@login_required
def detail(request, pk: int):
    """Progress while the worker runs; then the dry run (or the result) row by row."""
    job = _job_or_404(request, pk)
    context = {"job": job, "unit": job.unit, "ancestors": _ancestors(request, job.unit)}
    if job.status == RosterImport.Status.READY:
        action = request.GET.get("show", "")
        if action not in RosterImportRow.Action.values:
            action = selectors.default_action(job)
        page, rows = selectors.plan_page(job=job, action=action, page=request.GET.get("page"))
        context.update(
            {
                "show": action,
                "page": page,
                "rows": rows,
                "tabs": [
                    ("refuse", RosterImportRow.Action.REFUSE.label, job.refused),
                    ("change", RosterImportRow.Action.CHANGE.label, job.changed),
                    ("create", RosterImportRow.Action.CREATE.label, job.created),
                    ("same", RosterImportRow.Action.UNCHANGED.label, job.unchanged),
                ],
            }
        )
    return render(request, "rosters/detail.html", context)


@login_required
def progress(request, pk: int):
    """The state the page's script polls."""
    job = _job_or_404(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "stage": job.stage,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
        }
    )


@login_required
@require_POST
def confirm(request, pk: int):
    job = _job_or_404(request, pk)
    try:
        services.import_confirm(job=job, actor=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("rosters:detail", pk=job.pk)


@login_required
def report(request, pk: int, fmt: str):
    """The rows refused (or, with ?all=1, every row) as a spreadsheet."""
    job = _job_or_404(request, pk)
    if job.status != RosterImport.Status.READY or fmt not in ("xlsx", "csv"):
        raise Http404
    everything = request.GET.get("all") == "1"
    rows = selectors.report_rows(job=job, refused_only=not everything)
    name = f"bao-cao-nhap-danh-sach-{job.pk}"
    if fmt == "xlsx":
        return _download(reports.report_xlsx(rows), f"{name}.xlsx", XLSX)
    return _download(reports.report_csv(rows), f"{name}.csv", "text/csv; charset=utf-8")
