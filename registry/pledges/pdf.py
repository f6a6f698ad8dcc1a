from django.utils import timezone

from registry.core.documents import date_line, header_for, render_pdf
from registry.programmes.selectors import programme_for

from .models import Plan


def render_plan_pdf(plan: Plan) -> tuple[str, str, bytes]:
    """The member's registration form, as the cell files it. Uses the prefetched plan."""
    programme = programme_for(unit=plan.cell, year=plan.year)
    header = header_for(plan.cell)
    day = timezone.localdate(plan.submitted_at) if plan.submitted_at else timezone.localdate()
    membership = plan.member.memberships.filter(cell=plan.cell).select_related("group").first()
    content = render_pdf(
        "pdf/plan.html",
        {
            "plan": plan,
            "items": list(plan.items.all()),
            "programme": programme,
            "header": header,
            "date_line": date_line(header["place"], day),
            "group": membership.group if membership else None,
        },
    )
    filename = f"Bản đăng ký làm theo {plan.year} - {plan.member.full_name}.pdf"
    return filename, "application/pdf", content
