from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from registry.units.models import Unit

from . import services
from .models import Review


@shared_task(name="registry.reviews.tasks.generate_due_reviews", ignore_result=True)
def generate_due_reviews(today: str | None = None) -> int:
    """Daily: if a quarter ended a few days ago, one task per batch of units writes or
    refreshes their drafts (and after the fourth quarter, the year-end reviews too)."""
    import datetime

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    period = services.due_period(day, services.generation_delay_days())
    if period is None:
        return 0
    year, quarter = period
    units = services.units_to_review()
    kinds = [Review.Kind.QUARTER, *([Review.Kind.YEAR] if quarter == 4 else [])]
    for start in range(0, len(units), services.DRAFT_BATCH):
        ids = [unit.pk for unit in units[start : start + services.DRAFT_BATCH]]
        for kind in kinds:
            generate_reviews.delay(ids, kind, year, quarter)
    return len(units)


#: Drafting tasks: acknowledged once done, tried again while the database is away.
DRAFTING = {
    "ignore_result": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(name="registry.reviews.tasks.generate_reviews", **DRAFTING)
def generate_reviews(unit_ids: list[int], kind: str, year: int, quarter: int) -> dict:
    """The drafts of a batch of units (`services.generate_drafts`): run again after a crash,
    it refreshes what it had written."""
    units = list(Unit.objects.select_related("kind").filter(pk__in=unit_ids))
    return services.generate_drafts(units=units, kind=kind, year=year, quarter=quarter)


@shared_task(name="registry.reviews.tasks.generate_review", **DRAFTING)
def generate_review(unit_id: int, kind: str, year: int, quarter: int) -> str:
    """One unit's draft: the task the daily job sent before drafts went in batches, kept for
    the messages still queued."""
    unit = Unit.objects.select_related("kind").get(pk=unit_id)
    _review, outcome = services.review_generate(unit=unit, kind=kind, year=year, quarter=quarter)
    return outcome


@shared_task(name="registry.reviews.tasks.render_review_pdf", ignore_result=True, acks_late=True)
def render_review_pdf(export_id: int) -> None:
    services.export_render(export_id=export_id)


@shared_task(name="registry.reviews.tasks.resend_stalled_exports", ignore_result=True)
def resend_stalled_exports() -> int:
    return services.exports_resend_stalled()
