import re

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from registry.reviews import services
from registry.reviews.models import Review
from registry.units.models import Unit


class Command(BaseCommand):
    help = (
        "Write or refresh the draft reviews of a period, now, in this process. "
        "Examples: --quarter 2021Q1; --year 2021; --due (the period the daily job would do)."
    )

    def add_arguments(self, parser):
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--quarter", help="e.g. 2021Q1")
        period.add_argument("--year", type=int, help="the year-end review of that year")
        period.add_argument("--due", action="store_true", help="the quarter due today, if any")
        parser.add_argument("--unit", help="only this unit and those below it (code or id)")
        parser.add_argument(
            "--partition",
            help="i/n: only the i-th of n runs of units in the order of the tree (from 0), "
            "so that n processes share the work",
        )

    def handle(self, *args, quarter, year, due, unit, partition, **options):
        if due:
            period = services.due_period(timezone.localdate(), services.generation_delay_days())
            if period is None:
                self.stdout.write("No quarter is due for review today.")
                return
            kind, (year, q) = Review.Kind.QUARTER, period
        elif quarter:
            match = re.fullmatch(r"(\d{4})Q([1-4])", quarter.upper())
            if not match:
                raise CommandError("--quarter looks like 2021Q1")
            kind, year, q = Review.Kind.QUARTER, int(match[1]), int(match[2])
        else:
            kind, q = Review.Kind.YEAR, 4
        root = None
        if unit:
            lookup = Q(code=unit) | (Q(pk=int(unit)) if unit.isdigit() else Q())
            root = Unit.objects.filter(lookup).first()
            if root is None:
                raise CommandError(f"No unit {unit!r}")
        kinds = [kind]
        if due and q == 4:  # after the fourth quarter the daily job writes the year-end too
            kinds.append(Review.Kind.YEAR)
        units = services.units_to_review(root=root)
        if partition:
            match = re.fullmatch(r"(\d+)/(\d+)", partition)
            if not match or not int(match[1]) < int(match[2]):
                raise CommandError("--partition looks like 0/2 (the first of two)")
            i, n = int(match[1]), int(match[2])
            units = units[len(units) * i // n : len(units) * (i + 1) // n]
        outcomes = {"created": 0, "updated": 0, "final": 0}
        for each in kinds:
            done = services.generate_drafts(units=units, kind=each, year=year, quarter=q)
            for outcome, count in done.items():
                outcomes[outcome] += count
        label = f"{year}Q{q}" if kind == Review.Kind.QUARTER else str(year)
        self.stdout.write(
            f"Reviews {label}: {outcomes['created']} created, {outcomes['updated']} updated, "
            f"{outcomes['final']} finalised left unchanged."
        )
