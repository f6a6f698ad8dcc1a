"""HTTP hardening (issue 11, point 6): a Content-Security-Policy with no inline script, no
caching of anything a signed-in person sees, HTTPS and HSTS by default off DEBUG."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from ..factories import submitted_plan


def csp_directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_the_sign_in_page_has_a_policy_without_inline_scripts(client, db):
    response = client.get(reverse("accounts:login"))
    directives = csp_directives(response)
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["default-src"]


def test_signed_in_pages_are_not_kept_by_any_cache(login, people, tree):
    for url in (reverse("portal:home"), reverse("units:detail", args=[tree.cell.pk])):
        response = login(people.bob).get(url)
        assert response.status_code == 200
        cache = {p.strip() for p in response.headers["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache
        assert "public" not in cache


def test_a_plan_pdf_is_not_kept_by_any_cache(login, people, programme_2026):
    plan = submitted_plan(people.alice_member, people.alice)
    response = login(people.alice).get(reverse("pledges:pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}


TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy forbids them: a script goes in static/js/ and is loaded with src."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2] in {"emails"} or "pdf" in path.relative_to(TEMPLATES).parts:
            continue
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            found.append(str(path.relative_to(TEMPLATES)))
    assert found == []


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_when_asked(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_https_answers_carry_hsts(client, db):
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def settings_of(module="config.settings", **env) -> dict:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SECURE_") and k not in {"DEBUG", "SECRET_KEY"}
    }
    environment.update({"SECRET_KEY": "x" * 60, **env})
    code = (
        f"import importlib; s = importlib.import_module({module!r}); "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    return {"returncode": result.returncode, "out": result.stdout.strip(), "err": result.stderr}


def test_production_redirects_to_https_and_sends_hsts_by_default():
    assert settings_of(DEBUG="0")["out"] == "True 31536000 None"


def test_development_neither_redirects_nor_sends_hsts():
    assert settings_of(DEBUG="1")["out"] == "False 0 None"


def test_behind_a_tls_proxy_the_redirect_and_hsts_can_be_turned_off():
    result = settings_of(DEBUG="0", SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result["out"] == "False 0 None"


def test_the_proxy_header_is_read_from_the_environment():
    result = settings_of(DEBUG="0", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto,https")
    assert result["out"].endswith("('HTTP_X_FORWARDED_PROTO', 'https')")


@pytest.mark.parametrize("value", ["X-Forwarded-Proto", "on"])
def test_a_half_written_proxy_header_fails_loudly(value):
    result = settings_of(DEBUG="0", SECURE_PROXY_SSL_HEADER=value)
    assert result["returncode"] != 0
    assert "SECURE_PROXY_SSL_HEADER" in result["err"]


def test_the_benchmark_server_speaks_plain_http():
    assert settings_of("config.bench_settings", DEBUG="0")["out"] == "False 0 None"


def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("SECURE_")},
            "DEBUG": "0",
            "SECRET_KEY": "k" * 20 + "-production-like-key-for-the-deploy-check-0123456789",
            "ALLOWED_HOSTS": "lamtheo.example.org",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
