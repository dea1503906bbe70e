"""Processes a test starts beside itself (gunicorn, PgBouncer): a free loopback port, waiting until
one answers, and stopping it whatever happened."""

import socket
import subprocess
import time
from collections.abc import Callable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(process: subprocess.Popen, ready: Callable[[], bool], *, timeout: float, what: str,
               exited: Callable[[], str] = lambda: "", interval: float = 0.2) -> None:
    """Poll `ready()` (an OSError counts as not yet) until it is true; fail if the process exits
    first (saying `exited()`) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"{what} exited: {exited()}"
        try:
            if ready():
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"{what} did not answer within {timeout} s"
        time.sleep(interval)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM, and SIGKILL if it has not gone within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
