from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.cells import kept


class Command(BaseCommand):
    help = (
        "Recount every kept figure from the raw rows, say which differed, and store the "
        "recounted ones (--check: only say; exit status 1 if any differed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="default: the open years")
        parser.add_argument("--check", action="store_true", help="do not store anything")

    def handle(self, *args, year, check, **options):
        years = year or kept.open_years(timezone.localdate())
        kept.settle_all()
        differences = kept.reconcile(years=years, fix=not check)
        missing = [d for d in differences if d["field"] == "*"]
        changed = [d for d in differences if d["field"] != "*"]
        for d in changed[:50]:
            self.stdout.write(
                f"cell {d['cell']} {d['year']}/Q{d['quarter']} {d['field']}: "
                f"kept {d['kept']}, counted {d['counted']}"
            )
        self.stdout.write(
            f"Years {', '.join(map(str, years))}: {len(changed)} kept figures differed, "
            f"{len(missing)} rows had never been counted"
            + ("." if check else "; all are now as counted.")
        )
        if check and changed:
            raise SystemExit(1)
