"""Writing, finalising and exporting reviews. Generation is idempotent: it creates the draft
once, refreshes it while it is a draft, and never touches a finalised review."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from registry.access import policy
from registry.audit.services import audit_record
from registry.notifications import services as reminders
from registry.units.models import Unit

from .figures import quarter_bounds, unit_figures
from .models import DocumentCounter, Review, ReviewExport

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
logger = logging.getLogger(__name__)


def _n(value) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _pct(value) -> str:
    return formats.number_format(value, decimal_pos=1, use_l10n=True) + "%"


def summary_text(*, unit: Unit, kind: str, year: int, quarter: int, f: dict) -> str:
    """Factual paragraphs, in Vietnamese (the language of Party documents), from the figures."""
    with translation.override("vi"):
        _start, end = quarter_bounds(year, quarter)
        parts = []
        subject = "chi bộ" if unit.kind.is_cell else "đảng bộ"
        if f["members"]:
            registered = f"{_n(f['registered'])} đồng chí đã đăng ký kế hoạch học tập và làm theo"
            if f["registered_pct"] is not None:
                registered += f" (đạt {_pct(f['registered_pct'])})"
            parts.append(
                f"Tính đến ngày {end:%d/%m/%Y}, {subject} có {_n(f['members'])} đảng viên; "
                f"{registered}."
            )
        parts.append(
            f"Đã duyệt {_n(f['approved_plans'])} bản đăng ký với {_n(f['items'])} việc làm theo, "
            f"trong đó có {_n(f['breakthrough'])} việc làm đột phá."
        )
        period = f"quý {ROMAN[quarter]}" if kind == Review.Kind.QUARTER else f"năm {year}"
        if f["items"]:
            parts.append(
                f"Kết quả {period}: {_n(f['items_done'])} việc đã hoàn thành, "
                f"{_n(f['items_in_progress'])} việc đang thực hiện, "
                f"{_n(f['items_not_started'])} việc chưa bắt đầu, "
                f"{_n(f['items_not_done'])} việc không thực hiện và "
                f"{_n(f['items_not_reported'])} việc chưa có báo cáo."
            )
            reported_quarter = ROMAN[quarter] if kind == Review.Kind.QUARTER else "IV"
            parts.append(
                f"Về báo cáo kết quả quý {reported_quarter}: "
                f"{_n(f['reports_on_time'])} đảng viên báo cáo đúng hạn, "
                f"{_n(f['reports_late'])} báo cáo trễ hạn, {_n(f['reports_missing'])} chưa báo cáo."
            )
        if f["checks"] or f["supervisions"]:
            parts.append(
                f"Trong {period}, {subject} đã kiểm tra {_n(f['checks'])} và giám sát "
                f"{_n(f['supervisions'])} lượt đảng viên về việc thực hiện Chỉ thị."
            )
        if kind == Review.Kind.YEAR:
            parts.append(
                "Kết quả xếp loại đảng viên (chi bộ đề xuất): "
                f"{_n(f['rating_xuat_sac'])} hoàn thành xuất sắc nhiệm vụ, "
                f"{_n(f['rating_tot'])} hoàn thành tốt nhiệm vụ, "
                f"{_n(f['rating_hoan_thanh'])} hoàn thành nhiệm vụ, "
                f"{_n(f['rating_khong_hoan_thanh'])} không hoàn thành nhiệm vụ."
            )
    return "\n\n".join(parts)


def _children_rows(rows) -> list[dict]:
    return [{"unit_id": u.pk, "name": u.name, **f} for u, f in rows]


def review_generate(
    *, unit: Unit, kind: str, year: int, quarter: int, at=None
) -> tuple[Review, str]:
    """Create or refresh the draft review of `unit` for the period. Returns (review, what
    happened: "created", "updated" or "final")."""
    at = at or timezone.now()
    quarter = quarter if kind == Review.Kind.QUARTER else 4
    figures, rows = unit_figures(
        unit=unit, year=year, quarter=quarter, whole_year=kind == Review.Kind.YEAR
    )
    values = {
        "figures": figures,
        "children": _children_rows(rows),
        "summary": summary_text(unit=unit, kind=kind, year=year, quarter=quarter, f=figures),
        "generated_at": at,
    }
    key = {
        "unit": unit,
        "kind": kind,
        "year": year,
        "quarter": quarter if kind == Review.Kind.QUARTER else 0,
    }
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(**key).first()
        if review is None:
            try:
                with transaction.atomic():
                    return Review.objects.create(**key, **values), "created"
            except IntegrityError:  # created by a concurrent run a moment ago
                review = Review.objects.select_for_update().get(**key)
        if review.status == Review.Status.FINAL:
            return review, "final"
        for name, value in values.items():
            setattr(review, name, value)
        review.save(update_fields=[*values])
        return review, "updated"


def units_to_review(*, root: Unit | None = None):
    """Cells and the committees above them that have party members under them."""
    units = Unit.objects.filter(is_active=True, kind__is_group=False).select_related("kind")
    if root is not None:
        units = units.filter(path__startswith=root.path)
    from registry.members.models import Membership

    cell_paths = set(
        Membership.objects.filter(end_date__isnull=True).values_list("cell__path", flat=True)
    )
    return [u for u in units.order_by("path") if any(p.startswith(u.path) for p in cell_paths)]


def due_period(today: datetime.date, delay_days: int) -> tuple[int, int] | None:
    """The quarter whose drafts are written or refreshed today, if any: the last quarter
    that ended, from `delay_days` after its end and for 60 days."""
    current = (today.month - 1) // 3 + 1
    year, quarter = (today.year, current - 1) if current > 1 else (today.year - 1, 4)
    _start, end = quarter_bounds(year, quarter)
    return (year, quarter) if delay_days <= (today - end).days <= delay_days + 60 else None


def can_edit(user, review: Review) -> bool:
    return policy.can_write_reviews(user, review.unit)


def _require_draft(review: Review) -> None:
    if review.status != Review.Status.DRAFT:
        raise ValidationError(
            _("This review was finalised by %(who)s at %(when)s and can no longer be changed.")
            % {
                "who": review.finalised_by or "—",
                "when": formats.date_format(
                    timezone.localtime(review.finalised_at), "SHORT_DATETIME_FORMAT"
                ),
            },
            code="state",
        )


@transaction.atomic
def review_update_text(
    *, review: Review, actor, results: str, limitations: str, next_tasks: str, seen_version: int
) -> Review:
    review = Review.objects.select_for_update().select_related("unit__kind").get(pk=review.pk)
    if not can_edit(actor, review):
        raise PermissionDenied
    _require_draft(review)
    if review.version != seen_version:
        raise ValidationError(
            _(
                "Someone saved this review after you opened it. "
                "Your text is kept below; reload to see theirs."
            ),
            code="conflict",
        )
    review.results, review.limitations, review.next_tasks = (
        results.strip(),
        limitations.strip(),
        next_tasks.strip(),
    )
    review.version += 1
    review.save(update_fields=["results", "limitations", "next_tasks", "version"])
    audit_record(actor=actor, action="review.edit", target=review)
    return review


@transaction.atomic
def review_finalise(*, review: Review, actor, at=None) -> tuple[Review, ReviewExport]:
    """Lock the review, give it the next number of its unit for the year, and queue its PDF."""
    at = at or timezone.now()
    review = Review.objects.select_for_update().select_related("unit__kind").get(pk=review.pk)
    if not can_edit(actor, review):
        raise PermissionDenied
    _require_draft(review)
    if not (review.results or "").strip():
        raise ValidationError(
            {"results": _("Write the assessment of the results before finalising.")}
        )
    issued_year = timezone.localtime(at).year
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
        unit=review.unit, year=issued_year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    review.number, review.issued_year = counter.last_number, issued_year
    review.symbol = f"BC/{review.unit.abbreviation or 'CB'}"
    review.status, review.finalised_at, review.finalised_by = Review.Status.FINAL, at, actor
    review.save(
        update_fields=["number", "issued_year", "symbol", "status", "finalised_at", "finalised_by"]
    )
    audit_record(actor=actor, action="review.finalise", target=review, number=review.number_label)
    reminders.resolve(rule="review_draft", period=f"review-{review.pk}")
    export = export_request(review=review, actor=actor, at=at)
    return review, export


def export_request(*, review: Review, actor, at=None) -> ReviewExport:
    """Queue a PDF rendering; the task is sent only once the transaction has committed."""
    if review.status != Review.Status.FINAL:
        raise ValidationError(_("Only a finalised review can be exported."))
    export = ReviewExport.objects.create(
        review=review, requested_by=actor, requested_at=at or timezone.now()
    )
    transaction.on_commit(lambda: _send_export(export.pk))
    return export


def _send_export(export_id: int) -> None:
    """Hand the export to the workers. If the broker cannot be reached the review stays
    finalised; the export says why, and the periodic job sends it again later."""
    from .tasks import render_review_pdf

    try:
        render_review_pdf.delay(export_id)
    except Exception as exc:  # broker down: not the user's problem, and nothing is lost
        logger.warning("could not queue export %s: %s", export_id, exc)
        ReviewExport.objects.filter(pk=export_id, status=ReviewExport.Status.QUEUED).update(
            error=_("Waiting for the background workers; it will be retried.")
        )


STALE_QUEUED = datetime.timedelta(minutes=10)
STALE_RENDERING = datetime.timedelta(minutes=30)


def exports_resend_stalled(*, now=None) -> int:
    """Exports whose message was lost (broker down, worker killed mid-way) go round again."""
    now = now or timezone.now()
    ReviewExport.objects.filter(
        status=ReviewExport.Status.RENDERING, started_at__lt=now - STALE_RENDERING
    ).update(status=ReviewExport.Status.QUEUED)
    stalled = list(
        ReviewExport.objects.filter(
            status=ReviewExport.Status.QUEUED, requested_at__lt=now - STALE_QUEUED
        ).values_list("pk", flat=True)
    )
    for export_id in stalled:
        _send_export(export_id)
    return len(stalled)


def export_render(*, export_id: int) -> ReviewExport:
    """Claim the export (a redelivered task finds it claimed or done and stops), render, store."""
    from django.core.files.base import ContentFile

    from .pdf import render_review_pdf as render

    claimed = ReviewExport.objects.filter(
        pk=export_id, status__in=[ReviewExport.Status.QUEUED, ReviewExport.Status.FAILED]
    ).update(status=ReviewExport.Status.RENDERING, started_at=timezone.now(), error="")
    export = ReviewExport.objects.select_related("review__unit__kind", "review__finalised_by").get(
        pk=export_id
    )
    if not claimed:
        return export
    try:
        filename, _mimetype, content = render(export.review)
    except Exception as exc:
        ReviewExport.objects.filter(pk=export_id).update(
            status=ReviewExport.Status.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:500],
            finished_at=timezone.now(),
            attempts=export.attempts + 1,
        )
        raise
    export.file.save(f"review-{export.review_id}-{export.pk}.pdf", ContentFile(content), save=False)
    export.filename = filename
    export.status = ReviewExport.Status.READY
    export.finished_at = timezone.now()
    export.attempts += 1
    export.save(update_fields=["file", "filename", "status", "finished_at", "attempts"])
    return export


def generation_delay_days() -> int:
    return settings.REVIEW_GENERATION_DELAY_DAYS
