"""Reads of an import: the rows of its plan as the dry run shows them (a page at a time, by
action) and as the error report lists them."""

from dataclasses import dataclass

from django.core.paginator import Paginator

from .columns import BY_KEY
from .models import RosterImport, RosterImportRow
from .services import message

ROWS_PER_PAGE = 100
# The dry run opens on what needs attention first.
SHOWN_FIRST = ["refuse", "change", "create", "same"]

Action = RosterImportRow.Action


@dataclass
class ShownRow:
    line: int
    action: str
    action_label: str
    card_number: str
    full_name: str
    cell_code: str
    changes: list  # (heading, old, new)
    errors: list  # worded
    new_group: str


def shown(row: RosterImportRow) -> ShownRow:
    details = row.details or {}
    return ShownRow(
        line=row.line,
        action=row.action,
        action_label=str(Action(row.action).label),
        card_number=row.card_number,
        full_name=row.full_name,
        cell_code=row.cell_code,
        changes=[
            (str(BY_KEY[key].heading) if key in BY_KEY else key, old, new)
            for key, old, new in details.get("changes", [])
        ],
        errors=[message(code, params) for code, params in details.get("errors", [])],
        new_group=details.get("new_group", ""),
    )


def default_action(job: RosterImport) -> str:
    counts = {
        "refuse": job.refused,
        "change": job.changed,
        "create": job.created,
        "same": job.unchanged,
    }
    return next((a for a in SHOWN_FIRST if counts[a]), "same")


def plan_page(*, job: RosterImport, action: str, page) -> tuple:
    """One page of the plan's rows of one action (two queries: the count and the page)."""
    rows = (
        RosterImportRow.objects.filter(job=job, action=action)
        .order_by("line")
        .only("line", "action", "card_number", "full_name", "cell_code", "details")
    )
    paginator = Paginator(rows, ROWS_PER_PAGE)
    current = paginator.get_page(page)
    return current, [shown(r) for r in current.object_list]


def report_rows(*, job: RosterImport, refused_only: bool):
    """The rows of the downloadable report, in the file's order, read in batches."""
    rows = RosterImportRow.objects.filter(job=job).order_by("line")
    if refused_only:
        rows = rows.filter(action=Action.REFUSE)
    for row in rows.iterator(chunk_size=5000):
        yield shown(row)


def imports_of(*, unit, limit: int = 10):
    """The unit's last imports, for its import page."""
    return list(
        RosterImport.objects.filter(unit=unit)
        .select_related("requested_by")
        .defer("rows")
        .order_by("-requested_at", "-id")[:limit]
    )
