"""Recording the reminders that the rules find due, in the inbox (once each)."""

import datetime

from registry.access.models import RoleAssignment
from registry.notifications import services as inbox
from registry.pledges import standing

from . import rules


def remind_members(*, member_ids: list[int], today: datetime.date) -> int:
    return inbox.record(rules.member_reminders(member_ids, today))


def remind_secretaries(*, unit_ids: list[int], today: datetime.date) -> int:
    return inbox.record(rules.secretary_reminders(unit_ids, today))


def members_to_remind() -> list[int]:
    """People in a cell today who can sign in."""
    return list(
        standing.current_members()
        .filter(member__user__isnull=False)
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )


def units_to_remind() -> list[int]:
    """Units with someone holding a role."""
    return sorted(set(RoleAssignment.objects.values_list("unit_id", flat=True)))


def remind_everyone(*, today: datetime.date) -> int:
    """The whole sweep in this process (the daily job does the same in batches)."""
    return remind_members(member_ids=members_to_remind(), today=today) + remind_secretaries(
        unit_ids=units_to_remind(), today=today
    )
