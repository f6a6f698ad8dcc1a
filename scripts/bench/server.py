"""The server the pages are measured on: gunicorn with two sync workers (the production WSGI
server), serving the app and the anchor page (`config.bench_settings`)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from load import warm

WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *, root: Path, env: dict, log: Path):
        self.root, self.env, self.log = root, env, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--workers", str(WORKERS), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{self.port}", "--timeout", "300", "--log-level", "warning",
        ]  # fmt: skip
        env = {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": "config.bench_settings"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log}")
            if (
                warm(host="127.0.0.1", port=self.port, path="/_bench/anchor/", cookie=None, times=1)
                == 200
            ):
                return self
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in 60 s; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
