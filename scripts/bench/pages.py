"""The pages measured, who reads each, and how: SQL queries and HTML size of one request
through Django's test client in this process; latency and throughput over HTTP against the
gunicorn server, each page's runs interleaved with the anchor's so that noise hits both."""

import datetime
from dataclasses import dataclass

import load
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry.access.models import RoleAssignment
from registry.core.periods import current_quarter, previous_quarter
from registry.members.models import Membership
from registry.pledges.models import Plan
from registry.reviews.models import Review
from registry.reviews.services import review_generate
from registry.units.models import Unit

ANCHOR = "/_bench/anchor/"
SIGNED_IN = "/_bench/signed-in/"  # no target: what any signed-in page costs first


@dataclass
class Page:
    key: str
    label: str
    path: str
    user: object
    kind: str  # "cell" (dashboard, my plan) or "rollup" (unit pages, review): their targets
    queries: int = 0
    size: int = 0
    status: int = 0
    cookie: str = ""


def _cell_sizes() -> list[tuple[int, int]]:
    rows = (
        Membership.objects.current()
        .values("cell_id")
        .annotate(n=Count("id"))
        .values_list("cell_id", "n")
    )
    return list(rows)


def _secretary(unit_id: int):
    role = RoleAssignment.objects.filter(unit_id=unit_id, role="secretary").first()
    return role.user if role else None


def _officer(unit: Unit):
    role = RoleAssignment.objects.filter(unit=unit, role="officer").first()
    return role.user if role else _secretary(unit.pk)


def _member_with_plan(cell_id: int, year: int):
    leaders = RoleAssignment.objects.filter(unit_id=cell_id).values("user_id")
    plan = (
        Plan.objects.filter(
            year=year, status="approved", member__memberships__cell_id=cell_id,
            member__memberships__end_date=None,
        )
        .exclude(member__user_id__in=leaders)
        .annotate(n=Count("items__reports"))
        .order_by("-n", "pk")
        .select_related("member__user")
        .first()
    )  # fmt: skip
    return plan.member.user if plan else None


def review_period(today: datetime.date) -> tuple[int, int]:
    """The quarter a review page shows: the last that ended."""
    period = previous_quarter(current_quarter(today))
    return period.year, period.quarter


def choose(today: datetime.date) -> tuple[list[Page], dict]:
    """The pages of the issue, with their readers; and what was chosen, for the report."""
    sizes = sorted(_cell_sizes(), key=lambda row: row[1])
    typical = min(sizes, key=lambda row: (abs(row[1] - 33), row[0]))
    largest = sizes[-1]
    province = Unit.objects.get(depth=1, code="binh-son")
    district = Unit.objects.filter(kind__code="huyen_uy", path__startswith=province.path).first()
    year, quarter = review_period(today)
    review, _outcome = review_generate(
        unit=province, kind=Review.Kind.QUARTER, year=year, quarter=quarter
    )
    officer = _officer(province)
    pages = [
        Page("dash33", f"cell dashboard, {typical[1]} members", f"/cells/{typical[0]}/",
             _secretary(typical[0]), "cell"),
        Page("dash500", f"cell dashboard, {largest[1]} members", f"/cells/{largest[0]}/",
             _secretary(largest[0]), "cell"),
        Page("myplan", "my plan (a member's approved plan)", "/plans/",
             _member_with_plan(typical[0], today.year), "cell"),
        Page("province", "province unit page", f"/units/{province.pk}/", officer, "rollup"),
        Page("district", "district unit page", f"/units/{district.pk}/", _officer(district),
             "rollup"),
        Page("review", f"province review {year}Q{quarter} page", f"/reviews/{review.pk}/",
             officer, "rollup"),
        Page("floor", "signed-in floor: the anchor's rows in the app's frame", SIGNED_IN,
             _secretary(typical[0]), "floor"),
    ]  # fmt: skip
    return pages, {"province": province, "review": review, "quarter": (year, quarter)}


def count_queries(page: Page) -> None:
    """One request through the test client (after one to warm up): queries, size, status."""
    client = Client()
    if page.user is not None:
        sign_in(client, page.user)
        page.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    client.get(page.path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.path)
    page.queries, page.size, page.status = (
        len(ctx.captured_queries),
        len(response.content),
        response.status_code,
    )
    if page.status != 200:
        raise RuntimeError(f"{page.path} answered {page.status} to {page.user}, not the page")


def sign_in(client: Client, user) -> None:
    """Sign `user` in on `client` as after both sign-in steps: leaders pass a second factor
    (an authenticator is recorded for them if they have none)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@dataclass
class Pair:
    """A page's run and the anchor's run next to it."""

    page: load.Result
    anchor: load.Result


def measure(server, page: Page, clients: int, seconds: float, min_requests: int) -> Pair:
    common = {"host": "127.0.0.1", "port": server.port, "clients": clients, "seconds": seconds}
    load.warm(host="127.0.0.1", port=server.port, path=page.path, cookie=page.cookie)
    anchor = load.run(path=ANCHOR, min_requests=max(min_requests, 50), **common)
    measured = load.run(path=page.path, cookie=page.cookie, min_requests=min_requests, **common)
    return Pair(measured, anchor)
