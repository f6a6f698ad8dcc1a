"""Shared fixtures. The personas follow one small tree:

    Tỉnh ủy Sơn La ── Huyện ủy Mường La ── Chi bộ Khối Đảng (tổ 1, tổ 2)
                   │                    └─ Chi bộ bản Nà Lốc
                   └─ Huyện ủy Vân Hồ ─── Chi bộ bản Lóng Luông

- alice:   an ordinary member of Chi bộ Khối Đảng (no role)
- bob:     secretary of Chi bộ Khối Đảng (and a member of it)
- charlie: secretary of Chi bộ bản Nà Lốc, the cell next door
- olga:    officer of Huyện ủy Mường La (reads the district)
- root:    administrator
"""

from types import SimpleNamespace

import pytest
from django.http import HttpRequest

from registry.access.models import RoleAssignment
from registry.programmes.models import Programme

from .factories import (
    PASSWORD,
    D,
    UserFactory,
    ensure_unit_kinds,
    give_role,
    make_member,
    make_unit,
)


def _django_order(item) -> int:
    """pytest-django's order: tests in a rolled-back transaction, then the transactional ones
    (which empty the tables after them), then the tests without a database."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    if (
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    ):
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """pytest-playwright gives every test that uses a browser, or a parameter named `page`, a
    session-wide browser parameter, and pytest then regroups those tests by it, after
    pytest-django has put them in order; a browser test ran among the others and emptied
    their tables. Sort again (stable: the rest of pytest's grouping stays)."""
    items.sort(key=_django_order)
    # The browser tests run in a session of their own (`pytest -m e2e`, the second half of
    # `make test`): their live server and the tests that restore a serialized database
    # (tests/core/test_backup.py) leave each other's tables in a state the other cannot start
    # from. Without `-m` naming them, they are left out here.
    if "e2e" not in (config.option.markexpr or ""):
        browser = [item for item in items if item.get_closest_marker("e2e")]
        if browser:
            config.hook.pytest_deselected(items=browser)
            items[:] = [item for item in items if not item.get_closest_marker("e2e")]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The hashed-name manifest exists only after collectstatic; tests serve plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The test client speaks plain HTTP; production's redirect to HTTPS has its own tests.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def tree(db):
    ensure_unit_kinds()
    province = make_unit("Tỉnh ủy Sơn La", "tinh_uy", code="son-la", place="Sơn La")
    district = make_unit("Huyện ủy Mường La", "huyen_uy", province, code="son-la/muong-la")
    cell = make_unit("Chi bộ Khối Đảng", "chi_bo_co_so", district, has_committee=True)
    group1 = make_unit("Tổ đảng số 1", "to_dang", cell)
    group2 = make_unit("Tổ đảng số 2", "to_dang", cell)
    next_cell = make_unit("Chi bộ bản Nà Lốc", "chi_bo_co_so", district)
    other_district = make_unit("Huyện ủy Vân Hồ", "huyen_uy", province)
    far_cell = make_unit("Chi bộ bản Lóng Luông", "chi_bo_co_so", other_district)
    return SimpleNamespace(
        province=province,
        district=district,
        cell=cell,
        group1=group1,
        group2=group2,
        next_cell=next_cell,
        other_district=other_district,
        far_cell=far_cell,
    )


@pytest.fixture
def people(tree):
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    charlie = UserFactory(username="charlie")
    olga = UserFactory(username="olga")
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    alice_member = make_member(tree.cell, "Nguyễn Văn Đức", group=tree.group2, user=alice)
    bob_member = make_member(tree.cell, "Lò Văn Thắng", group=tree.group1, user=bob)
    charlie_member = make_member(tree.next_cell, "Quàng Văn Chiến", user=charlie)
    give_role(bob, tree.cell, RoleAssignment.Role.SECRETARY)
    give_role(charlie, tree.next_cell, RoleAssignment.Role.SECRETARY)
    give_role(olga, tree.district, RoleAssignment.Role.OFFICER)
    return SimpleNamespace(
        alice=alice,
        bob=bob,
        charlie=charlie,
        olga=olga,
        root=root,
        alice_member=alice_member,
        bob_member=bob_member,
        charlie_member=charlie_member,
    )


@pytest.fixture
def login(client):
    def _login(user):
        assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
        return client

    return _login


@pytest.fixture(autouse=True)
def _empty_cache():
    """Kept page parts (`core.pagecache`) never outlive a test: ids and times repeat."""
    from django.core.cache import caches

    from registry.core import pagecache

    for cache in caches.all(initialized_only=True):
        cache.clear()
    pagecache.forget_local()
    yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded and rendered files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "private"
    # These tests travel through a whole year; sessions must outlive the trip.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 3650


@pytest.fixture
def programme_2026(tree):
    return Programme.objects.create(
        year=2026,
        name="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        directive="Chỉ thị 05-CT/TW",
        theme="Học tập và làm theo Bác về ý chí tự lực, tự cường",
        registration_opens=D(2026, 1, 10),
        registration_closes=D(2026, 3, 31),
        q1_deadline=D(2026, 3, 25),
        q2_deadline=D(2026, 6, 25),
        q3_deadline=D(2026, 9, 25),
        q4_deadline=D(2026, 12, 15),
    )


@pytest.fixture
def eager():
    """Celery tasks run at once, in the test's process."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
