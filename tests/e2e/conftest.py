"""The browser tests: Debian's Chromium driven by Playwright against a live server on the test
database, with axe-core checking every page a journey visits.

- The browser is the system's (`/usr/bin/chromium`, or `E2E_CHROMIUM`); Playwright never
  downloads its own. Without it, or without axe-core (`npm ci` in this folder), the tests are
  skipped with the command that installs them; with `E2E_REQUIRED=1` (CI) they fail instead.
- Playwright's sync API keeps an event loop running while the browser is open, so Django is
  told that its synchronous calls are safe (`DJANGO_ALLOW_ASYNC_UNSAFE`) for as long as this
  package's browser lives, and no longer: the tests after these run as before.
- A failed test leaves a screenshot and the HTML of each page it had open in
  `var/e2e-artifacts/<test>/`; the folder is named at the end of the run.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from .widths import WIDTHS

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "e2e-artifacts"
INSTALL = "scripts/install-browser"

# WCAG 2.2 A and AA, and axe's best practices; the suite fails on these impacts.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def missing() -> str | None:
    """What the browser tests need and this machine lacks, and how to get it."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}: run {INSTALL} (Debian's chromium package)"
    if not AXE.is_file():
        return f"axe-core is not installed: run {INSTALL} (npm ci in tests/e2e)"
    return None


def pytest_collection_modifyitems(config, items):
    problem = None if os.environ.get("E2E_REQUIRED") else missing()
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if problem:  # skipped before any database is made for them
                item.add_marker(pytest.mark.skip(reason=problem))


RAN = []  # set once the browser tests start: the summary then names what they left


@pytest.fixture(scope="package", autouse=True)
def _browser_available():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's failures
    RAN.append(True)
    problem = missing()
    if problem:
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(f"E2E_REQUIRED is set and the browser tests cannot run: {problem}")
        pytest.skip(problem)


# pytest-playwright's own fixtures live for the whole session; these live for this package
# only, so that the event loop of the sync API is stopped before the next tests.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if "channel" in browser_type_launch_args:  # `--browser-channel` picks another browser
        return browser_type_launch_args
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="package")
def playwright(_browser_available):
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    yield pw
    pw.stop()
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def browser(browser_type, browser_type_launch_args):
    browser = browser_type.launch(**browser_type_launch_args)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def live_server(request, _browser_available, django_db_setup, django_db_blocker):
    """pytest-django's live server, for this package only, speaking plain HTTP: its
    middleware is built when it starts, so the settings are changed before that."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    plain_http = override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    )
    plain_http.enable()
    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with django_db_blocker.unblock():
        server = LiveServer(address)
    yield server
    server.stop()
    plain_http.disable()


# --- what a failed test leaves behind ---------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


def keep_artifacts(node, pages) -> Path | None:
    folder = ARTIFACTS / _slug(node.nodeid.split("::", 1)[-1])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    for n, page in enumerate(pages, 1):
        if page.is_closed():
            continue
        try:
            page.screenshot(path=str(folder / f"page{n}.png"), full_page=True)
            (folder / f"page{n}.html").write_text(
                f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8"
            )
        except Exception as exc:  # the page may be gone with the failure; say so
            (folder / f"page{n}.txt").write_text(f"{page.url}: {exc}", encoding="utf-8")
    return folder


def pytest_terminal_summary(terminalreporter):
    if RAN and ARTIFACTS.is_dir() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_sep("-", "browser tests")
        terminalreporter.write_line(
            f"Screenshots and HTML of the failed browser tests: {ARTIFACTS}"
        )
        for path in sorted(ARTIFACTS.rglob("*")):
            if path.is_file():
                size = path.stat().st_size
                terminalreporter.write_line(f"  {path.relative_to(ARTIFACTS)} ({size} bytes)")


# --- accessibility ----------------------------------------------------------------------


class Accessibility:
    """axe-core, injected into each page looked at, at both widths. Violations of every
    impact are collected (and printed); serious and critical ones fail the test."""

    def __init__(self):
        self.source = AXE.read_text(encoding="utf-8")
        self.found: list[dict] = []
        self.pages: list[str] = []

    def check(self, page, *, widths=("390", "1280")):
        """Run axe on the page as it is now, at each width, and restore the viewport."""
        before = page.viewport_size
        where = re.sub(r"^https?://[^/]+", "", page.url)
        for width in widths:
            page.set_viewport_size(WIDTHS[width])
            if not page.evaluate("() => typeof window.axe === 'object'"):
                page.evaluate(self.source)
            violations = page.evaluate(
                """async (tags) => {
                    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                    return result.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
                }""",
                AXE_TAGS,
            )
            for v in violations:
                self.found.append({**v, "page": where, "width": width})
        self.pages.append(where)
        page.set_viewport_size(before)

    def keyboard(self, page):
        """From the top of the page: the first Tab shows the skip link, Enter moves the focus
        to the main content, and the next control focused shows a focus ring."""
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
        page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        assert skip.evaluate("el => el === document.activeElement"), "no skip link first"
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link stays off screen"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        ring = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"""
        )
        assert ring[1] != "none" and ring[2] != "0px", f"no focus ring on {ring[0]}"

    def blocking(self) -> list[dict]:
        return [v for v in self.found if v["impact"] in BLOCKING]

    def report(self) -> str:
        return json.dumps(self.found, ensure_ascii=False, indent=1)

    def assert_clean(self):
        blocking = self.blocking()
        assert not blocking, "serious or critical accessibility violations:\n" + json.dumps(
            blocking, ensure_ascii=False, indent=1
        )


@pytest.fixture
def axe():
    checker = Accessibility()
    yield checker
    for v in checker.found:  # the minor and moderate ones too, in the test's output
        print(f"axe {v['impact']}: {v['id']} on {v['page']} at {v['width']} px: {v['nodes']}")


# --- people at their browsers -----------------------------------------------------------


def sign_in(page, user, axe=None):
    """The sign-in page, then the second step with the code of the person's authenticator
    (the one `tests.factories.verified` gave them) when they have one."""
    from django.urls import reverse
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import PASSWORD

    page.goto(reverse("signin:login"))
    if axe:
        axe.check(page)
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:not(.langswitch) button[type=submit]")
    page.wait_for_load_state()
    if reverse("signin:verify") in page.url:
        if axe:
            axe.check(page)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.fill("input[name=token]", f"{totp.token():0{device.digits}d}")
        page.press("input[name=token]", "Enter")
        page.wait_for_load_state()
    assert reverse("signin:login") not in page.url, f"{user} could not sign in"


@pytest.fixture
def browse(request, browser, live_server, axe):
    """`browse(user, "390")`: a page of a fresh browser at that width, signed in as `user`."""
    contexts = []

    def open_as(user, width):
        context = browser.new_context(
            viewport=WIDTHS[width], base_url=live_server.url, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, user, axe if not contexts[:-1] else None)  # the sign-in pages once
        return page

    yield open_as
    if getattr(request.node, "e2e_failed", False):
        keep_artifacts(request.node, [p for c in contexts for p in c.pages])
    for context in contexts:
        context.close()
