"""Who is due which reminder on a given day. Each function takes a bounded batch of ids and
runs a fixed number of queries; it returns unsaved inbox rows. Nothing here writes: the
services insert them, and the inbox's unique (person, kind, key, step) keeps each to one row.
What "registered", "missing" or "a quarter's deadline" mean is `pledges.standing`'s; who may
act on a plan or a review is `access.policy`'s; the keys are their apps' (`*/reminders.py`)."""

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from registry.access import policy
from registry.access.models import RoleAssignment
from registry.core.periods import QUARTERS, Period
from registry.notifications.models import Notification
from registry.pledges import reminders as plan_keys
from registry.pledges import standing
from registry.pledges.models import Plan, ProgressReport, RegistrationExtension
from registry.programmes.selectors import programmes_for_many
from registry.reviews import reminders as review_keys
from registry.reviews.models import Review
from registry.units.models import Unit

REGISTRATION_STEPS = (1, 3, 7)  # days before registration closes
REPORT_STEPS = (1, 7)  # days before a quarterly deadline
APPROVAL_WAITING_DAYS = 5
REVIEW_DRAFT_DAYS = 3


def _step_before(days_left: int, steps: tuple[int, ...]) -> str | None:
    """The most urgent step that applies: 2 days left → the 3-day step."""
    for step in sorted(steps):
        if 0 <= days_left <= step:
            return f"{step}d"
    return None


def member_reminders(member_ids: list[int], today: datetime.date) -> list[Notification]:
    """Registration closing, and quarterly reports due soon or overdue (overdue ones once a
    week until filed, or until the year closes)."""
    periods = list(
        standing.current_members()
        .filter(member_id__in=member_ids, member__user__isnull=False)
        .select_related("member", "cell")
    )
    if not periods:
        return []
    ids = [m.member_id for m in periods]
    cells = {m.cell_id: m.cell for m in periods}
    years = (today.year, today.year + 1)
    programmes = {y: programmes_for_many(units=cells.values(), year=y) for y in years}
    registered = set(
        Plan.objects.filter(standing.registered_q(), member_id__in=ids, year__in=years).values_list(
            "member_id", "year"
        )
    )
    extensions = {
        (e.member_id, e.year): e.until
        for e in RegistrationExtension.objects.filter(member_id__in=ids, year__in=years)
    }
    result = []
    for m in periods:
        for year in years:
            programme = programmes[year][m.cell_id]
            closes = extensions.get((m.member_id, year)) or programme.registration_closes
            opens = programme.registration_opens
            if not closes or (m.member_id, year) in registered or (opens and today < opens):
                continue
            step = _step_before((closes - today).days, REGISTRATION_STEPS)
            if step:
                result.append(
                    Notification(
                        user_id=m.member.user_id,
                        rule=plan_keys.REGISTRATION_CLOSING,
                        period=plan_keys.registration_key(cell_id=m.cell_id, year=year),
                        step=step,
                        due=closes,
                        url=reverse("pledges:my_plan_year", args=[year]),
                        params={"year": year, "days": (closes - today).days},
                    )
                )

    user_of = {m.member_id: m.member.user_id for m in periods}
    for year in (today.year - 1, today.year):
        if today > standing.year_closes(year):
            continue
        for quarter in QUARTERS:
            period = Period(year, quarter)
            if not period.has_started(today):
                break
            for member_id, q in standing.standing_of_members(
                member_ids=ids, period=period, on=today
            ).items():
                plan = q.plan
                if plan is None or not standing.is_approved(plan.first_approved_at, today):
                    continue
                if q.plan.state not in (standing.ReportState.MISSING, standing.ReportState.NOT_DUE):
                    continue
                step = None
                if q.deadline is not None:
                    days = (q.deadline - today).days
                    step = (
                        _step_before(days, REPORT_STEPS)
                        if days >= 0
                        else plan_keys.overdue_step(-days)
                    )
                if step:
                    result.append(
                        Notification(
                            user_id=user_of[member_id],
                            rule=plan_keys.REPORT_DUE,
                            period=plan_keys.quarter_key(
                                cell_id=q.person.cell_id, year=year, quarter=quarter
                            ),
                            step=step,
                            due=q.deadline,
                            url=reverse("pledges:my_plan_year", args=[year]),
                            params={
                                "year": year,
                                "quarter": quarter,
                                "items": plan.items - plan.filed,
                            },
                        )
                    )
    return result


def _roles_by_unit(unit_ids) -> dict[int, list[tuple[int, str]]]:
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for unit_id, user_id, role in RoleAssignment.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "user_id", "role"
    ):
        roles[unit_id].append((user_id, role))
    return roles


def secretary_reminders(unit_ids: list[int], today: datetime.date) -> list[Notification]:
    """For the people who act for a unit: plans waiting for approval and reports to accept
    (the plans of the members in the cell today), and review drafts waiting to be issued."""
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).select_related("kind")}
    roles = _roles_by_unit(units)
    cells = [u for u in units.values() if u.kind.is_cell]
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    result = []
    in_cells = standing.current_members().filter(cell__in=cells)
    cell_of = dict(in_cells.values_list("member_id", "cell_id"))
    for plan in Plan.objects.filter(
        status=Plan.Status.SUBMITTED,
        last_submitted_at__lte=now - datetime.timedelta(days=APPROVAL_WAITING_DAYS),
        member__in=in_cells.values("member_id"),
    ).select_related("member"):
        cell_id = cell_of[plan.member_id]
        for user_id in policy.plan_deciders(
            roles=roles[cell_id], owner_user_id=plan.member.user_id
        ):
            result.append(
                Notification(
                    user_id=user_id,
                    rule=plan_keys.APPROVAL_WAITING,
                    period=plan_keys.approval_key(
                        plan_id=plan.pk,
                        submitted_on=timezone.localdate(plan.last_submitted_at),
                        cell_id=cell_id,
                    ),
                    step=f"{APPROVAL_WAITING_DAYS}d",
                    url=reverse("pledges:detail", args=[plan.pk]),
                    params={
                        "name": plan.member.full_name,
                        "days": (now - plan.last_submitted_at).days,
                    },
                )
            )
    programmes = {y: programmes_for_many(units=cells, year=y) for y in (today.year - 1, today.year)}
    counts: dict[tuple[int, int, int, int], int] = defaultdict(int)
    for member_id, year, quarter, owner in ProgressReport.objects.filter(
        item__plan__member__in=in_cells.values("member_id"),
        item__plan__year__in=(today.year - 1, today.year),
        review=ProgressReport.Review.PENDING,
    ).values_list(
        "item__plan__member_id", "item__plan__year", "quarter", "item__plan__member__user_id"
    ):
        cell_id = cell_of[member_id]
        for user_id in policy.plan_deciders(roles=roles[cell_id], owner_user_id=owner):
            counts[(user_id, cell_id, year, quarter)] += 1
    for (user_id, cell_id, year, quarter), n in counts.items():
        deadline = programmes[year][cell_id].quarter_deadline(quarter)
        if not standing.deadline_passed(deadline, today):
            continue
        result.append(
            Notification(
                user_id=user_id,
                rule=plan_keys.REPORTS_TO_ACCEPT,
                period=plan_keys.quarter_key(cell_id=cell_id, year=year, quarter=quarter),
                step="after_deadline",
                due=deadline,
                url=reverse("cells:dashboard", args=[cell_id])
                + f"?year={year}&q={quarter}#to-review",
                params={"quarter": quarter, "count": n, "year": year},
            )
        )
    for review in Review.objects.filter(
        unit_id__in=units,
        status=Review.Status.DRAFT,
        created_at__lte=now - datetime.timedelta(days=REVIEW_DRAFT_DAYS),
    ):
        for user_id in policy.review_writers(
            roles=roles[review.unit_id], unit=units[review.unit_id]
        ):
            result.append(
                Notification(
                    user_id=user_id,
                    rule=review_keys.REVIEW_DRAFT,
                    period=review_keys.draft_key(review_id=review.pk),
                    step=f"{REVIEW_DRAFT_DAYS}d",
                    url=reverse("reviews:detail", args=[review.pk]),
                    params={"year": review.year, "quarter": review.quarter, "kind": review.kind},
                )
            )
    return result
