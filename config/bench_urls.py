"""The app's URLs plus `/_bench/anchor/`: the floor every page is measured against, a
minimal page through the same middleware, template engine and server, with no query; and
`/_bench/signed-in/`: the same rows in the app's frame for a signed-in reader (session, user,
second step, navigation, unread count), what any page of the app costs before its own work.
Only the benchmark's settings (`config.bench_settings`) serve them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path

ROWS = [{"number": n, "name": f"Hàng số {n}", "value": n * 37 % 101} for n in range(1, 21)]


def anchor(request):
    return render(request, "bench/anchor.html", {"rows": ROWS})


@login_required
def signed_in(request):
    return render(request, "bench/signed_in.html", {"rows": ROWS})


urlpatterns = [
    path("_bench/anchor/", anchor, name="bench_anchor"),
    path("_bench/signed-in/", signed_in, name="bench_signed_in"),
    path("", include("config.urls")),
]
