"""Writing, issuing, replacing and exporting reviews. A draft is written from the figures and
refreshed while it is a draft; what the page shows is what the PDF prints (the defaults are
written into the draft, where they can be read and changed); issuing gives the number after
a preview and a confirmation; an issued review is never changed, only replaced by another
that names it."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from registry.access import policy
from registry.access.models import RoleAssignment
from registry.audit.services import audit_record
from registry.commendations.selectors import commendation_counts
from registry.core import exports
from registry.core.numbers import format_number
from registry.core.periods import Period, current_quarter, previous_quarter
from registry.pledges.selectors import indicator_totals, key_officials_standing
from registry.pledges.standing import deadline_passed
from registry.programmes.selectors import programme_for
from registry.units.models import Unit
from registry.units.selectors import document_header

from . import reminders
from .figures import unit_figures
from .models import DocumentCounter, Review, ReviewExport

RENDER_TASK = "registry.reviews.tasks.render_review_pdf"  # reviews/tasks.py


_n = format_number  # short, for the sentences of `summary_text`


def _pct(value) -> str:
    """18,5% – and 100%, not 100,0%."""
    return format_number(round(value, 1)) + "%"


def _date(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def summary_text(*, unit: Unit, period: Period, f: dict, as_of: datetime.date) -> str:
    """Factual paragraphs, in Vietnamese (the language of Party documents), from the figures."""
    with translation.override("vi"):
        parts = []
        subject = "chi bộ" if unit.kind.is_cell else "đảng bộ"
        if f["members"]:
            registered = f"{_n(f['registered'])} đồng chí đã đăng ký kế hoạch học tập và làm theo"
            if f.get("registered_pct") is not None:
                registered += f" (đạt {_pct(f['registered_pct'])})"
            parts.append(
                f"Tính đến ngày {_date(as_of)}, {subject} có {_n(f['members'])} đảng viên; "
                f"{registered}."
            )
        parts.append(
            f"Đã duyệt {_n(f['approved_plans'])} bản đăng ký với {_n(f['items'])} việc làm theo, "
            f"trong đó có {_n(f['breakthrough'])} việc làm đột phá."
        )
        k = f.get("key_officials") or {}
        if k.get("counted"):
            text = (
                f"Cán bộ chủ chốt: {_n(k['registered'])}/{_n(k['counted'])} đồng chí đã đăng ký "
                f"với {_n(k['items'])} việc làm theo"
            )
            if k["reports"]:
                text += f"; {_n(k['reports_on_time'])}/{_n(k['reports'])} báo cáo đúng hạn"
            parts.append(text + ".")
        quarter = f"quý {period.roman}"
        if f["items"]:
            parts.append(
                f"Kết quả {quarter}: {_n(f['items_done'])} việc đã hoàn thành, "
                f"{_n(f['items_in_progress'])} việc đang thực hiện, "
                f"{_n(f['items_not_started'])} việc chưa bắt đầu, "
                f"{_n(f['items_not_done'])} việc không thực hiện và "
                f"{_n(f['items_not_reported'])} việc chưa có báo cáo."
            )
            text = (
                f"Về báo cáo kết quả {quarter}: {_n(f['reports_on_time'])} đảng viên báo cáo "
                f"đúng hạn, {_n(f['reports_late'])} báo cáo trễ hạn, "
                f"{_n(f['reports_missing'])} chưa báo cáo dù đã quá hạn"
            )
            if f.get("reports_not_due"):
                text += f", {_n(f['reports_not_due'])} chưa đến hạn báo cáo"
            parts.append(text + ".")
        if f["checks"] or f["supervisions"]:
            scope = period.label_vi if not period.is_year else f"năm {period.year}"
            parts.append(
                f"Trong {scope}, {subject} đã kiểm tra {_n(f['checks'])} và giám sát "
                f"{_n(f['supervisions'])} lượt đảng viên về việc thực hiện Chỉ thị."
            )
        if period.is_year:
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


# --- What a new draft says until someone changes it (visible and editable on the page) -------


def default_signature(unit: Unit) -> dict:
    """Who signs, and in what form: for a cell "T/M CHI BỘ"; for a committee with a standing
    committee "T/M BAN THƯỜNG VỤ"; for another committee "T/M ĐẢNG ỦY". By default the unit's
    secretary signs (else its deputy), with their name."""
    if unit.kind.is_cell:
        on_behalf = "T/M CHI BỘ"
    elif unit.has_standing_committee:
        on_behalf = "T/M BAN THƯỜNG VỤ"
    else:
        on_behalf = "T/M ĐẢNG ỦY"
    leaders = list(
        RoleAssignment.objects.filter(unit=unit, role__in=RoleAssignment.MANAGING_ROLES)
        .select_related("user", "user__member")
        .order_by("created_at", "id")
    )
    signer = next((r for r in leaders if r.role == RoleAssignment.Role.SECRETARY), None)
    title = "BÍ THƯ"
    if signer is None:
        signer = next(iter(leaders), None)
        title = "PHÓ BÍ THƯ" if signer else title
    return {"on_behalf": on_behalf, "signer_title": title, "signer_name": _person_name(signer)}


def _person_name(role) -> str:
    if role is None:
        return ""
    member = getattr(role.user, "member", None)
    return member.full_name if member else role.user.get_full_name()


def default_recipients(unit: Unit) -> str:
    """Nơi nhận: the body above (to report to) and the file copy, one per line."""
    superior = document_header(unit=unit)["superior_name"]
    rows = [f"{superior} (để báo cáo)"] if superior else []
    rows.append("Lưu chi bộ" if unit.kind.is_cell else "Lưu Văn phòng")
    return "\n".join(rows)


DEFAULT_NEXT_TASKS = (
    "Tiếp tục thực hiện các nội dung đã đăng ký; đôn đốc đảng viên báo cáo kết quả đúng hạn."
)


# --- Writing and refreshing drafts ------------------------------------------------------------


def _period(kind: str, year: int, quarter: int) -> Period:
    return Period(year, quarter) if kind == Review.Kind.QUARTER else Period(year)


#: What a review's figures hold beside the kept figures (counted from the rows at generation).
BEYOND_KEPT = ("indicators", "key_officials")


def _computed(unit: Unit, period: Period, on: datetime.date, at) -> dict:
    figures, rows = unit_figures(unit=unit, period=period, on=on)
    # Stored with the figures, so the draft's page and the issued PDF print the same sums.
    figures = {
        **figures,
        "indicators": indicator_totals(unit=unit, period=period, on=on),
        "key_officials": key_officials_standing(unit=unit, period=period, on=on),
    }
    as_of = period.as_of(on)
    deeds, _by_child = commendation_counts(unit=unit, period=period, on=on)
    return {
        "figures": figures,
        "commendations": deeds.as_dict(),
        "children": _children_rows(rows),
        "summary": summary_text(unit=unit, period=period, f=figures, as_of=as_of),
        "as_of": as_of,
        "taken_on": on,
        "generated_at": at,
    }


def review_generate(
    *, unit: Unit, kind: str, year: int, quarter: int, at=None
) -> tuple[Review, str]:
    """Create or refresh the draft review of `unit` for the period. Returns (review, what
    happened: "created", "updated" or "final" when the period's review is issued and no
    replacement is being drafted)."""
    at = at or timezone.now()
    period = _period(kind, year, quarter)
    key = {
        "unit": unit,
        "kind": kind,
        "year": year,
        "quarter": quarter if kind == Review.Kind.QUARTER else 0,
    }
    in_force = Review.objects.filter(**key, status=Review.Status.FINAL).first()
    if (
        in_force is not None
        and not Review.objects.filter(**key, status=Review.Status.DRAFT).exists()
    ):
        return in_force, "final"  # issued, and no replacement drafted: nothing to compute
    values = _computed(unit, period, timezone.localdate(at), at)
    with transaction.atomic():
        review = (
            Review.objects.select_for_update().filter(**key, status=Review.Status.DRAFT).first()
        )
        if review is None:
            if in_force is not None:  # its replacement was issued a moment ago
                return in_force, "final"
            try:
                with transaction.atomic():
                    return (
                        Review.objects.create(
                            **key,
                            **values,
                            **default_signature(unit),
                            recipients=default_recipients(unit),
                            next_tasks=DEFAULT_NEXT_TASKS,
                        ),
                        "created",
                    )
            except IntegrityError:  # created by a concurrent run a moment ago
                review = Review.objects.select_for_update().get(**key, status=Review.Status.DRAFT)
        _refresh(review, values)
        return review, "updated"


def _refresh(review: Review, values: dict) -> None:
    """New figures make a new version: a confirmation given on the old ones no longer holds."""
    printed = ("figures", "commendations", "children", "summary", "as_of")
    changed = any(getattr(review, name) != values[name] for name in printed)
    for name, value in values.items():
        setattr(review, name, value)
    fields = [*values]
    if changed:
        review.version += 1
        fields.append("version")
    review.save(update_fields=fields)


def review_refresh(*, review: Review, actor, at=None) -> Review:
    """The secretary asks for today's figures on a draft."""
    at = at or timezone.now()
    with transaction.atomic():
        review = _lock(review)
        _require_writer(actor, review)
        _require_draft(review)
        _refresh(review, _computed(review.unit, review.period, timezone.localdate(at), at))
    return review


def units_to_review(*, root: Unit | None = None):
    """Cells and the committees above them that have people under them."""
    from registry.pledges.standing import current_members

    units = Unit.objects.filter(is_active=True, kind__is_group=False).select_related("kind")
    if root is not None:
        units = units.filter(path__startswith=root.path)
    cell_paths = set(current_members().values_list("cell__path", flat=True))
    return [u for u in units.order_by("path") if any(p.startswith(u.path) for p in cell_paths)]


def due_period(today: datetime.date, delay_days: int) -> tuple[int, int] | None:
    """The quarter whose drafts are written or refreshed today, if any: the last quarter
    that ended, from `delay_days` after its end and for 60 days."""
    last = previous_quarter(current_quarter(today))
    return (
        (last.year, last.quarter)
        if delay_days <= (today - last.end).days <= delay_days + 60
        else None
    )


def can_edit(user, review: Review) -> bool:
    return policy.can_write_reviews(user, review.unit)


def second_factor_passed(user) -> bool:
    return policy.second_factor_passed(user)


def _lock(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("unit__kind", "finalised_by", "replaces")
        .get(pk=review.pk)
    )


def _require_writer(actor, review: Review) -> None:
    if not can_edit(actor, review):
        raise PermissionDenied


SECOND_FACTOR_MISSING = "second_factor"


def _require_second_factor(actor, review: Review) -> None:
    """A numbered document is issued only from a session that passed the second factor."""
    if not policy.can_issue_reviews(actor, review.unit):
        raise ValidationError(
            _(
                "Issuing a numbered review needs the second sign-in step: confirm with the "
                "code of your authenticator app (or set it up) first."
            ),
            code=SECOND_FACTOR_MISSING,
        )


def _require_draft(review: Review) -> None:
    if review.status != Review.Status.DRAFT:
        raise ValidationError(
            _("This review was issued by %(who)s at %(when)s and can no longer be changed.")
            % {
                "who": review.finalised_by or "—",
                "when": formats.date_format(
                    timezone.localtime(review.finalised_at), "SHORT_DATETIME_FORMAT"
                ),
            },
            code="state",
        )


def _require_version(review: Review, seen_version: int) -> None:
    if review.version != seen_version:
        raise ValidationError(
            _(
                "This review changed after you opened it (its text was saved by someone else, "
                "or its figures were refreshed). Your text is kept below; look at the review "
                "again before going on."
            ),
            code="conflict",
        )


TEXT_FIELDS = (
    "results",
    "limitations",
    "next_tasks",
    "signer_name",
    "signer_title",
    "on_behalf",
    "recipients",
)


@transaction.atomic
def review_update_text(*, review: Review, actor, seen_version: int, **texts) -> Review:
    """Save what the secretary wrote: the assessment, the limitations, the next tasks, the
    signer and the recipients."""
    review = _lock(review)
    _require_writer(actor, review)
    _require_draft(review)
    _require_version(review, seen_version)
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name, value in texts.items():
        setattr(
            review, name, "\n".join(line.rstrip() for line in (value or "").strip().splitlines())
        )
    review.version += 1
    review.save(update_fields=[*texts, "version"])
    audit_record(actor=actor, action="review.edit", target=review)
    return review


# --- Issuing ----------------------------------------------------------------------------------


def next_number(review: Review, at=None) -> int:
    """The number the review would take if issued now (the counter decides when it is)."""
    year = timezone.localtime(at or timezone.now()).year
    counter = DocumentCounter.objects.filter(unit=review.unit, year=year).first()
    return (counter.last_number if counter else 0) + 1


def symbol_for(unit: Unit) -> str:
    return f"BC/{unit.abbreviation or ('CB' if unit.kind.is_cell else 'ĐU')}"


def number_label(number: int, unit: Unit) -> str:
    return f"{number:02d}-{symbol_for(unit)}"


def early_issue_reasons(review: Review, on: datetime.date) -> list[str]:
    """Why issuing on `on` would be early: the period is not over, or its reports are not due
    yet (the reports still "not yet due" are then counted as such, not as missing)."""
    period = review.period
    reasons = []
    if on <= period.end:
        reasons.append(
            _("The period ends on %(date)s; the figures are those of %(as_of)s.")
            % {"date": _date(period.end), "as_of": _date(review.as_of or on)}
        )
    deadline = programme_for(unit=review.unit, year=period.year).quarter_deadline(
        period.last_quarter
    )
    if deadline is not None and not deadline_passed(deadline, on):
        not_due = review.figures.get("reports_not_due", 0)
        reasons.append(
            _(
                "The members' reports for quarter %(q)s are due by %(deadline)s: until then "
                "%(n)s plans are counted as “not yet due”, not as missing."
            )
            % {"q": period.roman, "deadline": _date(deadline), "n": not_due}
        )
    return reasons


def issue_problems(review: Review) -> dict[str, str]:
    """What must still be written before the review can be issued (by field)."""
    errors = {}
    if not (review.results or "").strip():
        errors["results"] = _("Write the assessment of the results before issuing.")
    if not (review.next_tasks or "").strip():
        errors["next_tasks"] = _("Write the tasks for the next period before issuing.")
    if not (review.signer_title or "").strip() or not (review.on_behalf or "").strip():
        errors["signer_title"] = _("Say who signs the review, and in what capacity.")
    if not review.recipient_lines:
        errors["recipients"] = _("List the recipients (Nơi nhận).")
    return errors


def _check_issuable(review: Review) -> None:
    errors = issue_problems(review)
    if errors:
        raise ValidationError(errors)


def review_issue(
    *,
    review: Review,
    actor,
    seen_version: int,
    expected_number: int,
    confirm_early: bool = False,
    at=None,
) -> tuple[Review, ReviewExport]:
    """Issue the review exactly as previewed: lock it, check that it is the version the
    secretary confirmed and that the number is the one announced, give it the number, and
    queue its PDF. A replacement puts the review it replaces out of force. One transaction."""
    at = at or timezone.now()
    with transaction.atomic():
        review = _lock(review)
        _require_writer(actor, review)
        _require_second_factor(actor, review)
        _require_draft(review)
        _require_version(review, seen_version)
        _check_issuable(review)
        if early_issue_reasons(review, timezone.localdate(at)) and not confirm_early:
            raise ValidationError(
                {"confirm_early": _("Confirm that the review is issued before the deadline.")},
                code="early",
            )
        issued_year = timezone.localtime(at).year
        counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
            unit=review.unit, year=issued_year
        )
        if counter.last_number + 1 != expected_number:
            raise ValidationError(
                _(
                    "Another report of the unit took number %(taken)s a moment ago; this one "
                    "would be number %(next)s. Confirm again."
                )
                % {
                    "taken": number_label(expected_number, review.unit),
                    "next": number_label(counter.last_number + 1, review.unit),
                },
                code="number",
            )
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        if review.replaces_id:
            Review.objects.filter(pk=review.replaces_id, status=Review.Status.FINAL).update(
                status=Review.Status.REPLACED
            )
        review.number, review.issued_year = counter.last_number, issued_year
        review.symbol = symbol_for(review.unit)
        review.status, review.finalised_at, review.finalised_by = Review.Status.FINAL, at, actor
        review.save(
            update_fields=[
                "number",
                "issued_year",
                "symbol",
                "status",
                "finalised_at",
                "finalised_by",
            ]
        )
        audit_record(actor=actor, action="review.issue", target=review, number=review.number_label)
        reminders.clear_draft(review_id=review.pk)
        export = export_request(review=review, actor=actor, at=at)
    return review, export


@transaction.atomic
def review_replace(*, review: Review, actor, reason: str, at=None) -> Review:
    """Start the correction of an issued review: a new draft of the same period, with
    today's figures and the texts of the issued one, that will name it when issued. The
    issued review stays in force, and listed, until then."""
    at = at or timezone.now()
    review = _lock(review)
    _require_writer(actor, review)
    if review.status != Review.Status.FINAL:
        raise ValidationError(_("Only the issued review in force can be replaced."), code="state")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what the replacement corrects.")})
    existing = Review.objects.filter(
        unit=review.unit,
        kind=review.kind,
        year=review.year,
        quarter=review.quarter,
        status=Review.Status.DRAFT,
    ).first()
    if existing is not None:
        return existing
    values = _computed(review.unit, review.period, timezone.localdate(at), at)
    draft = Review.objects.create(
        unit=review.unit,
        kind=review.kind,
        year=review.year,
        quarter=review.quarter,
        replaces=review,
        **values,
        **{name: getattr(review, name) for name in TEXT_FIELDS},
    )
    audit_record(
        actor=actor,
        action="review.replace",
        target=draft,
        replaces=review.number_label,
        reason=reason.strip(),
    )
    return draft


# --- Exports ----------------------------------------------------------------------------------


def export_request(*, review: Review, actor, at=None) -> ReviewExport:
    """Queue a PDF rendering; the task is sent only once the transaction has committed."""
    if not review.is_issued:
        raise ValidationError(_("Only an issued review can be exported."))
    export = ReviewExport.objects.create(
        review=review, requested_by=actor, requested_at=at or timezone.now()
    )
    exports.send_after_commit(ReviewExport, RENDER_TASK, export.pk)
    return export


def exports_resend_stalled(*, now=None) -> int:
    """Exports whose message was lost (broker down, worker killed mid-way) go round again
    (`core.exports.resend_stalled`)."""
    return exports.resend_stalled(ReviewExport, RENDER_TASK, now=now)


def export_render(*, export_id: int) -> ReviewExport:
    """Claim the export (a redelivered task finds it claimed or done and stops), render, store."""
    from .pdf import render_review_pdf as render

    return exports.render_claimed(
        ReviewExport,
        export_id,
        render=lambda export: render(export.review),
        stored_name=lambda export: f"review-{export.review_id}-{export.pk}.pdf",
        select_related=("review__unit__kind", "review__finalised_by", "review__replaces"),
    )


def generation_delay_days() -> int:
    return settings.REVIEW_GENERATION_DELAY_DAYS
