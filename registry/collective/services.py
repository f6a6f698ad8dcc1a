"""The life of a collective registration, enforced here and only here – the personal plan's
(`pledges.services`):

    draft ──submit──▶ submitted ──approve──▶ approved ──request amendment──▶ amending
      ▲                 │                                                      │
      └──── returned ◀──┘ return (with comment)            submit ◀────────────┘

The unit's leaders draft, submit and amend (`policy.can_register_collective`); the committee
above approves or returns (`policy.can_decide_collective`). Each function locks the row,
refuses an illegal step with a message the person can act on, records the step (Transition
and the audit trail) and runs in one transaction."""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from registry.access import policy
from registry.audit.services import audit_record
from registry.core import stale
from registry.core.periods import (
    FIRST_YEAR,
    LAST_YEAR,
    Period,
    is_programme_year,
    quarter_start,
    roman,
)
from registry.indicators.selectors import indicators_for
from registry.members.models import Membership
from registry.pledges import standing
from registry.pledges.evidence import check_evidence_file
from registry.pledges.models import canonical_unit
from registry.programmes.selectors import programme_for
from registry.units.models import Unit

from .models import CONTENT_FIELDS, Content, Evidence, Progress, Registration, Snapshot, Transition
from .selectors import approved_contents_by_id, content_values

S = Registration.Status
# "06-KH/CB", "12-KH/ĐU": a number, a hyphen, the document type, a slash, the issuer's symbol.
PLAN_NUMBER = re.compile(r"^\d{1,4}-[^\s/]+/\S+$")
MAX_CONTENTS = 40
TOO_BIG = Decimal(10) ** 10


def _d(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _lock(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__kind")
        .get(pk=registration.pk)
    )


def _require_drafter(actor, registration: Registration) -> None:
    if not policy.can_register_collective(actor, registration.unit):
        raise PermissionDenied


def _require_decider(actor, registration: Registration) -> None:
    if not policy.can_decide_collective(actor, registration.unit):
        raise PermissionDenied


def _require_status(registration: Registration, *allowed: str, message: str) -> None:
    """Refuse a step from another state, saying who changed it last and when (two people at
    work: the second one learns what happened)."""
    if registration.status in allowed:
        return
    last = registration.transitions.select_related("by").order_by("-at", "-id").first()
    detail = ""
    if last is not None:
        detail = " " + _("Last change: %(state)s by %(who)s at %(when)s.") % {
            "state": registration.get_status_display(),
            "who": last.by or "—",
            "when": formats.date_format(timezone.localtime(last.at), "SHORT_DATETIME_FORMAT"),
        }
    raise ValidationError(
        message % {"state": registration.get_status_display()} + detail, code="state"
    )


def _shown_changed(registration: Registration) -> None:
    """The unit's pages, and those above it, show something new (`core.stale.touch`)."""
    stale.touch([registration.unit], [registration.year])


def _move(registration: Registration, to: str, actor, at, comment: str = "") -> None:
    Transition.objects.create(
        registration=registration,
        from_status=registration.status,
        to_status=to,
        at=at,
        by=actor,
        comment=comment,
    )
    audit_record(
        actor=actor,
        action=f"collective.{to}",
        target=registration,
        summary=str(registration),
        comment=comment,
    )
    _shown_changed(registration)
    registration.status = to


@transaction.atomic
def registration_create(*, unit: Unit, year: int, actor, at=None) -> Registration:
    at = at or timezone.now()
    if not policy.can_register_collective(actor, unit):
        raise PermissionDenied
    if not is_programme_year(year):
        raise ValidationError(
            _("Registrations are made for the years %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    exists = _("%(unit)s already has a registration for %(year)s.") % {"unit": unit, "year": year}
    if Registration.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(exists)
    registration = Registration(unit=unit, year=year)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise ValidationError(exists) from None
    Transition.objects.create(registration=registration, to_status=S.DRAFT, at=at, by=actor)
    audit_record(
        actor=actor, action="collective.create", target=registration, summary=str(registration)
    )
    _shown_changed(registration)
    return registration


def content_problems(data: dict, year: int) -> dict[str, str]:
    """What is wrong with one content, by field (empty when nothing is)."""
    problems = {}
    if not (data.get("title") or "").strip():
        problems["title"] = _("Say what the organisation will do.")
    if data.get("kind") not in Content.Kind.values:
        problems["kind"] = _("Choose the kind of content.")
    deadline = data.get("deadline")
    if deadline and deadline.year != year:
        problems["deadline"] = _("The deadline must fall in %(year)s.") % {"year": year}
    target = data.get("target_value")
    if target is not None and not (Decimal(target).is_finite() and 0 <= Decimal(target) < TOO_BIG):
        problems["target_value"] = _("Give a number from 0 to 9,999,999,999.")
    if (data.get("target_unit") or "").strip() and target is None:
        problems["target_value"] = _("Give the number for the target “%(unit)s”.") % {
            "unit": data["target_unit"]
        }
    return problems


def plan_problems(*, plan_number: str, plan_date, year: int, today) -> dict[str, str]:
    """What is wrong with the action plan's number and date (empty when nothing is)."""
    problems = {}
    number = (plan_number or "").strip()
    if number and not PLAN_NUMBER.match(number):
        problems["plan_number"] = _(
            "Write the number as it stands on the plan, e.g. 06-KH/CB (without “Số”)."
        )
    if plan_date is not None:
        if plan_date > today:
            problems["plan_date"] = _("The plan's date cannot be in the future.")
        elif plan_date.year not in (year - 1, year):
            problems["plan_date"] = _("A plan for %(year)s is dated in %(before)s or %(year)s.") % {
                "year": year,
                "before": year - 1,
            }
    return problems


def _resolve_indicators(registration: Registration, contents: list[dict], existing: dict) -> dict:
    """Each content's indicator (an Indicator or its id) as a row available to the unit
    (`indicators.selectors.indicators_for`, as for plan items); a content keeps one chosen
    before it was retired. Problems by content number; one query (none without indicators)."""
    wanted = {
        getattr(data.get("indicator"), "pk", data.get("indicator"))
        for data in contents
        if data.get("indicator")
    }
    if not wanted:
        return {}
    kept = {content.indicator_id for content in existing.values()}
    available = {
        i.pk: i for i in indicators_for(unit=registration.unit, include=kept).filter(pk__in=wanted)
    }
    problems = {}
    for number, data in enumerate(contents, start=1):
        pk = getattr(data.get("indicator"), "pk", data.get("indicator"))
        if not pk:
            continue
        if pk in available:
            data["indicator"] = available[pk]
        else:
            problems[number] = _("this indicator is not used in your unit.")
    return problems


def _responsible_in_subtree(unit: Unit, member_ids: set[int]) -> set[int]:
    """Those of `member_ids` who belong now to a cell in the unit's sub-tree."""
    if not member_ids:
        return set()
    return set(
        Membership.objects.current()
        .filter(member_id__in=member_ids, cell__path__startswith=unit.path)
        .values_list("member_id", flat=True)
    )


@transaction.atomic
def registration_save(
    *,
    registration: Registration,
    actor,
    plan_number: str,
    plan_date,
    summary: str,
    contents: list[dict],
    plan_file=None,
    remove_file: bool = False,
    at=None,
) -> Registration:
    """Replace the registration's action plan details and contents (in display order; each may
    carry the `id` of an existing content). Everything is checked before anything is written:
    a refusal leaves the registration as it was. Contents with progress cannot be removed."""
    at = at or timezone.now()
    registration = _lock(registration)
    _require_drafter(actor, registration)
    _require_status(
        registration,
        *Registration.EDITABLE,
        message=_("The registration cannot be changed while it is “%(state)s”."),
    )
    errors: dict[str, list[str]] = {}
    for name, message in plan_problems(
        plan_number=plan_number,
        plan_date=plan_date,
        year=registration.year,
        today=timezone.localdate(at),
    ).items():
        errors.setdefault(name, []).append(message)
    if len(contents) > MAX_CONTENTS:
        errors.setdefault("__all__", []).append(
            _("A registration has at most %(n)s contents.") % {"n": MAX_CONTENTS}
        )
    existing = {c.pk: c for c in registration.contents.all()}
    contents = [dict(data) for data in contents]
    indicator_problems = _resolve_indicators(registration, contents, existing)
    wanted = {d["responsible"].pk for d in contents if d.get("responsible") is not None}
    in_subtree = _responsible_in_subtree(registration.unit, wanted)
    for number, data in enumerate(contents, start=1):
        problems = content_problems(data, registration.year)
        person = data.get("responsible")
        if person is not None and person.pk not in in_subtree:
            problems["responsible"] = _("%(name)s is not a member of this organisation.") % {
                "name": person.full_name
            }
        if data.get("id") and data["id"] not in existing:
            problems["title"] = _("This content is no longer in the registration.")
        if number in indicator_problems:
            problems["indicator"] = indicator_problems[number]
        for name, message in problems.items():
            errors.setdefault(name, []).append(
                _("Content %(n)s: %(problem)s") % {"n": number, "problem": message}
            )
    kept_ids = {d.get("id") for d in contents if d.get("id")}
    removed = [c for pk, c in existing.items() if pk not in kept_ids]
    reported = [c for c in removed if c.progress.exists()]
    if reported:
        errors.setdefault("__all__", []).append(
            _(
                "“%(content)s” already has progress reported and cannot be removed; "
                "change it instead."
            )
            % {"content": reported[0].title[:80]}
        )
    kind = None
    if plan_file is not None:
        try:
            kind = check_evidence_file(plan_file)
        except ValidationError as exc:
            errors.setdefault("plan_file", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    approved = approved_contents_by_id(registration)
    for number, data in enumerate(contents, start=1):
        content = existing.get(data.get("id")) if data.get("id") else None
        if content is None:
            content = Content(registration=registration)
        for name in CONTENT_FIELDS:
            value = data.get(name)
            if isinstance(value, str):
                value = value.strip()
            setattr(content, name, value)
        content.measures = content.measures or ""
        content.expected_result = content.expected_result or ""
        content.responsible_name = "" if content.responsible else content.responsible_name or ""
        content.indicator = content.indicator or None
        content.target_unit = canonical_unit(content.target_unit)
        if content.indicator is not None:  # a content of an indicator counts in its unit
            content.target_unit = content.indicator.unit
        content.position = number
        content.pending_change = bool(
            content.approved_at
            and content.pk in approved
            and content_values(content) | {"responsible_label": None}
            != approved[content.pk] | {"responsible_label": None}
        )
        content.save()
    Content.objects.filter(pk__in=[c.pk for c in removed]).delete()
    registration.plan_number = (plan_number or "").strip()
    registration.plan_date = plan_date
    registration.summary = (summary or "").strip()
    old_file = registration.plan_file.name if (plan_file is not None or remove_file) else ""
    if remove_file and plan_file is None:
        registration.plan_file = ""
        registration.plan_file_name = registration.plan_file_type = ""
    if plan_file is not None:
        registration.plan_file.save(plan_file.name, plan_file, save=False)
        registration.plan_file_name = plan_file.name[:200]
        registration.plan_file_type = kind.content_type
    try:
        registration.save()
    except Exception:  # the new file must not outlive a failed save
        if plan_file is not None:
            registration.plan_file.storage.delete(registration.plan_file.name)
        raise
    if old_file:
        storage = registration.plan_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    audit_record(
        actor=actor,
        action="collective.edit",
        target=registration,
        summary=str(registration),
        contents=len(contents),
    )
    _shown_changed(registration)
    return registration


@transaction.atomic
def registration_submit(*, registration: Registration, actor, at=None) -> Registration:
    at = at or timezone.now()
    registration = _lock(registration)
    _require_drafter(actor, registration)
    _require_status(
        registration,
        *Registration.EDITABLE,
        message=_("A registration that is “%(state)s” cannot be submitted."),
    )
    missing = []
    if not registration.plan_number:
        missing.append(_("the number of the action plan"))
    if not registration.plan_date:
        missing.append(_("its date"))
    if not registration.contents.exists():
        missing.append(_("at least one content"))
    if missing:
        raise ValidationError(
            _("Before submitting, add %(what)s.") % {"what": ", ".join(str(m) for m in missing)}
        )
    registration.submitted_at = registration.submitted_at or at  # the registration
    registration.last_submitted_at = at
    _move(registration, S.SUBMITTED, actor, at)
    registration.save(update_fields=["status", "submitted_at", "last_submitted_at", "updated_at"])
    return registration


def _snapshot(registration: Registration) -> dict:
    return {
        "plan_number": registration.plan_number,
        "plan_date": registration.plan_date.isoformat() if registration.plan_date else None,
        "summary": registration.summary,
        "contents": [
            {"id": c.pk, "position": c.position, **content_values(c)}
            for c in registration.contents.select_related("responsible")
        ],
    }


@transaction.atomic
def registration_approve(*, registration: Registration, actor, at=None) -> Registration:
    at = at or timezone.now()
    registration = _lock(registration)
    _require_decider(actor, registration)
    _require_status(
        registration,
        S.SUBMITTED,
        message=_(
            "Only a registration waiting for approval can be approved; this one is “%(state)s”."
        ),
    )
    registration.approved_at, registration.approved_by = at, actor
    registration.first_approved_at = registration.first_approved_at or at
    _move(registration, S.APPROVED, actor, at)
    registration.save(
        update_fields=["status", "approved_at", "first_approved_at", "approved_by", "updated_at"]
    )
    registration.contents.filter(approved_at__isnull=True).update(approved_at=at)
    registration.contents.filter(pending_change=True).update(pending_change=False)
    Snapshot.objects.create(
        registration=registration,
        approved_at=at,
        approved_by=actor,
        content=_snapshot(registration),
    )
    return registration


@transaction.atomic
def registration_return(
    *, registration: Registration, actor, comment: str, at=None
) -> Registration:
    at = at or timezone.now()
    registration = _lock(registration)
    _require_decider(actor, registration)
    _require_status(
        registration,
        S.SUBMITTED,
        message=_(
            "Only a registration waiting for approval can be returned; this one is “%(state)s”."
        ),
    )
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the organisation should change.")})
    _move(registration, S.RETURNED, actor, at, comment.strip())
    registration.save(update_fields=["status", "updated_at"])
    return registration


@transaction.atomic
def registration_request_amendment(
    *, registration: Registration, actor, reason: str, at=None
) -> Registration:
    """The organisation reopens its approved registration; the approved version stays on
    record and the amended one goes back to the committee above."""
    at = at or timezone.now()
    registration = _lock(registration)
    _require_drafter(actor, registration)
    _require_status(
        registration,
        S.APPROVED,
        message=_("Only an approved registration can be amended; this one is “%(state)s”."),
    )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the registration needs to change.")})
    _move(registration, S.AMENDING, actor, at, reason.strip())
    registration.save(update_fields=["status", "updated_at"])
    return registration


@transaction.atomic
def progress_file(
    *,
    content: Content,
    quarter: int,
    actor,
    status: str,
    value_reached: Decimal | None = None,
    account: str = "",
    files=(),
    at=None,
) -> Progress:
    """File (or correct) a content's progress for one quarter, with evidence files. Late is
    decided as for personal plans (`pledges.standing`), by the deadline of the unit's
    programme. Everything is checked before anything is written."""
    at = at or timezone.now()
    registration = _lock(content.registration)
    content = Content.objects.get(pk=content.pk, registration=registration)
    _require_drafter(actor, registration)
    if not registration.was_approved:
        raise ValidationError(
            _("Progress is reported once the committee above has approved the registration.")
        )
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("There is no such quarter."))
    today = timezone.localdate(at)
    period = Period(registration.year, quarter)
    _allowed, why = standing.reportable(content, period, today)
    if why == "not_started":
        raise ValidationError(
            _("Quarter %(q)s has not started yet; report from %(start)s.")
            % {"q": roman(quarter), "start": _d(quarter_start(registration.year, quarter))}
        )
    if why == "not_counted":
        raise ValidationError(
            _("This content was not yet approved in quarter %(q)s; there is nothing to report.")
            % {"q": roman(quarter)}
        )
    if why == "changed":
        raise ValidationError(
            _(
                "This content was changed; report on it once the committee above "
                "approves the change."
            )
        )
    errors = {}
    if status not in Progress.Status.values:
        errors["status"] = _("Choose how far the content has got.")
    if value_reached is not None and (
        not value_reached.is_finite() or not 0 <= value_reached < TOO_BIG
    ):
        errors["value_reached"] = _("Give a number from 0 to 9,999,999,999.")
    existing = Progress.objects.select_for_update().filter(content=content, quarter=quarter).first()
    already = existing.evidence.count() if existing else 0
    if already + len(files) > settings.EVIDENCE_MAX_FILES:
        errors["files"] = _("A report can have at most %(n)s files.") % {
            "n": settings.EVIDENCE_MAX_FILES
        }
    kinds, file_errors = [], []
    for upload in files:
        try:
            kinds.append(check_evidence_file(upload))
        except ValidationError as exc:
            file_errors.extend(exc.messages)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    deadline = programme_for(unit=registration.unit, year=registration.year).quarter_deadline(
        quarter
    )
    values = {
        "status": status,
        "value_reached": value_reached,
        "account": (account or "").strip(),
        "filed_by": actor,
        "filed_at": at,
    }
    if existing is None:
        progress = Progress.objects.create(
            content=content,
            quarter=quarter,
            is_late=standing.is_filed_late(today, deadline),
            first_filed_at=at,
            **values,
        )
    else:
        progress = existing
        for name, value in values.items():
            setattr(progress, name, value)
        progress.save()
    stored = []
    try:
        for upload, kind in zip(files, kinds, strict=True):
            evidence = Evidence(
                progress=progress,
                original_name=upload.name[:200],
                content_type=kind.content_type,
                size=upload.size,
                uploaded_at=at,
                uploaded_by=actor,
            )
            evidence.file.save(upload.name, upload, save=False)
            stored.append(evidence.file)
            evidence.save()
    except Exception:
        for f in stored:
            f.storage.delete(f.name)
        raise
    audit_record(
        actor=actor,
        action="collective.progress",
        target=registration,
        content=content.pk,
        quarter=quarter,
        late=progress.is_late,
    )
    _shown_changed(registration)
    return progress
