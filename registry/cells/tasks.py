"""Thin tasks around the kept figures (`kept`)."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import kept

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


@shared_task(
    name="registry.cells.tasks.reconcile_figures",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def reconcile_figures() -> int:
    """Nightly: recount every kept figure from the raw rows; log and repair any drift."""
    differences = kept.reconcile(years=kept.open_years(timezone.localdate()))
    if differences:
        log.warning(
            "kept figures: %d differed and were repaired: %s", len(differences), differences[:20]
        )
    return len(differences)
