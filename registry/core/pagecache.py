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
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CSRF_STAND_IN = "kept-part-csrf-stand-in"

#: Parts this process read or wrote last, in front of the shared cache: a part read again is
#: a dictionary lookup, not a round trip to the cache and a copy of its HTML. A key names the
#: stamp, so a copy is never stale; it expires when the shared entry does (the deadline is
#: kept with the part there), so what the stamps do not see shows as soon as without it.
LOCAL_PARTS = 256
_local: OrderedDict[str, tuple[float, str]] = OrderedDict()
_local_lock = threading.Lock()


def _read(key: str) -> str | None:
    now = time.time()
    with _local_lock:
        kept = _local.get(key)
        if kept is not None:
            if kept[0] > now:
                _local.move_to_end(key)
                return kept[1]
            del _local[key]
    shared = caches[settings.PAGE_PARTS_CACHE].get(key)
    if not isinstance(shared, tuple) or shared[0] <= now:
        return None
    _remember(key, shared)
    return shared[1]


def _write(key: str, html: str) -> None:
    kept = (time.time() + settings.PAGE_PARTS_SECONDS, html)
    caches[settings.PAGE_PARTS_CACHE].set(key, kept, settings.PAGE_PARTS_SECONDS)
    _remember(key, kept)


def _remember(key: str, kept: tuple[float, str]) -> None:
    with _local_lock:
        _local[key] = kept
        _local.move_to_end(key)
        while len(_local) > LOCAL_PARTS:
            _local.popitem(last=False)


def forget_local() -> None:
    """Empty this process's copies (tests that empty the shared cache call it too)."""
    with _local_lock:
        _local.clear()


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
    key = _key(request, template, stamp, variant)
    html = _read(key)
    if html is None:
        html = render_to_string(template, {**context(), "csrf_token": CSRF_STAND_IN}, request)
        _write(key, html)
    if CSRF_STAND_IN in html:
        html = html.replace(CSRF_STAND_IN, get_token(request))
    return mark_safe(html)
