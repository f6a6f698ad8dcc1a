import math

from django.utils import timezone, translation

from registry.access.models import RoleAssignment
from registry.core.documents import date_line, on_behalf, render_pdf
from registry.programmes.selectors import programme_for
from registry.units.selectors import document_header

from .models import Plan, PlanItem

#: The form's title when the year has no programme name of its own.
DEFAULT_WORDING = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
#: Rows of the items table are kept on one page unless their longest cell is estimated at more
#: than this many lines (about half a page): such a row may break, or it would leave a
#: half-empty page behind it.
SPLIT_ROW_LINES = 20
_CHARS_PER_LINE = 20  # in the narrowest text column, at 12 pt


def _signer(plan: Plan) -> tuple[str, str]:
    """Who confirms for the cell: the approver, signing as secretary or deputy secretary."""
    approver = plan.approved_by
    if approver is None or plan.status != Plan.Status.APPROVED:
        return "Bí thư", ""  # not confirmed (yet, or not in this version): left to sign
    deputy = RoleAssignment.objects.filter(
        user=approver, unit=plan.cell, role=RoleAssignment.Role.DEPUTY_SECRETARY
    ).exists()
    name = approver.member.full_name if hasattr(approver, "member") else approver.get_full_name()
    return ("Phó Bí thư" if deputy else "Bí thư"), name


def _lines(text: str) -> int:
    return sum(max(1, math.ceil(len(line) / _CHARS_PER_LINE)) for line in text.splitlines())


def _row(item: PlanItem) -> dict:
    longest = max(_lines(item.action), _lines(item.measures), _lines(item.expected_result) + 1)
    return {"item": item, "may_split": longest > SPLIT_ROW_LINES}


def _draft_state(plan: Plan) -> str:
    """The state printed under the title of a plan the cell has not approved (or not in this
    version); empty for an approved plan."""
    if plan.status == Plan.Status.APPROVED:
        return ""
    with translation.override("vi"):
        return str(plan.get_status_display())


def plan_document(plan: Plan, *, programme=None, header=None) -> dict:
    """What the member's registration form prints (the context of `pdf/_plan_body.html` and
    its header), read from the prefetched plan. The cell's book of registrations prints each
    plan from it too, passing the `programme` and `header` of a cell it has already read."""
    programme = programme or programme_for(unit=plan.cell, year=plan.year)
    header = header or document_header(unit=plan.cell)
    submitted = plan.last_submitted_at or plan.submitted_at  # the version printed
    day = timezone.localdate(submitted) if submitted else timezone.localdate()
    membership = plan.member.memberships.filter(cell=plan.cell).select_related("group").first()
    signer_title, signer_name = _signer(plan)
    return {
        "plan": plan,
        "rows": [_row(item) for item in plan.items.all()],
        "programme": programme,
        "title": f"{programme.name or DEFAULT_WORDING} năm {plan.year}".upper(),
        "draft_state": _draft_state(plan),
        "header": header,
        "date_line": date_line(header["place"], day),
        "group": membership.group if membership else None,
        "on_behalf": on_behalf(plan.cell),
        "signer_title": signer_title,
        "signer_name": signer_name,
    }


def render_plan_pdf(plan: Plan) -> tuple[str, str, bytes]:
    """The member's registration form, as the cell files it. Uses the prefetched plan."""
    content = render_pdf("pdf/plan.html", plan_document(plan))
    filename = f"Bản đăng ký làm theo {plan.year} - {plan.member.full_name}.pdf"
    return filename, "application/pdf", content


def _latest_report(item: PlanItem):
    """The item's report of the latest quarter filed (from the prefetched reports)."""
    reports = sorted(item.reports.all(), key=lambda r: r.quarter)
    return reports[-1] if reports else None


def self_assessment_document(plan: Plan, *, feedback) -> dict:
    """What the member's year-end self-assessment prints, and its page shows: the member,
    what each item came to (the latest quarter reported), the self-assessment and the rating
    the member proposes, then the cell's rating and the conclusions of checks and supervision
    of the year (`feedback`, as far as the reader may read them). Uses the prefetched plan."""
    programme = programme_for(unit=plan.cell, year=plan.year)
    header = document_header(unit=plan.cell)
    day = timezone.localdate(plan.self_assessed_at) if plan.self_assessed_at else None
    membership = plan.member.memberships.filter(cell=plan.cell).select_related("group").first()
    signer_title, signer_name = _signer(plan)
    return {
        "plan": plan,
        "results": [{"item": item, "report": _latest_report(item)} for item in plan.items.all()],
        "title": f"{programme.name or DEFAULT_WORDING} năm {plan.year}".upper(),
        "draft_state": "" if plan.self_assessed_at else "CHƯA GỬI",
        "header": header,
        "date_line": date_line(header["place"], day or timezone.localdate()),
        "group": membership.group if membership else None,
        "on_behalf": on_behalf(plan.cell),
        "signer_title": signer_title,
        "signer_name": signer_name,
        "feedback": feedback,
    }


def render_self_assessment_pdf(plan: Plan, *, feedback) -> tuple[str, str, bytes]:
    """The member's year-end self-assessment in the Party layout, with the cell's rating."""
    document = self_assessment_document(plan, feedback=feedback)
    content = render_pdf("pdf/self_assessment.html", document)
    filename = f"Bản tự kiểm điểm {plan.year} - {plan.member.full_name}.pdf"
    return filename, "application/pdf", content
