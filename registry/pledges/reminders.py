"""The reminders about plans and reports: their kinds, the format of their keys, what they say
and whether they are still due. The plan services clear them when the thing is done; the
reminder rules (`registry.reminders`) decide who is due one. Registered with the inbox in
`PledgesConfig.ready()`.

Keys name the cell, so that somebody with roles in two cells is reminded for each."""

import datetime
import re

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.core.periods import roman
from registry.notifications import services as inbox
from registry.notifications.kinds import Kind, register

REGISTRATION_CLOSING = "registration_closing"
REPORT_DUE = "report_due"
APPROVAL_WAITING = "approval_waiting"
REPORTS_TO_ACCEPT = "reports_to_accept"

_QUARTER_KEY = re.compile(r"^(\d+)/(\d{4})Q([1-4])$")


def _year_suffix(year: int) -> str:
    return f"/{year}"


def _quarter_suffix(year: int, quarter: int) -> str:
    return f"/{year}Q{quarter}"


def _cell_key_sql(cell, suffix: str):
    return Concat(Cast(cell, CharField()), Value(suffix), output_field=CharField())


def registration_key(*, cell_id: int, year: int) -> str:
    return f"{cell_id}{_year_suffix(year)}"


def registration_key_sql(cell, *, year: int):
    """`registration_key` computed by the database, from `cell` (a column or an expression)."""
    return _cell_key_sql(cell, _year_suffix(year))


def quarter_key(*, cell_id: int, year: int, quarter: int) -> str:
    """Report due (a member) and reports to accept (a cell's leaders)."""
    return f"{cell_id}{_quarter_suffix(year, quarter)}"


def quarter_key_sql(cell, *, year: int, quarter: int):
    """`quarter_key` computed by the database, from `cell` (a column or an expression)."""
    return _cell_key_sql(cell, _quarter_suffix(year, quarter))


def parse_quarter_key(key: str) -> tuple[int, int, int] | None:
    match = _QUARTER_KEY.match(key)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def approval_key(*, plan_id: int, submitted_on: datetime.date, cell_id: int) -> str:
    """One per submission: a plan submitted again is waiting anew."""
    return f"plan-{plan_id}-{submitted_on:%Y%m%d}/{cell_id}"


def overdue_step(days_late: int) -> str:
    """Overdue reports are reminded once a week: the first day after the deadline, the eighth …"""
    return f"overdue-{(days_late - 1) // 7 + 1}"


# --- Cleared by the services when the thing is done -------------------------------------------


def clear_registration(*, user_id: int, year: int) -> None:
    inbox.resolve(rule=REGISTRATION_CLOSING, period_suffix=_year_suffix(year), user_ids=[user_id])


def clear_report_due(*, user_id: int, year: int, quarter: int) -> None:
    inbox.resolve(rule=REPORT_DUE, period_suffix=_quarter_suffix(year, quarter), user_ids=[user_id])


def clear_approval(*, plan_id: int) -> None:
    inbox.resolve(rule=APPROVAL_WAITING, period_prefix=f"plan-{plan_id}-")


# --- What they say, and whether they are still due --------------------------------------------


def _describe_registration(n) -> str:
    p = n.params
    if p.get("days") == 0:
        return _("Registration of your %(year)s plan closes today.") % {"year": p.get("year")}
    return ngettext(
        "Registration of your %(year)s plan closes in %(days)s day.",
        "Registration of your %(year)s plan closes in %(days)s days.",
        p.get("days", 0),
    ) % {"year": p.get("year"), "days": p.get("days")}


def _describe_report(n) -> str:
    p = n.params
    values = {"q": roman(p.get("quarter")), "year": p.get("year")}
    if n.step.startswith("overdue"):
        return _("Your progress report for quarter %(q)s/%(year)s is overdue.") % values
    return _("Your progress report for quarter %(q)s/%(year)s is due soon.") % values


def _describe_approval(n) -> str:
    return _("The plan of %(name)s has been waiting for approval for %(days)s days.") % n.params


def _describe_to_accept(n) -> str:
    p = n.params
    return _("%(count)s reports for quarter %(q)s wait for the cell to accept them.") % {
        "count": p.get("count"),
        "q": roman(p.get("quarter")),
    }


def _still_registration(n, today) -> bool:
    from .models import Plan
    from .standing import registered_q

    year = n.params.get("year")
    return not Plan.objects.filter(registered_q(), member__user_id=n.user_id, year=year).exists()


def _still_report(n, today) -> bool:
    from .standing import unreported_items

    p = n.params
    return bool(unreported_items(user_id=n.user_id, year=p["year"], quarter=p["quarter"], on=today))


def _still_approval(n, today) -> bool:
    from .models import Plan

    plan_id = int(n.period.split("-")[1])
    return Plan.objects.filter(pk=plan_id, status=Plan.Status.SUBMITTED).exists()


def _still_to_accept(n, today) -> bool:
    from .models import ProgressReport
    from .standing import current_members

    key = parse_quarter_key(n.period)
    if key is None:
        return False
    cell_id, year, quarter = key
    return ProgressReport.objects.filter(
        item__plan__year=year,
        quarter=quarter,
        review=ProgressReport.Review.PENDING,
        item__plan__member__in=current_members().filter(cell_id=cell_id).values("member_id"),
    ).exists()


def register_kinds() -> None:
    register(
        Kind(
            REGISTRATION_CLOSING,
            gettext_lazy("Registration closes soon"),
            _describe_registration,
            _still_registration,
        )
    )
    register(
        Kind(REPORT_DUE, gettext_lazy("Quarterly report due"), _describe_report, _still_report)
    )
    register(
        Kind(
            APPROVAL_WAITING,
            gettext_lazy("Plans waiting for approval"),
            _describe_approval,
            _still_approval,
        )
    )
    register(
        Kind(
            REPORTS_TO_ACCEPT,
            gettext_lazy("Reports to accept"),
            _describe_to_accept,
            _still_to_accept,
        )
    )
