import os
import subprocess
import sys

import pytest
from django.conf import settings


def import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("value", ["ture", "yes please", "2"])
def test_a_misspelt_boolean_fails_loudly(value):
    result = import_settings(DEBUG=value, SECRET_KEY="x")
    assert result.returncode != 0
    assert "is not a boolean" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_need_no_services():
    result = import_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_vietnamese_time_and_language():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def _session_engine(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CACHE_URL"}}
    environment.update(env, SECRET_KEY="x", DEBUG="1")
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.SESSION_ENGINE)"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sessions_use_a_shared_cache_only():
    """A sign-out must reach every process: each process's own memory never keeps sessions."""
    assert _session_engine() == "django.contrib.sessions.backends.db"
    shared = _session_engine(CACHE_URL="redis://127.0.0.1:6379/8")
    assert shared == "django.contrib.sessions.backends.cached_db"
