"""The cell's printed registers, as Party documents (`core.documents`): the roster of party
members (danh sách đảng viên), the minutes of a meeting (biên bản sinh hoạt chi bộ), the list
of checks and supervision of a year (danh sách kiểm tra, giám sát) and the book of
registrations of a year (sổ đăng ký), which prints every plan with the plan document's own
body (`pledges.pdf.plan_document`) and is rendered by a worker."""

import datetime

from django.utils import timezone

from registry.access.models import RoleAssignment
from registry.core.documents import date_line, default_signature, render_pdf
from registry.pledges.pdf import plan_document
from registry.programmes.selectors import programme_for
from registry.units.models import Unit
from registry.units.selectors import document_header

from . import selectors
from .models import CellMeeting, RegistrationBook, Supervision

PDF = "application/pdf"


def _recipients(header: dict) -> list[str]:
    superior = header["superior_name"]
    return [f"{superior} (để báo cáo)" if superior else "", "Lưu chi bộ"]


def _common(cell: Unit, day: datetime.date) -> dict:
    header = document_header(unit=cell)
    return {
        "cell": cell,
        "header": header,
        "date_line": date_line(header["place"], day),
        **default_signature(cell, RoleAssignment.signing_leaders(cell)),
        "recipients": [r for r in _recipients(header) if r],
    }


# --- The roster ------------------------------------------------------------------------------


def render_roster_pdf(cell: Unit, *, today: datetime.date | None = None):
    """The party members now in the cell, by party group, with a count line."""
    today = today or timezone.localdate()
    groups = selectors.roster_register(cell)
    offices = selectors.cell_role_titles(cell)
    printed, number = [], 0
    for group in groups:
        rows = []
        for period in group.rows:  # numbered through the whole list, as the count line
            number += 1
            member = period.member
            position = "; ".join(p for p in [offices.get(member.pk, ""), member.job_title] if p)
            rows.append((number, period, position))
        printed.append({"group": group.group, "rows": rows})
    members = [period.member for group in groups for period in group.rows]
    full = sum(1 for m in members if m.status == m.Status.FULL)
    probationary = sum(1 for m in members if m.status == m.Status.PROBATIONARY)
    content = render_pdf(
        "pdf/roster.html",
        {
            **_common(cell, today),
            "groups": printed,
            "total": len(members),
            "full": full,
            "probationary": probationary,
            "as_of": today,
        },
    )
    return f"Danh sách đảng viên - {cell.name}.pdf", PDF, content


# --- The minutes of a meeting ----------------------------------------------------------------


def _clock(value: datetime.time | None) -> str:
    """'14 giờ 00 phút', as minutes write an hour."""
    return f"{value.hour:02d} giờ {value.minute:02d} phút" if value else ""


def render_minutes_pdf(minutes: selectors.Minutes):
    """Biên bản sinh hoạt chi bộ: when and where, who chaired and took the minutes, who was
    present and who absent (with the reason recorded), the agenda, what was reviewed and
    discussed, the conclusions, and the signatures of the minute-taker and the chair. A meeting
    recorded before the minutes' own fields existed prints what it has."""
    meeting: CellMeeting = minutes.meeting
    cell = meeting.cell
    context = _common(cell, meeting.date)
    content = render_pdf(
        "pdf/minutes.html",
        {
            **context,
            "m": minutes,
            "meeting": meeting,
            "starts": _clock(meeting.starts_at),
            "ends": _clock(meeting.ends_at),
            "month": f"tháng {meeting.date.month} năm {meeting.date.year}",
        },
    )
    filename = f"Biên bản sinh hoạt chi bộ {meeting.date:%d-%m-%Y} - {cell.name}.pdf"
    return filename, PDF, content


# --- Checks and supervision ------------------------------------------------------------------


def render_checks_pdf(cell: Unit, *, year: int, today: datetime.date | None = None):
    """The checks and supervision of members the cell recorded in a year, with a count line."""
    today = today or timezone.localdate()
    rows = selectors.checks_register(cell=cell, year=year)
    checks = sum(1 for r in rows if r.kind == Supervision.Kind.CHECK)
    content = render_pdf(
        "pdf/checks.html",
        {
            **_common(cell, today),
            "rows": rows,
            "year": year,
            "total": len(rows),
            "checks": checks,
            "supervisions": len(rows) - checks,
            "kinds": {Supervision.Kind.CHECK: "Kiểm tra", Supervision.Kind.SUPERVISION: "Giám sát"},
        },
    )
    return f"Danh sách kiểm tra, giám sát {year} - {cell.name}.pdf", PDF, content


# --- The book of registrations ---------------------------------------------------------------


def book_filename(book: RegistrationBook) -> str:
    return f"Sổ đăng ký làm theo {book.year} - {book.cell.name}.pdf"


def book_context(book: RegistrationBook) -> dict:
    """The book's cover (the cell's header, the title, a table of contents) and each plan's
    document as the plan's own PDF prints it. The header and programme of each cell where
    a plan was made are read once."""
    cell, year = book.cell, book.year
    headers, programmes = {}, {}
    documents = []
    for plan in selectors.book_plans(cell=cell, year=year):
        if plan.cell_id not in headers:
            headers[plan.cell_id] = document_header(unit=plan.cell)
            programmes[plan.cell_id] = programme_for(unit=plan.cell, year=year)
        documents.append(
            plan_document(plan, programme=programmes[plan.cell_id], header=headers[plan.cell_id])
        )
    programme = programme_for(unit=cell, year=year)
    wording = programme.name or "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    return {
        **_common(cell, timezone.localdate(book.requested_at)),
        "book": book,
        "summary": f"{wording} năm\u00a0{year}",
        "documents": documents,
        "unregistered": selectors.book_unregistered(cell=cell, year=year),
    }


def render_book_pdf(book: RegistrationBook):
    context = book_context(book)
    book.plan_count = len(context["documents"])
    content = render_pdf("pdf/book.html", context)
    return book_filename(book), PDF, content
