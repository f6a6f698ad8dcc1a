"""Marks on the kept figures that an event changed. A service that changes what the figures
count calls `mark(cell_ids, years)` inside its transaction; the mark commits with the event,
so no change is lost if the process dies before the figures are recomputed. After commit,
`figures_marked` tells the app that keeps the figures (`cells.kept`) to recompute them now;
what a lost signal leaves behind is picked up by the periodic job and by any reader."""

import uuid
from collections.abc import Callable, Iterable

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import StaleFigures

# Sent after the commit of a transaction that marked figures: kwargs `marks` {(cell id, year)}.
figures_marked = Signal()

# The app that keeps the figures gives their stamp and takes what else pages show of a unit
# (`keeps_stamps`): see `stamp` and `touch`.
_stamper: Callable[[Iterable[int], int], str | None] | None = None
_toucher: Callable[[Iterable, Iterable[int]], None] | None = None


def keeps_stamps(*, stamper, toucher) -> None:
    global _stamper, _toucher
    _stamper, _toucher = stamper, toucher


def stamp(cell_ids: Iterable[int], year: int) -> str | None:
    """The stamp under which pages showing these cells' year are kept (`core.pagecache`):
    what changes whenever their figures are recomputed or `touch`ed; None while marked."""
    return _stamper(cell_ids, year) if _stamper is not None else None


def touch(units: Iterable, years: Iterable[int]) -> None:
    """A record shown on the pages of these units (and of those above) changed for these
    years, without changing the figures: call inside the transaction that changed it."""
    if _toucher is not None:
        _toucher(list(units), sorted(set(years)))


def mark(cell_ids: Iterable[int], years: Iterable[int]) -> None:
    marks = {(int(c), int(y)) for c in cell_ids for y in years}
    if not marks:
        return
    now = timezone.now()
    StaleFigures.objects.bulk_create(
        [StaleFigures(cell_id=c, year=y, token=uuid.uuid4(), marked_at=now) for c, y in marks],
        update_conflicts=True,
        unique_fields=["cell_id", "year"],
        update_fields=["token", "marked_at"],
    )
    transaction.on_commit(lambda: figures_marked.send(sender=StaleFigures, marks=marks))
