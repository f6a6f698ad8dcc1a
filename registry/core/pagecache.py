"""Parts of pages kept between requests (`docs/architecture.md`, "Pages kept between
requests"). A part is kept under a stamp that the data it shows changes, given by the app that
owns the data (for a cell's pages: the kept figures' `cells.kept.stamp`); with no stamp (data
marked stale, never counted) the part is rendered and not kept. Only GET requests are served
from it, so a form posted back with its errors is always rendered afresh.

The key names the template, the reader, the language, the day and the full path with its
query, so a part is never served to another person, on another day or for other parameters.
A CSRF token changes with each reader: parts are kept with a stand-in, replaced on the way
out."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CSRF_STAND_IN = "kept-part-csrf-stand-in"


def _key(request, template: str, stamp: str, variant: tuple) -> str:
    words = "|".join(
        [
            template,
            str(request.user.pk),
            get_language() or "",
            request.get_full_path(),
            stamp,
            timezone.localdate().isoformat(),
        ]
        + [str(v) for v in variant]
    )
    return "part:" + hashlib.sha256(words.encode()).hexdigest()


def kept_part(
    request,
    template: str,
    context: Callable[[], dict],
    *,
    stamp: str | None,
    variant: tuple = (),
) -> SafeString:
    """The HTML of `template` rendered with `context()` (called only when rendering), kept
    under `stamp` (and `variant`: what else of the reader's changes the part)."""
    if stamp is None or request.method != "GET":
        return mark_safe(render_to_string(template, context(), request))
    cache = caches[settings.PAGE_PARTS_CACHE]
    key = _key(request, template, stamp, variant)
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, {**context(), "csrf_token": CSRF_STAND_IN}, request)
        cache.set(key, html, settings.PAGE_PARTS_SECONDS)
    if CSRF_STAND_IN in html:
        html = html.replace(CSRF_STAND_IN, get_token(request))
    return mark_safe(html)
