"""The JSON API under /api/v1/ (django-ninja; its schema at /api/v1/openapi.json). Thin like
the views: each endpoint finds its object through the same policy as the pages (404 outside
reach), reads with the selectors and writes with the services; a service's refusal becomes a
400 or 409 in the error shape of `errors`."""

from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, NinjaAPI, Path, Query, Status, UploadedFile
from ninja.renderers import JSONRenderer

from registry.access import policy
from registry.cells.figures import COUNTED, on_time_pct
from registry.core.periods import Period, quarter_of, quarter_or_404, year_or_404
from registry.directory.selectors import unit_rollup
from registry.members.models import Member, Membership
from registry.members.selectors import current_membership_for_user
from registry.pledges import selectors as plans
from registry.pledges import services as plan_services
from registry.pledges.models import Plan
from registry.reviews.figures import unit_figures
from registry.units.models import Unit
from registry.units.selectors import standards_for_unit

from . import errors, schemas
from .auth import SessionAuth, TokenAuth
from .errors import BadRequest
from .schemas import MAX_ID
from .selectors import BadCursor, cursor_page, unit_people


class VietnameseJSON(JSONRenderer):
    """Vietnamese letters as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Sổ đăng ký “làm theo” – API",
    version="1",
    description=(
        "Đọc đơn vị, đảng viên, bản đăng ký (với các việc và báo cáo quý), số liệu sơ kết và "
        "tổng hợp; đảng viên lập, lưu, gửi bản đăng ký của mình, báo cáo tiến độ và gửi tệp "
        "minh chứng. "
        "Xác thực bằng mã truy cập cá nhân (Authorization: Bearer …) hoặc phiên đăng nhập."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    renderer=VietnameseJSON(),
)
errors.install(api)

ERRORS = {code: schemas.Error for code in (400, 401, 403, 404, 409, 422, 429, 500)}
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Quarter = Annotated[int, Path(ge=1, le=4)]
Limit = Annotated[int, Query(ge=1, le=100, description="Rows a page (1–100)")]
Cursor = Annotated[
    str | None, Query(max_length=2000, description="`next_cursor` of the page before")
]


def _page(qs, *, key: str, cursor: str | None, limit: int):
    try:
        return cursor_page(qs, key=key, cursor=cursor, limit=limit)
    except BadCursor:
        raise BadRequest(
            _("This cursor is not one the API gave; start again without it.")
        ) from None


def _year(raw: int | None, default: int | None = None) -> int | None:
    return year_or_404(None if raw is None else str(raw), default=default)


def unit_out(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "code": unit.code or "",
        "kind": unit.kind.code,
        "kind_name": unit.kind.name,
        "is_cell": unit.kind.is_cell,
        "is_group": unit.kind.is_group,
        "path": unit.path,
    }


def member_out(member: Member, period: Membership | None) -> dict:
    return {
        "id": member.pk,
        "full_name": member.full_name,
        "category": member.category,
        "status": member.status,
        "card_number": member.card_number or "",
        "cell_id": period.cell_id if period else None,
        "cell_name": period.cell.name if period else None,
        "group_id": period.group_id if period else None,
        "group_name": period.group.name if period and period.group_id else None,
    }


def plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "year": plan.year,
        "status": plan.status,
        "member_id": plan.member_id,
        "member_name": plan.member.full_name,
        "cell_id": plan.cell_id,
        "submitted_at": plan.submitted_at,
        "approved_at": plan.approved_at,
    }


def plan_detail_out(plan: Plan) -> dict:
    items = []
    for item in plan.items.all():
        reports = [
            {
                "id": r.pk,
                "quarter": r.quarter,
                "status": r.status,
                "value_reached": r.value_reached,
                "account": r.account,
                "reason": r.reason,
                "is_late": r.is_late,
                "first_filed_at": r.first_filed_at,
                "filed_at": r.filed_at,
                "review": r.review,
                "review_comment": r.review_comment,
                "evidence": [
                    {
                        "id": e.pk,
                        "name": e.original_name,
                        "content_type": e.content_type,
                        "size": e.size,
                    }
                    for e in r.evidence.all()
                ],
            }
            for r in sorted(item.reports.all(), key=lambda r: r.quarter)
        ]
        items.append(
            {
                "id": item.pk,
                "position": item.position,
                "action": item.action,
                "measures": item.measures,
                "expected_result": item.expected_result,
                "indicator_id": item.indicator_id,
                "target_value": item.target_value,
                "target_unit": item.target_unit,
                "deadline": item.deadline,
                "quarter": item.quarter,
                "is_breakthrough": item.is_breakthrough,
                "standards": sorted(s.pk for s in item.standards.all()),
                "approved": item.approved_at is not None,
                "pending_change": item.pending_change,
                "reports": reports,
            }
        )
    return {
        **plan_out(plan),
        "study_content": plan.study_content,
        "commitment": plan.commitment,
        "committed_at": plan.committed_at,
        "items": items,
    }


def _figures(f: dict) -> dict:
    shown = {key: f.get(key) or 0 for key in COUNTED}
    shown["registered_pct"] = f.get("registered_pct")
    return shown


def _plan_or_404(qs, pk: int) -> Plan:
    try:
        return plans.plan_full(plans=qs, pk=pk)
    except Plan.DoesNotExist:
        raise Http404 from None


def _owned_plan(request, pk: int) -> Plan:
    return _plan_or_404(plans.plans_owned_by(request.user), pk)


def _owned_item(request, plan_id: int, item_id: int):
    """An item of the caller's own plan (404 for another's plan), or None."""
    plan = _owned_plan(request, plan_id)
    return next((i for i in plan.items.all() if i.pk == item_id), None)


# --- Reading ---------------------------------------------------------------------------------


@api.get("/me", response={200: schemas.Me, **ERRORS}, tags=["people"])
def me(request):
    """The person the token or session belongs to, their member record and roles."""
    period = current_membership_for_user(request.user)
    return {
        "username": request.user.username,
        "name": str(request.user),
        "member": member_out(period.member, period) if period else None,
        "roles": [
            {"unit_id": role.unit_id, "unit_name": role.unit.name, "role": role.role}
            for role in policy.roles_of(request.user)
        ],
    }


@api.get("/units", response={200: schemas.UnitPage, **ERRORS}, tags=["units"])
def units(request, cursor: Cursor = None, limit: Limit = 50):
    """The units within the caller's reach, in the tree's order."""
    rows, following = _page(
        policy.units_visible_to(request.user), key="path", cursor=cursor, limit=limit
    )
    return {"items": [unit_out(u) for u in rows], "next_cursor": following}


@api.get("/units/{unit_id}", response={200: schemas.UnitOut, **ERRORS}, tags=["units"])
def unit(request, unit_id: PathId):
    return unit_out(policy.get_visible_unit_or_404(request.user, unit_id))


@api.get("/units/{unit_id}/members", response={200: schemas.MemberPage, **ERRORS}, tags=["units"])
def unit_members(request, unit_id: PathId, cursor: Cursor = None, limit: Limit = 50):
    """The people in a cell anywhere under the unit today, by name."""
    unit = policy.get_visible_unit_or_404(request.user, unit_id)
    rows, following = _page(
        unit_people(unit=unit), key="member__sort_name", cursor=cursor, limit=limit
    )
    return {"items": [member_out(p.member, p) for p in rows], "next_cursor": following}


@api.get("/members/{member_id}", response={200: schemas.MemberOut, **ERRORS}, tags=["people"])
def member(request, member_id: PathId):
    person = policy.get_visible_member_or_404(request.user, member_id)
    period = (
        person.memberships.current().select_related("cell", "group").order_by("-start_date").first()
    )
    return member_out(person, period)


@api.get("/plans", response={200: schemas.PlanPage, **ERRORS}, tags=["plans"])
def plan_list(
    request,
    year: Annotated[int | None, Query(description="Only the plans of this year")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """The plans the caller may read (their own, and those of the cells in reach)."""
    qs = plans.plans_visible_to(request.user).select_related("member")
    chosen = _year(year)
    if chosen is not None:
        qs = qs.filter(year=chosen)
    rows, following = _page(qs, key="pk", cursor=cursor, limit=limit)
    return {"items": [plan_out(p) for p in rows], "next_cursor": following}


@api.get("/plans/{plan_id}", response={200: schemas.PlanDetail, **ERRORS}, tags=["plans"])
def plan_detail(request, plan_id: PathId):
    """A plan with its items, each with its quarterly reports and their files."""
    return plan_detail_out(_plan_or_404(plans.plans_visible_to(request.user), plan_id))


def _period(year: int | None, quarter: int | None) -> tuple[Period, int]:
    today = timezone.localdate()
    chosen = _year(year, default=today.year)
    default_q = quarter_of(today) if chosen == today.year else (4 if chosen < today.year else 1)
    q = quarter_or_404(None if quarter is None else str(quarter), default=default_q)
    return Period(chosen, q), q


@api.get("/units/{unit_id}/figures", response={200: schemas.FiguresOut, **ERRORS}, tags=["figures"])
def figures(
    request,
    unit_id: PathId,
    year: Annotated[int | None, Query(description="Default: this year")] = None,
    quarter: Annotated[int | None, Query(description="1–4; default: the current one")] = None,
):
    """A review's figures for the unit and each unit directly below, for a quarter looked at
    today (the review page's and the overview's figures)."""
    unit = policy.get_visible_unit_or_404(request.user, unit_id)
    if unit.kind.is_group:  # a party group's figures are its cell's
        raise Http404
    period, q = _period(year, quarter)
    total, children = unit_figures(unit=unit, period=period, on=timezone.localdate())
    return {
        "unit": unit_out(unit),
        "year": period.year,
        "quarter": q,
        "figures": _figures(total),
        "children": [{"unit": unit_out(c), "figures": _figures(f)} for c, f in children],
    }


def _line(line) -> dict:
    return {
        "unit": unit_out(line.unit) if line.unit else None,
        "figures": _figures(line.f),
        "on_time_pct": on_time_pct(line.f),
        "late": list(line.late),
        "collective": {
            name: getattr(line.collective, name)
            for name in ("organisations", "registered", "approved", "models", "breakthrough")
        },
        "commendations": line.deeds.as_dict(),
    }


@api.get("/units/{unit_id}/rollup", response={200: schemas.RollupOut, **ERRORS}, tags=["figures"])
def rollup(
    request,
    unit_id: PathId,
    year: Annotated[int | None, Query(description="Default: this year")] = None,
    quarter: Annotated[int | None, Query(description="1–4; default: the current one")] = None,
):
    """The committee's roll-up: a line per unit directly below and the total (404 for a cell)."""
    unit = policy.get_visible_unit_or_404(request.user, unit_id)
    if unit.kind.is_cell or unit.kind.is_group:
        raise Http404
    period, q = _period(year, quarter)
    r = unit_rollup(unit=unit, period=period, today=timezone.localdate())
    return {
        "unit": unit_out(unit),
        "year": period.year,
        "quarter": q,
        "as_of": r.as_of,
        "total": _line(r.total),
        "lines": [_line(line) for line in r.lines],
    }


# --- A member's own plan and reports ----------------------------------------------------------


@api.post("/plans", response={201: schemas.PlanDetail, **ERRORS}, tags=["plans"])
def plan_create(request, data: schemas.PlanCreate):
    """Start the caller's plan of a year (empty, or from one of their earlier plans)."""
    membership = current_membership_for_user(request.user)
    if membership is None:
        raise ValidationError(_("You do not belong to a cell, so you cannot register a plan."))
    copy_from = None
    if data.copy_from is not None:
        copy_from = plans.plans_owned_by(request.user).filter(pk=data.copy_from).first()
        if copy_from is None:
            raise Http404
    try:
        plan = plan_services.plan_create(
            member=membership.member, year=data.year, actor=request.user, copy_from=copy_from
        )
    except ValidationError as exc:
        if Plan.objects.filter(member=membership.member, year=data.year).exists():
            raise ValidationError(" ".join(exc.messages), code="exists") from None
        raise
    return Status(201, plan_detail_out(_owned_plan(request, plan.pk)))


@api.put("/plans/{plan_id}/draft", response={200: schemas.PlanDetail, **ERRORS}, tags=["plans"])
def plan_save(request, plan_id: PathId, data: schemas.DraftIn):
    """Replace the content of the caller's plan while it can be changed (draft, returned,
    amending). Items carry the `id` of those kept; a new item has none."""
    plan = _owned_plan(request, plan_id)
    allowed = {s.pk for s in standards_for_unit(unit=plan.cell)}
    items = []
    for number, item in enumerate(data.items, start=1):
        values = item.dict()
        if set(values["standards"]) - allowed:
            raise BadRequest(
                _("Item %(n)s: this ethical standard is not one of your cell's.") % {"n": number}
            )
        items.append(values)
    plan_services.plan_save(
        plan=plan,
        actor=request.user,
        study_content=data.study_content,
        items=items,
        confirmed=data.confirmed,
    )
    return plan_detail_out(_owned_plan(request, plan_id))


@api.post("/plans/{plan_id}/submit", response={200: schemas.PlanDetail, **ERRORS}, tags=["plans"])
def plan_submit(request, plan_id: PathId, data: schemas.SubmitIn):
    """Send the caller's plan to the cell for approval."""
    plan = _owned_plan(request, plan_id)
    plan_services.plan_submit(
        plan=plan, actor=request.user, commitment_confirmed=data.commitment_confirmed
    )
    return plan_detail_out(_owned_plan(request, plan_id))


@api.put(
    "/plans/{plan_id}/items/{item_id}/reports/{quarter}",
    response={200: schemas.PlanDetail, **ERRORS},
    tags=["plans"],
)
def report_file(
    request,
    plan_id: PathId,
    item_id: PathId,
    quarter: Quarter,
    data: schemas.ReportIn,
):
    """File (or correct) the caller's progress on an item of their approved plan for a
    quarter, as on the report page (its files: `report_evidence`)."""
    item = _owned_item(request, plan_id, item_id)
    if item is None:
        raise Http404
    plan_services.report_file(
        item=item,
        quarter=quarter,
        actor=request.user,
        status=data.status,
        value_reached=data.value_reached,
        account=data.account,
        reason=data.reason,
        confirmed=data.confirmed,
    )
    return plan_detail_out(_owned_plan(request, plan_id))


@api.post(
    "/plans/{plan_id}/items/{item_id}/reports/{quarter}/evidence",
    response={201: schemas.PlanDetail, **ERRORS},
    tags=["plans"],
)
def report_evidence(
    request,
    plan_id: PathId,
    item_id: PathId,
    quarter: Quarter,
    files: File[list[UploadedFile]],
):
    """Attach evidence files (multipart/form-data, field `files`, one or more) to the caller's
    report of a quarter, as the report page does: the report is filed again as it stands with
    the files added, each checked by its content (photos, PDF, office documents). A refused
    file saves nothing."""
    item = _owned_item(request, plan_id, item_id)
    report = item and next((r for r in item.reports.all() if r.quarter == quarter), None)
    if report is None:
        raise Http404
    plan_services.report_file(
        item=item,
        quarter=quarter,
        actor=request.user,
        status=report.status,
        value_reached=report.value_reached,
        account=report.account,
        reason=report.reason,
        files=files,
    )
    return Status(201, plan_detail_out(_owned_plan(request, plan_id)))
