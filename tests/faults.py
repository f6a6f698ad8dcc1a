"""Faults injected into the real stack: a broker that hangs, a database that goes away."""

import socket
from contextlib import contextmanager

from django.db import OperationalError, connection
from django.utils import timezone

from config.celery import app


@contextmanager
def hung_broker():
    """A Redis URL whose server accepts connections and never answers, as a frozen Redis does
    (the kernel completes the handshake; nothing reads)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        listener.close()


@contextmanager
def broker_at(url, monkeypatch):
    """Publish to `url` meanwhile (Celery reads CELERY_BROKER_URL from the environment first,
    as CI sets it, so both change), with connection pools of its own; the pools in use before
    come back after."""
    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    app.conf.broker_url, app._pool, app.amqp._producer_pool = url, None, None
    try:
        yield
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved
        monkeypatch.undo()


class DatabaseDown:
    """Every query of this connection fails as a restarting server makes it fail, until
    `until` (by the clock the test sets)."""

    def __init__(self, until):
        self.until = until
        self.refused = 0

    def __call__(self, execute, sql, params, many, context):
        if timezone.now() < self.until:
            self.refused += 1
            raise OperationalError("the database system is starting up")
        return execute(sql, params, many, context)

    @contextmanager
    def installed(self):
        with connection.execute_wrapper(self):
            yield self
