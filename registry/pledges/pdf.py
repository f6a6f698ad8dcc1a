from django.utils import timezone

from registry.access.models import RoleAssignment
from registry.core.documents import date_line, render_pdf
from registry.programmes.selectors import programme_for
from registry.units.selectors import document_header

from .models import Plan


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


def render_plan_pdf(plan: Plan) -> tuple[str, str, bytes]:
    """The member's registration form, as the cell files it. Uses the prefetched plan."""
    programme = programme_for(unit=plan.cell, year=plan.year)
    header = document_header(unit=plan.cell)
    day = timezone.localdate(plan.submitted_at) if plan.submitted_at else timezone.localdate()
    membership = plan.member.memberships.filter(cell=plan.cell).select_related("group").first()
    signer_title, signer_name = _signer(plan)
    content = render_pdf(
        "pdf/plan.html",
        {
            "plan": plan,
            "items": list(plan.items.all()),
            "programme": programme,
            "header": header,
            "date_line": date_line(header["place"], day),
            "group": membership.group if membership else None,
            "signer_title": signer_title,
            "signer_name": signer_name,
        },
    )
    filename = f"Bản đăng ký làm theo {plan.year} - {plan.member.full_name}.pdf"
    return filename, "application/pdf", content
