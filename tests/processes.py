"""Processes a test starts beside itself (gunicorn, PgBouncer): a free loopback port, waiting until
one answers, and stopping it whatever happened."""

import os
import pwd
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(
    process: subprocess.Popen,
    ready: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    exited: Callable[[], str] = lambda: "",
    interval: float = 0.2,
) -> None:
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


def write_pgbouncer_config(
    folder: Path, *, server: tuple[str, int], listen: tuple[str, int], user: str, **settings
) -> Path:
    """A PgBouncer in transaction mode (trust auth, no Unix socket) in `folder`, for `server`
    (host, port) on `listen` (address, port), with `settings` added to its [pgbouncer] section:
    the config file's path. As root, the folder is handed to `postgres` (PgBouncer refuses to
    run as root)."""
    (folder / "userlist.txt").write_text(f'"{user}" ""\n')
    lines = [
        f"listen_addr = {listen[0]}",
        f"listen_port = {listen[1]}",
        "unix_socket_dir =",
        "auth_type = trust",
        f"auth_file = {folder}/userlist.txt",
        "pool_mode = transaction",
        *(f"{name} = {value}" for name, value in settings.items()),
        "ignore_startup_parameters = extra_float_digits,options",
        f"pidfile = {folder}/pgbouncer.pid",
    ]
    config = folder / "pgbouncer.ini"
    config.write_text(
        f"[databases]\n* = host={server[0]} port={server[1]}\n\n[pgbouncer]\n"
        + "\n".join(lines)
        + "\n"
    )
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        for path in (folder, *folder.iterdir()):
            os.chown(path, account.pw_uid, account.pw_gid)
    return config
