import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import KEPT_DAYS, TableExport


def exports_of(*, user, now=None) -> QuerySet[TableExport]:
    """The person's exports still kept, newest first (one query)."""
    now = now or timezone.now()
    return TableExport.objects.filter(
        requested_by=user, requested_at__gte=now - datetime.timedelta(days=KEPT_DAYS)
    ).order_by("-requested_at", "-id")


def export_of(*, user, pk) -> TableExport | None:
    """One of the person's own exports, ready to download; nobody else's."""
    return exports_of(user=user).filter(pk=pk, status=TableExport.Status.READY).first()
