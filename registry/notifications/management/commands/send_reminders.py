import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.access.models import RoleAssignment
from registry.members.models import Membership
from registry.notifications import services


class Command(BaseCommand):
    help = "Run the reminder sweep now, in this process (the daily job does the same in batches)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, today, **options):
        today = today or timezone.localdate()
        members = list(
            Membership.objects.filter(
                end_date__isnull=True, member__user__isnull=False
            ).values_list("member_id", flat=True)
        )
        units = sorted(set(RoleAssignment.objects.values_list("unit_id", flat=True)))
        new = services.remind_members(member_ids=members, today=today)
        new += services.remind_secretaries(unit_ids=units, today=today)
        self.stdout.write(f"Reminders for {today:%d/%m/%Y}: {new} new.")
