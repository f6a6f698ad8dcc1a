"""The app's URLs plus `/_bench/anchor/`: the floor every page is measured against, a
minimal page through the same middleware, template engine and server, with no query. Only
the benchmark's settings (`config.bench_settings`) serve it."""

from django.shortcuts import render
from django.urls import include, path

ROWS = [{"number": n, "name": f"Hàng số {n}", "value": n * 37 % 101} for n in range(1, 21)]


def anchor(request):
    return render(request, "bench/anchor.html", {"rows": ROWS})


urlpatterns = [
    path("_bench/anchor/", anchor, name="bench_anchor"),
    path("", include("config.urls")),
]
