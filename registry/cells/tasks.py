"""Thin tasks around the kept figures (`kept`)."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import kept, services

log = logging.getLogger(__name__)


@shared_task(
    name="registry.cells.tasks.settle_figures",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def settle_figures() -> int:
    """Every minute: recompute what events marked and nobody recomputed (a lost signal)."""
    return kept.settle_all()


@shared_task(
    name="registry.cells.tasks.start_the_day",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def start_the_day() -> int:
    """Just after midnight: people moved by periods starting or ending today are counted
    where they now are."""
    marked = kept.mark_day_changes(timezone.localdate())
    kept.settle_all()
    return marked


@shared_task(name="registry.cells.tasks.reconcile_figures", ignore_result=True)
def reconcile_figures() -> int:
    """Nightly: recount every kept figure from the raw rows, in batches of cells that any
    number of workers share; each logs and repairs the drift it finds."""
    years = kept.open_years(timezone.localdate())
    ids = kept.all_cells()
    batches = 0
    for start in range(0, len(ids), kept.BATCH):
        reconcile_cells.delay(ids[start : start + kept.BATCH], years)
        batches += 1
    return batches


@shared_task(
    name="registry.cells.tasks.reconcile_cells",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def reconcile_cells(cell_ids: list[int], years: list[int]) -> int:
    differences = kept.reconcile(years=years, cell_ids=cell_ids)
    if differences:
        log.warning(
            "kept figures: %d differed and were repaired, e.g. %s",
            len(differences),
            differences[:10],
        )
    return len(differences)


@shared_task(
    name="registry.cells.tasks.render_book",
    ignore_result=True,
    acks_late=True,
    queue="export",
)
def render_book(book_id: int) -> None:
    """Render a cell's book of registrations (`services.book_render`: claimed once)."""
    services.book_render(book_id=book_id)


@shared_task(name="registry.cells.tasks.resend_stalled_books", ignore_result=True)
def resend_stalled_books() -> int:
    return services.books_resend_stalled()
