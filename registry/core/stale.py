"""Marks on the kept figures that an event changed. A service that changes what the figures
count calls `mark(cell_ids, years)` inside its transaction; the mark commits with the event,
so no change is lost if the process dies before the figures are recomputed. After commit,
`figures_marked` tells the app that keeps the figures (`cells.kept`) to recompute them now;
what a lost signal leaves behind is picked up by the periodic job and by any reader."""

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import StaleFigures

# Sent after the commit of a transaction that marked figures: kwargs `marks` {(cell id, year)}.
figures_marked = Signal()


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
