"""Settings of the benchmark's server (`scripts/bench/`): the app's own settings, with a URL
configuration that adds the minimal anchor page. Never used outside the benchmark."""

from .settings import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"

# The benchmark's gunicorn serves plain HTTP on the loopback with DEBUG off.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
