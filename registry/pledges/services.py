"""The life of a personal plan, enforced here and only here:

    draft ──submit──▶ submitted ──approve──▶ approved ──request amendment──▶ amending
      ▲                 │                                                      │
      └──── returned ◀──┘ return (with comment)            submit ◀────────────┘

Each function locks the plan row, refuses an illegal step with a message the member can act
on, records the step (PlanTransition and the audit trail) and runs in one transaction."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from registry.access import policy
from registry.audit.services import audit_record
from registry.core.numbers import format_number
from registry.core.periods import (
    FIRST_YEAR,
    LAST_YEAR,
    Period,
    is_programme_year,
    quarter_start,
    roman,
)
from registry.indicators.selectors import indicators_for
from registry.members.models import Member, Membership
from registry.members.services import mark_figures
from registry.programmes.selectors import programme_for

from . import reminders, standing
from .evidence import check_evidence_file
from .models import (
    ITEM_FIELDS,
    Evidence,
    Plan,
    PlanComment,
    PlanItem,
    PlanSnapshot,
    PlanTransition,
    ProgressReport,
    Rating,
    RegistrationExtension,
    canonical_unit,
    is_percentage,
)
from .selectors import approved_items_by_id, item_content

S = Plan.Status


def _d(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _lock(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("member", "cell", "cell__kind")
        .get(pk=plan.pk)
    )


def _require_owner(actor, plan: Plan) -> None:
    if not policy.is_plan_owner(actor, plan):
        raise PermissionDenied


def _require_decider(actor, plan: Plan) -> None:
    if not policy.can_decide_on_plan(actor, plan):
        raise PermissionDenied


def _require_status(plan: Plan, *allowed: str, message: str) -> None:
    if plan.status not in allowed:
        raise ValidationError(message % {"state": plan.get_status_display()}, code="state")


def _require_status_for_review(plan: Plan, *allowed: str, message: str) -> None:
    """Like `_require_status`, but says who changed the plan last and when: with two
    secretaries at work, the one who comes second learns what happened."""
    if plan.status in allowed:
        return
    last = plan.transitions.select_related("by").order_by("-at", "-id").first()
    detail = ""
    if last is not None:
        detail = " " + _("Last change: %(state)s by %(who)s at %(when)s.") % {
            "state": plan.get_status_display(),
            "who": last.by or "—",
            "when": formats.date_format(timezone.localtime(last.at), "SHORT_DATETIME_FORMAT"),
        }
    raise ValidationError(message % {"state": plan.get_status_display()} + detail, code="state")


def _counts_changed(plan: Plan) -> None:
    """What the plan counts in its cells' kept figures, or shows on their pages, has changed
    (`cells.kept`; the pages are kept under the figures' stamp)."""
    mark_figures(member_ids=[plan.member_id], years=[plan.year])


def _move(plan: Plan, to: str, actor, at: datetime.datetime, comment: str = "") -> None:
    PlanTransition.objects.create(
        plan=plan, from_status=plan.status, to_status=to, at=at, by=actor, comment=comment
    )
    audit_record(actor=actor, action=f"plan.{to}", target=plan, summary=str(plan), comment=comment)
    plan.status = to
    _counts_changed(plan)  # the figures, and the lists the cell's pages show by state


def default_commitment(year: int) -> str:
    """Stored with the plan and printed on a Party document: always in Vietnamese."""
    with translation.override("vi"):
        return _(
            "I commit to carrying out in full the things I have registered above, to reporting "
            "my results every quarter to the cell, and to accepting the cell's supervision "
            "during %(year)s."
        ) % {"year": year}


def _shift_year(value: datetime.date | None, years: int) -> datetime.date | None:
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


@transaction.atomic
def plan_create(
    *, member: Member, year: int, actor, copy_from: Plan | None = None, at=None
) -> Plan:
    at = at or timezone.now()
    if not (actor and actor.is_authenticated and member.user_id == actor.pk):
        raise PermissionDenied
    if not is_programme_year(year):
        raise ValidationError(
            _("Plans are registered for the years %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    membership = Membership.objects.current().filter(member=member).first()
    if membership is None:
        raise ValidationError(_("You do not belong to a cell, so you cannot register a plan."))
    if Plan.objects.filter(member=member, year=year).exists():
        raise ValidationError(_("You already have a plan for %(year)s.") % {"year": year})
    plan = Plan(
        member=member,
        year=year,
        cell=membership.cell,
        commitment=default_commitment(year),
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError(_("You already have a plan for %(year)s.") % {"year": year}) from None
    PlanTransition.objects.create(plan=plan, to_status=S.DRAFT, at=at, by=actor)
    if copy_from is not None:
        if copy_from.member_id != member.pk:
            raise PermissionDenied
        plan.study_content = copy_from.study_content
        plan.save(update_fields=["study_content"])
        shift = year - copy_from.year
        for old in copy_from.items.prefetch_related("standards"):
            values = {name: getattr(old, name) for name in ITEM_FIELDS}
            values["deadline"] = _shift_year(old.deadline, shift)
            item = PlanItem.objects.create(plan=plan, position=old.position, **values)
            item.standards.set(old.standards.all())
    audit_record(actor=actor, action="plan.create", target=plan, summary=str(plan))
    _counts_changed(plan)
    return plan


def implausible_value(value, *, unit: str = "", target=None) -> str | None:
    """Why a target or a result looks mistyped, so the member is asked to confirm it (None
    when it looks right): a share over 100 %, or a result over ten times its target —
    "985 %" where 98,5 was meant."""
    if value is None:
        return None
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    shown = f"{format_number(value)} {canonical_unit(unit)}".strip()
    if is_percentage(unit) and value > 100:
        return _(
            "%(value)s is more than 100 %%. Check the number: decimals come after a comma (98,5)."
        ) % {"value": shown}
    if target is not None and target > 0 and value > 10 * target:
        return _("%(value)s is more than ten times the target (%(target)s). Check the number.") % {
            "value": shown,
            "target": f"{format_number(target)} {canonical_unit(unit)}".strip(),
        }
    return None


def item_target_implausible(data: dict, *, previous: PlanItem | None = None) -> str | None:
    """`implausible_value` for an item's target, unless the same target was saved before
    (it was confirmed then, or is older than the rule)."""
    target, unit = data.get("target_value"), canonical_unit(data.get("target_unit"))
    if previous is not None and (previous.target_value, previous.target_unit) == (target, unit):
        return None
    return implausible_value(target, unit=unit)


def item_problems(
    data: dict, year: int, *, confirmed: bool = False, previous: PlanItem | None = None
) -> dict[str, str]:
    """What is wrong with one pledge item, by field (empty when nothing is). The editor shows
    these next to the fields; `plan_save` refuses the plan while any remain. An implausible
    target is a problem until `confirmed`; `previous` is the stored item, if any."""
    problems = {}
    if not (data.get("action") or "").strip():
        problems["action"] = _("Say what you will do.")
    deadline = data.get("deadline")
    if deadline and deadline.year != year:
        problems["deadline"] = _("The deadline must fall in %(year)s.") % {"year": year}
    target = data.get("target_value")
    if target is not None and not (Decimal(target).is_finite() and 0 <= Decimal(target) < 10**10):
        problems["target_value"] = _("Give a number from 0 to 9,999,999,999.")
    if (data.get("target_unit") or "").strip() and target is None:
        problems["target_value"] = _("Give the number for the target “%(unit)s”.") % {
            "unit": data["target_unit"]
        }
    if "target_value" not in problems and not confirmed:
        reason = item_target_implausible(data, previous=previous)
        if reason:
            problems["target_value"] = reason
    return problems


def _clean_item(
    data: dict, year: int, number: int, *, confirmed: bool, previous: PlanItem | None
) -> dict:
    problems = item_problems(data, year, confirmed=confirmed, previous=previous)
    if problems:
        implausible = None if confirmed else item_target_implausible(data, previous=previous)
        raise ValidationError(
            {
                field: ValidationError(
                    _("Item %(n)s: %(problem)s") % {"n": number, "problem": message},
                    code="implausible" if message == implausible else "invalid",
                )
                for field, message in problems.items()
            }
        )
    values = {}
    for name in ITEM_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        values[name] = value
    values["quarter"] = values["quarter"] or None
    values["indicator"] = values["indicator"] or None
    values["is_breakthrough"] = bool(values["is_breakthrough"])
    for name in ("measures", "expected_result"):
        values[name] = values[name] or ""
    values["target_unit"] = canonical_unit(values["target_unit"])
    if values["indicator"] is not None:  # an indicator's items count in its unit
        values["target_unit"] = values["indicator"].unit
    return values


def _resolve_indicators(plan: Plan, items: list[dict], existing: dict) -> None:
    """Each item's indicator (an Indicator or its id) as a row available to the plan's cell
    (`indicators.selectors.indicators_for`); an item keeps one chosen before it was retired.
    One query."""
    wanted = {
        getattr(data.get("indicator"), "pk", data.get("indicator"))
        for data in items
        if data.get("indicator")
    }
    if not wanted:
        return
    kept = {item.indicator_id for item in existing.values()}
    available = {
        i.pk: i for i in indicators_for(unit=plan.cell, include=kept).filter(pk__in=wanted)
    }
    for number, data in enumerate(items, start=1):
        pk = getattr(data.get("indicator"), "pk", data.get("indicator"))
        if not pk:
            continue
        if pk not in available:
            raise ValidationError(
                {
                    "indicator": _("Item %(n)s: this indicator is not used in your unit.")
                    % {"n": number}
                }
            )
        data["indicator"] = available[pk]


def plan_version(plan: Plan) -> str:
    """The stamp of the plan's last change, which an editor page carries: saving from a page
    older than the plan is refused (`plan_save(version=…)`)."""
    return str(round(plan.updated_at.timestamp() * 1_000_000)) if plan.updated_at else ""


@transaction.atomic
def plan_save(
    *,
    plan: Plan,
    actor,
    study_content: str,
    items: list[dict],
    confirmed: bool = False,
    version: str | None = None,
) -> Plan:
    """Replace the plan's content. `items` are in display order; each may carry the `id`
    of an existing item. Items with progress reports cannot be removed. An implausible
    target is refused (code "implausible") unless `confirmed`, or the item's own
    `confirmed` is true. With `version` (`plan_version` of the page's plan), a plan changed
    since is refused (code "stale"), saying when, so a stale page never overwrites it
    silently."""
    plan = _lock(plan)
    _require_owner(actor, plan)
    _require_status(
        plan, *Plan.EDITABLE, message=_("The plan cannot be changed while it is “%(state)s”.")
    )
    if version is not None and version != plan_version(plan):
        raise ValidationError(
            _(
                "The plan was changed at %(when)s, in another window or on another device, "
                "after this page was opened. Your text is still here: save again to replace "
                "that version with this one, or open the plan again to see it."
            )
            % {
                "when": formats.date_format(
                    timezone.localtime(plan.updated_at), "SHORT_DATETIME_FORMAT"
                )
            },
            code="stale",
        )
    existing = {item.pk: item for item in plan.items.all()}
    approved = approved_items_by_id(plan)
    items = [dict(data) for data in items]
    _resolve_indicators(plan, items, existing)
    kept: set[int] = set()
    cleaned = []
    for number, data in enumerate(items, start=1):
        values = _clean_item(
            data,
            plan.year,
            number,
            confirmed=confirmed or bool(data.get("confirmed")),
            previous=existing.get(data.get("id")) if data.get("id") else None,
        )
        cleaned.append((number, data, values))
    for number, data, values in cleaned:
        item = existing.get(data.get("id")) if data.get("id") else None
        if item is None:
            item = PlanItem(plan=plan)
        for name, value in values.items():
            setattr(item, name, value)
        item.position = number
        # An approved item whose wording or target differs from the approved version waits
        # for the cell's approval again before it can be reported (see `standing`).
        item.pending_change = bool(
            item.approved_at and item.pk in approved and item_content(item) != approved[item.pk]
        )
        item.save()
        item.standards.set(data.get("standards") or [])
        kept.add(item.pk)
    removed = [item for pk, item in existing.items() if pk not in kept]
    reported = [item for item in removed if item.reports.exists()]
    if reported:
        raise ValidationError(
            _("“%(item)s” already has progress reports and cannot be removed; change it instead.")
            % {"item": reported[0].action[:80]}
        )
    PlanItem.objects.filter(pk__in=[item.pk for item in removed]).delete()
    plan.study_content = (study_content or "").strip()
    plan.save(update_fields=["study_content", "updated_at"])
    _counts_changed(plan)  # items that count, or the draft the cell's pages list
    return plan


def registration_open_for(
    plan_or_member, year: int, cell, today: datetime.date
) -> tuple[bool, str]:
    """May a first submission happen today? Returns (allowed, explanation). When the programme
    says key officials register first, the window opens later for the others
    (`EffectiveProgramme.registration_opens_for`)."""
    programme = programme_for(unit=cell, year=year)
    member = plan_or_member.member if isinstance(plan_or_member, Plan) else plan_or_member
    extension = RegistrationExtension.objects.filter(member_id=member.pk, year=year).first()
    if extension and today <= extension.until:
        return True, ""
    opens = programme.registration_opens_for(key_official=member.is_key_official)
    closes = programme.registration_closes
    if opens and closes and opens <= today <= closes:
        return True, ""
    if not (opens and closes):
        return False, _("The registration window for %(year)s has not been set yet.") % {
            "year": year
        }
    if today < opens:
        if opens != programme.registration_opens and today >= programme.registration_opens:
            return False, _(
                "In %(year)s key officials register first; the other comrades submit their "
                "plans from %(opens)s to %(closes)s."
            ) % {"year": year, "opens": _d(opens), "closes": _d(closes)}
        return False, _(
            "Registration for %(year)s opens on %(opens)s and closes on %(closes)s."
        ) % {"year": year, "opens": _d(opens), "closes": _d(closes)}
    return False, _(
        "Registration for %(year)s is open from %(opens)s to %(closes)s. "
        "Ask your cell secretary to open late registration for you."
    ) % {"year": year, "opens": _d(opens), "closes": _d(closes)}


@transaction.atomic
def plan_submit(*, plan: Plan, actor, commitment_confirmed: bool, at=None) -> Plan:
    at = at or timezone.now()
    plan = _lock(plan)
    _require_owner(actor, plan)
    _require_status(
        plan, *Plan.EDITABLE, message=_("A plan that is “%(state)s” cannot be submitted.")
    )
    if not commitment_confirmed:
        raise ValidationError(
            {"commitment_confirmed": _("Tick the box to confirm your commitment.")}
        )
    if not plan.items.exists():
        raise ValidationError(_("Add at least one thing you will do before submitting."))
    if plan.submitted_at is None:  # first submission: only inside the window
        allowed, why = registration_open_for(plan, plan.year, plan.cell, timezone.localdate(at))
        if not allowed:
            raise ValidationError(why, code="window")
    plan.committed_at = at
    plan.submitted_at = plan.submitted_at or at  # the registration: the first submission
    plan.last_submitted_at = at
    _move(plan, S.SUBMITTED, actor, at)
    plan.save(
        update_fields=["status", "committed_at", "submitted_at", "last_submitted_at", "updated_at"]
    )
    reminders.clear_registration(user_id=actor.pk, year=plan.year)
    return plan


@transaction.atomic
def plan_return(*, plan: Plan, actor, comment: str, at=None) -> Plan:
    at = at or timezone.now()
    plan = _lock(plan)
    _require_decider(actor, plan)
    _require_status_for_review(
        plan,
        S.SUBMITTED,
        message=_("Only a plan waiting for approval can be returned; this one is “%(state)s”."),
    )
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the member should revise.")})
    _move(plan, S.RETURNED, actor, at, comment.strip())
    reminders.clear_approval(plan_id=plan.pk)
    plan.save(update_fields=["status", "updated_at"])
    return plan


def plan_return_or_comment(*, plan: Plan, actor, comment: str, at=None) -> tuple[Plan, bool]:
    """Return the plan; if another leader decided on it a moment ago, keep what this one
    wrote as a comment on the plan instead, and say so. Returns (plan, returned)."""
    try:
        return plan_return(plan=plan, actor=actor, comment=comment, at=at), True
    except ValidationError as exc:
        if getattr(exc, "code", None) != "state" or not (comment or "").strip():
            raise
        plan_comment(plan=plan, actor=actor, text=comment, at=at)
        raise ValidationError(
            [*exc.messages, _("Your remarks were kept as a comment on the plan.")], code="state"
        ) from None


def _snapshot(plan: Plan) -> dict:
    return {
        "study_content": plan.study_content,
        "commitment": plan.commitment,
        "items": [
            {"id": i.pk, "position": i.position, **item_content(i)} for i in plan.items.all()
        ],
    }


@transaction.atomic
def plan_approve(*, plan: Plan, actor, at=None) -> Plan:
    at = at or timezone.now()
    plan = _lock(plan)
    _require_decider(actor, plan)
    _require_status_for_review(
        plan,
        S.SUBMITTED,
        message=_("Only a plan waiting for approval can be approved; this one is “%(state)s”."),
    )
    plan.approved_at, plan.approved_by = at, actor
    plan.first_approved_at = plan.first_approved_at or at
    _move(plan, S.APPROVED, actor, at)
    reminders.clear_approval(plan_id=plan.pk)
    plan.save(
        update_fields=["status", "approved_at", "first_approved_at", "approved_by", "updated_at"]
    )
    # Items added in the amendment count from now; changed ones may be reported again.
    plan.items.filter(approved_at__isnull=True).update(approved_at=at)
    plan.items.filter(pending_change=True).update(pending_change=False)
    PlanSnapshot.objects.create(
        plan=plan, approved_at=at, approved_by=actor, content=_snapshot(plan)
    )
    return plan


def _reopen(plan: Plan, actor, at, reason: str, missing_reason: str) -> Plan:
    """Approved → amending, with the reason on record; the approved snapshot stays."""
    if not (reason or "").strip():
        raise ValidationError({"reason": missing_reason})
    _move(plan, S.AMENDING, actor, at, reason.strip())
    plan.save(update_fields=["status", "updated_at"])
    return plan


@transaction.atomic
def plan_request_amendment(*, plan: Plan, actor, reason: str, at=None) -> Plan:
    """The member reopens an approved plan; the approved version stays on record and the
    amended plan goes back for approval."""
    at = at or timezone.now()
    plan = _lock(plan)
    _require_owner(actor, plan)
    _require_status(
        plan,
        S.APPROVED,
        message=_("Only an approved plan can be amended; this one is “%(state)s”."),
    )
    return _reopen(plan, actor, at, reason, _("Say why the plan needs to change."))


@transaction.atomic
def registration_extend(*, member: Member, year: int, until: datetime.date, actor, at=None):
    """The cell secretary lets one member register after the window has closed."""
    at = at or timezone.now()
    membership = (
        Membership.objects.current()
        .filter(member=member)
        .select_related("cell", "cell__kind")
        .first()
    )
    if membership is None or not policy.can_manage_unit(actor, membership.cell):
        raise PermissionDenied
    if until < timezone.localdate(at):
        raise ValidationError({"until": _("The date must not be in the past.")})
    extension, _created = RegistrationExtension.objects.update_or_create(
        member=member, year=year, defaults={"until": until, "granted_by": actor, "granted_at": at}
    )
    audit_record(
        actor=actor,
        action="plan.late_registration",
        target=member,
        year=year,
        until=until.isoformat(),
    )
    mark_figures(member_ids=[member.pk], years=[year])  # what the person's pages show
    return extension


@transaction.atomic
def report_file(
    *,
    item: PlanItem,
    quarter: int,
    actor,
    status: str,
    value_reached: Decimal | None = None,
    account: str = "",
    reason: str = "",
    files=(),
    at=None,
    confirmed: bool = False,
) -> ProgressReport:
    """File (or correct) the progress of one item for one quarter, with evidence files.
    Everything is checked before anything is written; a bad file saves nothing. An
    implausible value (`implausible_value`) is refused (code "implausible") unless
    `confirmed` or unchanged since it was filed."""
    at = at or timezone.now()
    plan = _lock(item.plan)
    item = PlanItem.objects.get(pk=item.pk, plan=plan)
    _require_owner(actor, plan)
    if not plan.was_approved:
        raise ValidationError(_("Progress can be reported once the plan has been approved."))
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("There is no such quarter."))
    today = timezone.localdate(at)
    period = Period(plan.year, quarter)
    _allowed, why = standing.reportable(item, period, today)
    if why == "not_started":
        raise ValidationError(
            _("Quarter %(q)s has not started yet; report from %(start)s.")
            % {"q": roman(quarter), "start": _d(quarter_start(plan.year, quarter))}
        )
    if why == "not_counted":
        raise ValidationError(
            _(
                "This item was not in the plan the cell had approved in quarter %(q)s, so "
                "there is nothing to report for that quarter."
            )
            % {"q": roman(quarter)}
            if item.approved_at
            else _("This item waits for the cell to approve it; report on it once approved.")
        )
    if why == "changed":
        raise ValidationError(
            _("You changed this item; report on it once the cell has approved the change.")
        )
    errors = {}
    if status not in ProgressReport.Status.values:
        errors["status"] = _("Choose how far the item has got.")
    if status == ProgressReport.Status.NOT_DONE and not (reason or "").strip():
        errors["reason"] = _("Say why this item will not be done.")
    if value_reached is not None and (
        not value_reached.is_finite() or not 0 <= value_reached < 10**10
    ):
        errors["value_reached"] = _("Give a number from 0 to 9,999,999,999.")
    existing = ProgressReport.objects.select_for_update().filter(item=item, quarter=quarter).first()
    if not (
        confirmed
        or "value_reached" in errors
        or (existing and existing.value_reached == value_reached)
    ):
        reason = implausible_value(value_reached, unit=item.target_unit, target=item.target_value)
        if reason:
            errors["value_reached"] = ValidationError(reason, code="implausible")
    already = existing.evidence.count() if existing else 0
    if already + len(files) > _max_files():
        errors["files"] = _("A report can have at most %(n)s files.") % {"n": _max_files()}
    file_errors = []
    kinds = []
    for upload in files:
        try:
            kinds.append(check_evidence_file(upload))
        except ValidationError as exc:
            file_errors.extend(exc.messages)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)

    deadline = standing.quarter_deadline(plan, period, today)
    values = {
        "status": status,
        "value_reached": value_reached,
        "account": (account or "").strip(),
        "reason": (reason or "").strip() if status == ProgressReport.Status.NOT_DONE else "",
        "filed_by": actor,
        "filed_at": at,
    }
    if existing is None:
        report = ProgressReport.objects.create(
            item=item,
            quarter=quarter,
            is_late=standing.is_filed_late(today, deadline),
            first_filed_at=at,
            **values,
        )
    else:
        report = existing
        if report.review == ProgressReport.Review.ACCEPTED:
            raise ValidationError(
                _("The cell has accepted this report; it can no longer be changed.")
            )
        for name, value in values.items():
            setattr(report, name, value)
        report.review = ProgressReport.Review.PENDING
        report.save()
    stored = []
    try:
        for upload, kind in zip(files, kinds, strict=True):
            evidence = Evidence(
                report=report,
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
    _counts_changed(plan)
    audit_record(
        actor=actor,
        action="report.file",
        target=plan,
        item=item.pk,
        quarter=quarter,
        late=report.is_late,
    )
    if not standing.unreported_items(
        user_id=plan.member.user_id, year=plan.year, quarter=quarter, on=today
    ):
        reminders.clear_report_due(user_id=plan.member.user_id, year=plan.year, quarter=quarter)
    return report


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> ProgressReport:
    """The member takes a file off a report the cell has not accepted. The only way evidence
    rows are deleted; the stored file goes once the deletion has committed, so a rolled-back
    removal keeps both, and no file outlives its row."""
    report = _lock_report(evidence.report)
    plan = report.item.plan
    _require_owner(actor, plan)
    if report.review == ProgressReport.Review.ACCEPTED:
        raise ValidationError(_("The cell has accepted this report; it can no longer be changed."))
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk, report=report)
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit_record(
        actor=actor,
        action="report.evidence_remove",
        target=plan,
        item=report.item_id,
        quarter=report.quarter,
        file=evidence.original_name,
    )
    _counts_changed(plan)
    return report


def _max_files() -> int:
    from django.conf import settings

    return settings.EVIDENCE_MAX_FILES


@transaction.atomic
def plan_self_assess(*, plan: Plan, actor, text: str, rating: str, at=None) -> Plan:
    at = at or timezone.now()
    plan = _lock(plan)
    _require_owner(actor, plan)
    if not plan.was_approved:
        raise ValidationError(_("The self-assessment comes after the plan has been approved."))
    if timezone.localdate(at) < quarter_start(plan.year, 4):
        raise ValidationError(
            _("The year-end self-assessment opens on %(date)s.")
            % {"date": _d(quarter_start(plan.year, 4))}
        )
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Write a short assessment of your year.")
    if rating not in Rating.values:
        errors["rating"] = _("Choose the rating you propose for yourself.")
    if errors:
        raise ValidationError(errors)
    plan.self_assessment, plan.proposed_rating, plan.self_assessed_at = text.strip(), rating, at
    plan.save(
        update_fields=["self_assessment", "proposed_rating", "self_assessed_at", "updated_at"]
    )
    audit_record(actor=actor, action="plan.self_assess", target=plan, rating=rating)
    _counts_changed(plan)
    return plan


def plan_approve_many(*, plans, actor, at=None) -> tuple[list[Plan], list[tuple[Plan, str]]]:
    """Approve several plans; each one in its own transaction, so one that another
    secretary has just returned does not stop the others. Returns (approved, refused)."""
    approved, refused = [], []
    for plan in plans:
        try:
            approved.append(plan_approve(plan=plan, actor=actor, at=at))
        except (ValidationError, PermissionDenied) as exc:
            reason = " ".join(getattr(exc, "messages", [])) or _("Not allowed.")
            refused.append((plan, reason))
    return approved, refused


@transaction.atomic
def plan_reopen(*, plan: Plan, actor, reason: str, at=None) -> Plan:
    """The cell reopens an approved plan for amendment (the approved version is kept)."""
    at = at or timezone.now()
    plan = _lock(plan)
    _require_decider(actor, plan)
    _require_status_for_review(
        plan,
        S.APPROVED,
        message=_("Only an approved plan can be reopened; this one is “%(state)s”."),
    )
    return _reopen(plan, actor, at, reason, _("Say why the plan is reopened."))


@transaction.atomic
def plan_comment(
    *, plan: Plan, actor, text: str, item: PlanItem | None = None, at=None
) -> PlanComment:
    at = at or timezone.now()
    plan = _lock(plan)
    _require_decider(actor, plan)
    if item is not None and item.plan_id != plan.pk:
        raise PermissionDenied
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the comment.")})
    comment = PlanComment.objects.create(
        plan=plan, item=item, author=actor, at=at, text=text.strip()
    )
    audit_record(actor=actor, action="plan.comment", target=plan, item=item.pk if item else None)
    _counts_changed(plan)
    return comment


@transaction.atomic
def comment_withdraw(*, comment: PlanComment, actor, at=None) -> Plan:
    """Its author takes a comment back within minutes of writing it (`policy.
    can_withdraw_comment`); the audit keeps that it was written and withdrawn."""
    at = at or timezone.now()
    comment = (
        PlanComment.objects.select_for_update(of=("self",))
        .select_related("plan")
        .filter(pk=comment.pk)
        .first()
    )
    if comment is None:
        raise ValidationError(_("This comment has already been withdrawn."), code="gone")
    if not policy.can_withdraw_comment(actor, comment, now=at):
        raise ValidationError(
            _("Only its author can withdraw a comment, within %(n)s minutes of writing it.")
            % {"n": policy.COMMENT_UNDO_MINUTES},
            code="late",
        )
    plan = comment.plan
    audit_record(
        actor=actor,
        action="plan.comment_withdraw",
        target=plan,
        item=comment.item_id,
        comment=comment.text,
    )
    comment.delete()
    _counts_changed(plan)
    return plan


def _lock_report(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("item__plan__cell__kind", "item__plan__member", "reviewed_by")
        .get(pk=report.pk)
    )


def _require_pending(report: ProgressReport) -> None:
    if report.review != ProgressReport.Review.PENDING:
        raise ValidationError(
            _("This report is already “%(state)s” (%(who)s, %(when)s).")
            % {
                "state": report.get_review_display(),
                "who": report.reviewed_by or "—",
                "when": formats.date_format(
                    timezone.localtime(report.reviewed_at), "SHORT_DATETIME_FORMAT"
                )
                if report.reviewed_at
                else "—",
            },
            code="state",
        )


@transaction.atomic
def report_accept(*, report: ProgressReport, actor, at=None) -> ProgressReport:
    at = at or timezone.now()
    report = _lock_report(report)
    _require_decider(actor, report.item.plan)
    _require_pending(report)
    report.review, report.reviewed_at, report.reviewed_by = (
        ProgressReport.Review.ACCEPTED,
        at,
        actor,
    )
    report.save(update_fields=["review", "reviewed_at", "reviewed_by"])
    audit_record(actor=actor, action="report.accept", target=report.item.plan, report=report.pk)
    _counts_changed(report.item.plan)
    return report


@transaction.atomic
def report_ask_more(*, report: ProgressReport, actor, comment: str, at=None) -> ProgressReport:
    at = at or timezone.now()
    report = _lock_report(report)
    _require_decider(actor, report.item.plan)
    _require_pending(report)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the member should add.")})
    report.review, report.reviewed_at, report.reviewed_by = (
        ProgressReport.Review.MORE_NEEDED,
        at,
        actor,
    )
    report.review_comment = comment.strip()
    report.save(update_fields=["review", "reviewed_at", "reviewed_by", "review_comment"])
    audit_record(
        actor=actor,
        action="report.ask_more",
        target=report.item.plan,
        report=report.pk,
        comment=comment.strip(),
    )
    _counts_changed(report.item.plan)
    return report
