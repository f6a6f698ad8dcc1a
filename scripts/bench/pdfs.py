"""The review and plan PDFs against bare WeasyPrint on the same HTML: the app's renderer is
run once to capture the HTML it gives WeasyPrint, then each is timed (median of 3, after one
run to warm the fonts)."""

import statistics
import time
from unittest import mock

from django.conf import settings

from registry.core import documents
from registry.pledges.pdf import render_plan_pdf
from registry.pledges.selectors import plan_full
from registry.reviews.pdf import render_review_pdf


def _html_of(render) -> str:
    """The HTML the app's renderer hands to WeasyPrint."""
    seen = []
    original = documents.render_to_string

    def capture(*args, **kwargs):
        seen.append(original(*args, **kwargs))
        return seen[-1]

    with mock.patch.object(documents, "render_to_string", capture):
        render()
    return seen[-1]


def _bare(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=FontConfiguration()
    )


def _interleaved_ms(first, second, times: int = 3) -> tuple[float, float]:
    """Median time of each, run in turn (after one run of each to warm the fonts)."""
    first(), second()
    runs: tuple[list[float], list[float]] = ([], [])
    for _ in range(times):
        for fn, into in ((first, runs[0]), (second, runs[1])):
            started = time.perf_counter()
            fn()
            into.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs[0]), statistics.median(runs[1])


def measure(review, plan) -> dict:
    plan = plan_full(plans=type(plan).objects.all(), pk=plan.pk)
    renders = {
        "review": lambda: render_review_pdf(review, preview=True),
        "plan": lambda: render_plan_pdf(plan),
    }
    result = {}
    for name, render in renders.items():
        html = _html_of(render)
        app_ms, bare_ms = _interleaved_ms(render, lambda html=html: _bare(html))
        result[name] = {"app_ms": app_ms, "bare_ms": bare_ms, "bytes": len(render()[2])}
    return result
