"""Who is due which reminder on a given day. Each function takes a bounded batch of ids and
runs a fixed number of queries; it returns the reminders as unsaved rows. Nothing here
writes: `services.remind_*` inserts, and the database's unique constraint keeps each
(person, rule, period, step) to one row."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.access.models import RoleAssignment
from registry.members.models import Membership
from registry.pledges.models import Plan, PlanItem, ProgressReport, RegistrationExtension
from registry.programmes.selectors import programmes_for_many
from registry.reviews.models import Review
from registry.units.models import Unit

from .models import Notification, Rule

REGISTRATION_STEPS = (1, 3, 7)  # days before registration closes
REPORT_STEPS = (1, 7)  # days before a quarterly deadline
OVERDUE_FOR_DAYS = 45  # an overdue report is reminded once, if the deadline is this recent
APPROVAL_WAITING_DAYS = 5
REVIEW_DRAFT_DAYS = 3
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Due:
    user_id: int
    rule: str
    period: str
    step: str
    due: datetime.date | None
    url: str
    params: dict

    def row(self) -> Notification:
        return Notification(
            user_id=self.user_id,
            rule=self.rule,
            period=self.period,
            step=self.step,
            due=self.due,
            url=self.url,
            params=self.params,
        )


def _step_before(days_left: int, steps: tuple[int, ...]) -> str | None:
    """The most urgent step that applies: 2 days left → the 3-day step."""
    for step in sorted(steps):
        if 0 <= days_left <= step:
            return f"{step}d"
    return None


def member_reminders(member_ids: list[int], today: datetime.date) -> list[Due]:
    memberships = list(
        Membership.objects.filter(
            member_id__in=member_ids, end_date__isnull=True, member__user__isnull=False
        ).select_related("member", "cell")
    )
    if not memberships:
        return []
    ids = [m.member_id for m in memberships]
    cells = {m.cell_id: m.cell for m in memberships}
    years = (today.year, today.year + 1)
    # Last year too: a fourth-quarter deadline may fall in January.
    programmes = {
        y: programmes_for_many(units=cells.values(), year=y) for y in (today.year - 1, *years)
    }
    submitted = set(
        Plan.objects.filter(
            member_id__in=ids, year__in=years, submitted_at__isnull=False
        ).values_list("member_id", "year")
    )
    extensions = {
        (e.member_id, e.year): e.until
        for e in RegistrationExtension.objects.filter(member_id__in=ids, year__in=years)
    }
    approved = list(
        Plan.objects.filter(
            member_id__in=ids, year__in=(today.year - 1, today.year), approved_at__isnull=False
        )
    )
    items = list(PlanItem.objects.filter(plan__in=approved).values_list("plan_id", "id"))
    reported = set(
        ProgressReport.objects.filter(item__plan__in=approved).values_list("item_id", "quarter")
    )
    items_by_plan: dict[int, list[int]] = {}
    for plan_id, item_id in items:
        items_by_plan.setdefault(plan_id, []).append(item_id)

    result = []
    for m in memberships:
        user_id = m.member.user_id
        for year in years:
            programme = programmes[year][m.cell_id]
            closes = extensions.get((m.member_id, year)) or programme.registration_closes
            opens = programme.registration_opens
            if not closes or (m.member_id, year) in submitted or (opens and today < opens):
                continue
            step = _step_before((closes - today).days, REGISTRATION_STEPS)
            if step:
                result.append(
                    Due(
                        user_id,
                        Rule.REGISTRATION_CLOSING,
                        str(year),
                        step,
                        closes,
                        reverse("pledges:my_plan_year", args=[year]),
                        {"year": year, "days": (closes - today).days},
                    )
                )
    cell_of = {m.member_id: m.cell_id for m in memberships}
    user_of = {m.member_id: m.member.user_id for m in memberships}
    for plan in approved:
        if not items_by_plan.get(plan.pk):
            continue
        deadlines = programmes[plan.year][cell_of[plan.member_id]].quarter_deadlines
        for quarter, deadline in enumerate(deadlines, start=1):
            if deadline is None or today < datetime.date(plan.year, 3 * quarter - 2, 1):
                continue
            missing = [i for i in items_by_plan[plan.pk] if (i, quarter) not in reported]
            if not missing:
                continue
            days = (deadline - today).days
            step = _step_before(days, REPORT_STEPS) if days >= 0 else None
            if days < 0 and -days <= OVERDUE_FOR_DAYS:
                step = "overdue"
            if step:
                result.append(
                    Due(
                        user_of[plan.member_id],
                        Rule.REPORT_DUE,
                        f"{plan.year}Q{quarter}",
                        step,
                        deadline,
                        reverse("pledges:my_plan_year", args=[plan.year]),
                        {"year": plan.year, "quarter": quarter, "items": len(missing)},
                    )
                )
    return result


def secretary_reminders(unit_ids: list[int], today: datetime.date) -> list[Due]:
    """For the people who act for a unit: plans waiting, reports to accept (cells), and
    review drafts waiting to be finalised (cells and the committees above them)."""
    writers: dict[int, set[int]] = {}
    managers: dict[int, set[int]] = {}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).select_related("kind")}
    for unit_id, user_id, role in RoleAssignment.objects.filter(unit_id__in=units).values_list(
        "unit_id", "user_id", "role"
    ):
        unit = units[unit_id]
        if role in RoleAssignment.MANAGING_ROLES:
            writers.setdefault(unit_id, set()).add(user_id)
            if unit.kind.is_cell:
                managers.setdefault(unit_id, set()).add(user_id)
        elif role == RoleAssignment.Role.OFFICER and not unit.kind.is_cell:
            writers.setdefault(unit_id, set()).add(user_id)
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    result = []
    for plan in Plan.objects.filter(
        cell_id__in=managers,
        status=Plan.Status.SUBMITTED,
        submitted_at__lte=now - datetime.timedelta(days=APPROVAL_WAITING_DAYS),
    ).select_related("member"):
        for user_id in managers[plan.cell_id] - {plan.member.user_id}:  # not one's own plan
            result.append(
                Due(
                    user_id,
                    Rule.APPROVAL_WAITING,
                    f"plan-{plan.pk}-{timezone.localtime(plan.submitted_at):%Y%m%d}",
                    f"{APPROVAL_WAITING_DAYS}d",
                    None,
                    reverse("pledges:detail", args=[plan.pk]),
                    {"name": plan.member.full_name, "days": (now - plan.submitted_at).days},
                )
            )
    cells = [units[pk] for pk in managers]
    programmes = {y: programmes_for_many(units=cells, year=y) for y in (today.year - 1, today.year)}
    counts: dict[tuple[int, int, int, int], int] = {}
    for cell_id, year, quarter, owner in ProgressReport.objects.filter(
        item__plan__cell_id__in=managers,
        item__plan__year__in=(today.year - 1, today.year),
        review=ProgressReport.Review.PENDING,
    ).values_list(
        "item__plan__cell_id", "item__plan__year", "quarter", "item__plan__member__user_id"
    ):
        for user_id in managers[cell_id] - {owner}:
            counts[(user_id, cell_id, year, quarter)] = (
                counts.get((user_id, cell_id, year, quarter), 0) + 1
            )
    for (user_id, cell_id, year, quarter), n in counts.items():
        deadline = programmes[year][cell_id].quarter_deadlines[quarter - 1]
        if deadline is None or today <= deadline:
            continue
        result.append(
            Due(
                user_id,
                Rule.REPORTS_TO_ACCEPT,
                f"{year}Q{quarter}",
                "after_deadline",
                deadline,
                reverse("cells:dashboard", args=[cell_id]) + f"?year={year}&q={quarter}#to-review",
                {"quarter": quarter, "count": n, "year": year},
            )
        )
    for review in Review.objects.filter(
        unit_id__in=writers,
        status=Review.Status.DRAFT,
        created_at__lte=now - datetime.timedelta(days=REVIEW_DRAFT_DAYS),
    ):
        for user_id in writers[review.unit_id]:
            result.append(
                Due(
                    user_id,
                    Rule.REVIEW_DRAFT,
                    f"review-{review.pk}",
                    f"{REVIEW_DRAFT_DAYS}d",
                    None,
                    reverse("reviews:detail", args=[review.pk]),
                    {"year": review.year, "quarter": review.quarter, "kind": review.kind},
                )
            )
    return result


def describe(n: Notification) -> str:
    """The reminder in the reader's language."""
    p = n.params
    if n.rule == Rule.REGISTRATION_CLOSING and p.get("days") == 0:
        return _("Registration of your %(year)s plan closes today.") % {"year": p.get("year")}
    if n.rule == Rule.REGISTRATION_CLOSING:
        return ngettext(
            "Registration of your %(year)s plan closes in %(days)s day.",
            "Registration of your %(year)s plan closes in %(days)s days.",
            p.get("days", 0),
        ) % {"year": p.get("year"), "days": p.get("days")}
    if n.rule == Rule.REPORT_DUE:
        if n.step == "overdue":
            return _("Your progress report for quarter %(q)s/%(year)s is overdue.") % {
                "q": ROMAN.get(p.get("quarter"), "?"),
                "year": p.get("year"),
            }
        return _("Your progress report for quarter %(q)s/%(year)s is due soon.") % {
            "q": ROMAN.get(p.get("quarter"), "?"),
            "year": p.get("year"),
        }
    if n.rule == Rule.APPROVAL_WAITING:
        return _("The plan of %(name)s has been waiting for approval for %(days)s days.") % p
    if n.rule == Rule.REPORTS_TO_ACCEPT:
        return _("%(count)s reports for quarter %(q)s wait for the cell to accept them.") % {
            "count": p.get("count"),
            "q": ROMAN.get(p.get("quarter"), "?"),
        }
    if n.rule == Rule.REVIEW_DRAFT and p.get("kind") == "year":
        return _("The draft year-end review of %(year)s waits to be finalised.") % {
            "year": p.get("year")
        }
    if n.rule == Rule.REVIEW_DRAFT:
        return _("The draft review for quarter %(q)s/%(year)s waits to be finalised.") % {
            "q": ROMAN.get(p.get("quarter"), "?"),
            "year": p.get("year"),
        }
    return n.get_rule_display()


def still_due(n: Notification, today: datetime.date) -> bool:
    """Re-checked just before emailing: someone who has done the thing is not reminded."""
    if n.rule == Rule.REGISTRATION_CLOSING:
        return not Plan.objects.filter(
            member__user_id=n.user_id, year=int(n.period), submitted_at__isnull=False
        ).exists()
    if n.rule == Rule.REPORT_DUE:
        year, quarter = n.period.split("Q")
        plan = Plan.objects.filter(member__user_id=n.user_id, year=int(year)).first()
        if plan is None:
            return False
        reported = ProgressReport.objects.filter(item__plan=plan, quarter=int(quarter)).count()
        return reported < plan.items.count()
    if n.rule == Rule.APPROVAL_WAITING:
        plan_id = int(n.period.split("-")[1])
        return Plan.objects.filter(pk=plan_id, status=Plan.Status.SUBMITTED).exists()
    if n.rule == Rule.REPORTS_TO_ACCEPT:
        year, quarter = n.period.split("Q")
        return ProgressReport.objects.filter(
            item__plan__year=int(year),
            quarter=int(quarter),
            review=ProgressReport.Review.PENDING,
            item__plan__cell__roles__user_id=n.user_id,
        ).exists()
    if n.rule == Rule.REVIEW_DRAFT:
        review_id = int(n.period.split("-")[1])
        return Review.objects.filter(pk=review_id, status=Review.Status.DRAFT).exists()
    return True
