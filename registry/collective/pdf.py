"""The registration as the organisation files it with the committee above, in the Party's
document layout (`core.documents`, like `pledges.pdf`)."""

from django.utils import timezone, translation

from registry.access.models import RoleAssignment
from registry.core.documents import date_line, default_signature, render_pdf
from registry.pledges.pdf import DEFAULT_WORDING
from registry.programmes.selectors import programme_for
from registry.units.selectors import document_header

from .models import Content, Registration

SECTIONS = (
    (Content.Kind.BREAKTHROUGH, "Nội dung đột phá"),
    (Content.Kind.MODEL, "Mô hình"),
    (Content.Kind.OTHER, "Việc làm khác"),
)


def _draft_state(registration: Registration) -> str:
    if registration.status == Registration.Status.APPROVED:
        return ""
    with translation.override("vi"):
        return str(registration.get_status_display())


def render_registration_pdf(registration: Registration) -> tuple[str, str, bytes]:
    """Uses the prefetched registration (`selectors.with_content`)."""
    unit = registration.unit
    programme = programme_for(unit=unit, year=registration.year)
    header = document_header(unit=unit)
    submitted = registration.last_submitted_at or registration.submitted_at
    day = timezone.localdate(submitted) if submitted else timezone.localdate()
    contents = list(registration.contents.all())
    sections = [
        (title, [c for c in contents if c.kind == kind])
        for kind, title in SECTIONS
        if any(c.kind == kind for c in contents)
    ]
    content = render_pdf(
        "pdf/collective.html",
        {
            "registration": registration,
            "unit": unit,
            "sections": sections,
            "programme": programme,
            "wording": programme.name or DEFAULT_WORDING,
            "header": header,
            "date_line": date_line(header["place"], day),
            "draft_state": _draft_state(registration),
            **default_signature(unit, RoleAssignment.signing_leaders(unit)),
            "recipients": [
                f"{header['superior_name']} (để báo cáo)" if header["superior_name"] else "",
                "Lưu chi bộ" if unit.kind.is_cell else "Lưu Văn phòng",
            ],
        },
    )
    filename = f"Đăng ký tập thể {registration.year} - {unit.name}.pdf"
    return filename, "application/pdf", content
