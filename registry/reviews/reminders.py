"""The reminder about a review draft waiting to be issued: its kind, key, words and whether it
is still due. Registered with the inbox in `ReviewsConfig.ready()`."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.core.periods import roman
from registry.notifications import services as inbox
from registry.notifications.kinds import Kind, register

REVIEW_DRAFT = "review_draft"


def draft_key(*, review_id: int) -> str:
    return f"review-{review_id}"


def clear_draft(*, review_id: int) -> None:
    inbox.resolve(rule=REVIEW_DRAFT, period=draft_key(review_id=review_id))


def _describe(n) -> str:
    p = n.params
    if p.get("kind") == "year":
        return _("The draft year-end review of %(year)s waits to be issued.") % {
            "year": p.get("year")
        }
    return _("The draft review for quarter %(q)s/%(year)s waits to be issued.") % {
        "q": roman(p.get("quarter")),
        "year": p.get("year"),
    }


def _still_due(n, today) -> bool:
    from .models import Review

    review_id = int(n.period.split("-")[1])
    return Review.objects.filter(pk=review_id, status=Review.Status.DRAFT).exists()


def register_kinds() -> None:
    register(Kind(REVIEW_DRAFT, gettext_lazy("Review to issue"), _describe, _still_due))
