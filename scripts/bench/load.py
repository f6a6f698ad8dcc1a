"""HTTP load from threads of this process. Each client sends GET requests one after the other,
each on a new connection (gunicorn's sync workers close them), for a fixed time and at least
a minimum count, never past a hard limit. Latencies are from connecting to the last byte."""

import math
import socket
import threading
import time
from dataclasses import dataclass, field

HARD_LIMIT_SECONDS = 120


@dataclass
class Result:
    clients: int
    latencies: list[float] = field(default_factory=list)  # ms
    errors: int = 0
    seconds: float = 0.0
    size: int = 0  # bytes of the last good response

    def percentile(self, p: float) -> float:
        """Nearest rank; NaN without a measurement."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def rps(self) -> float:
        done = len(self.latencies) + self.errors
        return done / self.seconds if self.seconds else 0.0


def _request(host: str, port: int, path: str, cookie: str | None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _get(host: str, port: int, request: bytes) -> tuple[int, int]:
    """Send one request on a new connection and read until the server closes it (as
    gunicorn's sync workers do). Returns (status, size of the response); a lean client, so
    that the client's own work takes as little as possible from the server's two cores."""
    with socket.create_connection((host, port), timeout=HARD_LIMIT_SECONDS) as conn:
        conn.sendall(request)
        chunks = []
        while data := conn.recv(262144):
            chunks.append(data)
    raw = b"".join(chunks)
    if not raw.startswith(b"HTTP/1."):
        return 0, 0
    return int(raw[9:12]), len(raw) - raw.find(b"\r\n\r\n") - 4


def run(
    *,
    host: str,
    port: int,
    path: str,
    cookie: str | None = None,
    clients: int = 1,
    seconds: float = 5.0,
    min_requests: int = 10,
) -> Result:
    """Load `path` with `clients` clients for `seconds` (longer until `min_requests` are done,
    but never more than HARD_LIMIT_SECONDS)."""
    result = Result(clients)
    request = _request(host, port, path, cookie)
    lock = threading.Lock()
    started = time.perf_counter()
    soft_end, hard_end = started + seconds, started + HARD_LIMIT_SECONDS

    def client():
        while True:
            now = time.perf_counter()
            with lock:
                done = len(result.latencies) + result.errors
            if now >= hard_end or (now >= soft_end and done >= min_requests):
                return
            t = time.perf_counter()
            try:
                status, length = _get(host, port, request)
            except (OSError, ValueError):
                status, length = 0, 0
            elapsed = (time.perf_counter() - t) * 1000
            with lock:
                if status == 200:
                    result.latencies.append(elapsed)
                    result.size = length
                else:
                    result.errors += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def warm(*, host: str, port: int, path: str, cookie: str | None, times: int = 4) -> int:
    """A few requests before measuring (both workers load their code and caches); returns
    the last status."""
    status, request = 0, _request(host, port, path, cookie)
    for _ in range(times):
        try:
            status, _length = _get(host, port, request)
        except (OSError, ValueError):
            status = 0
    return status
