"""The cluster's network: one namespace per host on a bridge of their own, nothing else.

Every host is a network namespace `eclt-<host>` with one veth (`eth0`, 10.77.0.x/24) whose other
end is on the bridge `br0` inside the namespace `eclt-net`. Both ends are made directly in their
namespaces (`ip link add … netns …`), so the root namespace gains no interface, no route and no
forwarding: the hosts reach each other and nothing else (no default route, no NAT), and the
machine's own services (its PostgreSQL on 127.0.0.1:5432, its Redis) are out of their reach.

`destroy()` ends every process left in a namespace of that prefix and deletes the namespaces
(their veths go with them): what `python -m tests.cluster down` runs.
"""

import os
import signal
import subprocess
import time

PREFIX = "eclt-"
BRIDGE = PREFIX + "net"
SUBNET = "10.77.0"
HOSTS = {"lb": 2, "app1": 11, "app2": 12, "db": 20, "redis": 30, "worker": 40, "client": 100}


def address(host: str) -> str:
    return f"{SUBNET}.{HOSTS[host]}"


def namespace(host: str) -> str:
    return PREFIX + host


def ip(*args: str, check: bool = True) -> str:
    run = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if check and run.returncode:
        raise RuntimeError(f"ip {' '.join(args)}: {run.stderr.strip()}")
    return run.stdout


def create() -> None:
    ip("netns", "add", BRIDGE)
    ip("-n", BRIDGE, "link", "set", "lo", "up")
    ip("-n", BRIDGE, "link", "add", "br0", "type", "bridge")
    ip("-n", BRIDGE, "link", "set", "br0", "up")
    for host in HOSTS:
        ns = namespace(host)
        ip("netns", "add", ns)
        ip(
            "link",
            "add",
            "eth0",
            "netns",
            ns,
            "type",
            "veth",
            "peer",
            "name",
            host,
            "netns",
            BRIDGE,
        )
        ip("-n", BRIDGE, "link", "set", host, "master", "br0", "up")
        ip("-n", ns, "addr", "add", f"{address(host)}/24", "dev", "eth0")
        ip("-n", ns, "link", "set", "eth0", "up")
        ip("-n", ns, "link", "set", "lo", "up")


def leftovers() -> list[str]:
    names = [line.split()[0] for line in ip("netns", "list").splitlines() if line.strip()]
    return [name for name in names if name.startswith(PREFIX)]


def pids(ns: str) -> list[int]:
    return [int(pid) for pid in ip("netns", "pids", ns, check=False).split()]


def destroy(grace: float = 3) -> list[str]:
    """Ends the processes in every `eclt-` namespace (SIGTERM, then SIGKILL after `grace` s) and
    deletes the namespaces; returns their names."""
    names = leftovers()
    running = [pid for ns in names for pid in pids(ns)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in running:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while running and time.monotonic() < deadline:
            running = [pid for pid in running if _alive(pid)]
            time.sleep(0.1)
    for ns in names:
        ip("netns", "del", ns, check=False)
    return names


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ours, not yet waited for) is gone for this purpose
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
