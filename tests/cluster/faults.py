"""The fault runs: the deadline scenario through HAProxy with something broken in the middle.

    python -m tests.cluster fault kill-app   [--users 50] [--seconds 60]
    python -m tests.cluster fault restart-db [--users 50] [--seconds 60]
    python -m tests.cluster fault redis-down [--users 50] [--seconds 60]

Each brings the cluster up (tests/cluster/cluster.py) with the load test's offices, plans and
users (tests/load/setup_data.py), runs the load test's deadline scenario (officers saving and
submitting, reviewers approving, a probe) from the client namespace for `--seconds` after the last
login, breaks one thing a third of the way in, and afterwards runs the load test's database check
(tests/load/check.py: every save the server acknowledged is stored exactly once, nothing else is).

- kill-app: SIGKILL to app1's gunicorn master (its workers die with it, tests/cluster/gunicorn_conf.py);
  prints when HAProxy marked it DOWN, the last request HAProxy sent it, the requests that failed
  and whether they were in flight at the kill; app1 is started again 15 s later and the time
  until HAProxy takes it back is printed.
- restart-db: PostgreSQL stopped (fast shutdown) for 8 s and started again; prints the answers
  while it was down (the app's 503, HAProxy's own 503, any 500) and how long after its return the
  requests succeed again.
- redis-down: Redis stopped for 15 s and started again; prints the requests and failures during
  the outage, the signing tasks queued and done before, during and after (SIGN_ON_APPROVAL).

Exits non-zero if the check finds a fault or a target is missed.
"""

import contextlib
import csv
import os
import secrets
import subprocess
import threading
import time
from pathlib import Path

from tests.cluster import cluster, net
from tests.load.run import locust_binary, print_stats, read_stats

BASE = cluster.BASE


@contextlib.contextmanager
def running(*, users: list[int], workers: int = 3, lifetime: int = 900, slots: int | None = None):
    """The cluster up, serving, with the load test's data for `users`: yields (cluster, manifest)."""
    deployment = cluster.Cluster(workers=workers, lifetime=lifetime)
    try:
        started = time.monotonic()
        deployment.up()
        manifest = deployment.folder / "manifest.json"
        deployment.manage(
            "-m",
            "tests.load.setup_data",
            "--users",
            *map(str, users),
            "--manifest",
            str(manifest),
            f"--password={secrets.token_urlsafe(12)}",  # one word: a token may begin with "-"
            "--slots",
            str(slots or max(8, 16 * max(users))),
        )
        deployment.serve()
        print(
            f"cluster up in {time.monotonic() - started:.0f} s: HAProxy {deployment.url}, "
            f"{len(cluster.APPS)} application hosts × {workers} gunicorn workers, PgBouncer (transaction) → "
            f"PostgreSQL, Redis, a Celery worker; files in {deployment.folder}"
        )
        yield deployment, manifest
    finally:
        deployment.down()


def start_locust(
    deployment, manifest: Path, *, users: int, seconds: int
) -> tuple[subprocess.Popen, Path, Path]:
    work = deployment.folder
    prefix, sent, logins = work / "deadline", work / "sent.json", work / "deadline-logins.json"
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "HOME")}
    env.update(
        {
            "LOAD_MANIFEST": str(manifest),
            "LOAD_RUN": str(users),
            "LOAD_REVIEWERS": str(max(1, users // 10)),
            "LOAD_USERS": str(users + 1),
            "LOAD_MEASURE": str(seconds),
            "LOAD_LOGINS": str(logins),
            "LOAD_SENT": str(sent),
            "PYTHONPATH": str(BASE),
            "CLUSTER_ORIGIN": deployment.url,
        }
    )
    locust = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            net.namespace("client"),
            str(locust_binary()),
            "-f",
            str(BASE / "tests/cluster/locustfile.py"),
            "--headless",
            "--users",
            str(users + 1),
            "--spawn-rate",
            str(users + 1),
            "--run-time",
            f"{seconds + users + 60}s",
            "--stop-timeout",
            "10",
            "--host",
            deployment.url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "Officer",
            "Reviewer",
            "Probe",
        ],
        env=env,
        cwd=BASE,
        stdout=open(f"{prefix}.log", "w"),
        stderr=subprocess.STDOUT,
    )
    return locust, prefix, sent


def wait_for_logins(locust: subprocess.Popen, prefix: Path, timeout: float = 300) -> float:
    logins = Path(f"{prefix}-logins.json")
    deadline = time.monotonic() + timeout
    while not logins.exists():
        if locust.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"Locust's users did not all log in:\n{Path(f'{prefix}.log').read_text()[-3000:]}"
            )
        time.sleep(0.2)
    return time.time()


def check(deployment, sent: Path) -> int:
    run = subprocess.run(
        [
            "ip",
            "netns",
            "exec",
            net.namespace("client"),
            str(cluster.PYTHON),
            "-m",
            "tests.load.check",
            str(sent),
        ],
        cwd=BASE,
        env=deployment.env(DATABASE_URL=deployment.direct_database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    print("database check: " + (run.stdout.strip() or run.stderr[-3000:]))
    return run.returncode


def poll(every: float, what, until: threading.Event) -> list[tuple[float, object]]:
    """Samples `what()` every `every` s in a thread until `until` is set: [(time, value), …]."""
    samples = []

    def loop():
        while not until.is_set():
            try:
                samples.append((time.time(), what()))
            except (OSError, RuntimeError) as error:
                samples.append((time.time(), error))
            time.sleep(every)

    threading.Thread(target=loop, daemon=True).start()
    return samples


def failed(entry: dict) -> bool:
    return entry["status"] >= 500 or entry["status"] <= 0


def kill_app(deployment, started: float, seconds: int) -> list[str]:
    time.sleep(seconds / 3)
    states = threading.Event()
    samples = poll(0.1, deployment.server_states, states)
    killed = deployment.kill_app("app1")
    print(
        f"  {time.strftime('%H:%M:%S', time.localtime(killed))} SIGKILL to app1's gunicorn master"
    )
    time.sleep(15)
    if os.environ.get("CLUSTER_KEEP_LOG"):
        Path(os.environ["CLUSTER_KEEP_LOG"]).write_text(deployment.log("haproxy"))
    restarted = time.time()
    deployment.start_app("app1")
    answering = time.time()
    deadline = time.monotonic() + 20
    while deployment.server_states().get("app1") != "UP" and time.monotonic() < deadline:
        time.sleep(0.1)
    back = time.time()
    states.set()
    down_at = next(
        (t for t, s in samples if t > killed and isinstance(s, dict) and s.get("app1") != "UP"),
        None,
    )
    entries = deployment.requests_log()
    to_app1 = [
        e for e in entries if e["server"] == "app1" and e["at"] >= killed and e["at"] < restarted
    ]
    failures = [e for e in entries if failed(e)]
    in_flight = [e for e in failures if e["at"] < killed <= e["at"] + max(e["ms"], 0) / 1000 + 0.05]
    missed = []
    print(
        f"  HAProxy marked app1 DOWN {down_at - killed:.1f} s after the kill"
        if down_at
        else "  HAProxy never marked app1 DOWN"
    )
    print(
        f"  requests HAProxy sent app1 after the kill: {len(to_app1)}"
        + (f", the last {to_app1[-1]['at'] - killed:.1f} s after it" if to_app1 else "")
        + " (a connection refused there is retried on app2: not sent, not failed)"
    )
    kinds = {}
    for e in failures:
        kind = f"{e['status']} {e['method']} {e['state']}"
        kinds[kind] = kinds.get(kind, 0) + 1
    kinds = [f"{count} × {kind}" for kind, count in sorted(kinds.items())]
    print(
        f"  requests through HAProxy until 15 s after the kill: {len(entries)}; failed: {len(failures)}, of them "
        f"in flight at the kill: "
        f"{len(in_flight)} ({', '.join(kinds) or '-'})"
    )
    print(
        f"  app1 started again {restarted - killed:.0f} s after the kill, answering {answering - restarted:.1f} s "
        f"later; UP in HAProxy {back - answering:.1f} s after that"
    )
    if not down_at or down_at - killed > 5:
        missed.append("HAProxy did not take app1 out within 5 s")
    if to_app1 and to_app1[-1]["at"] - killed > 5:
        missed.append("HAProxy sent app1 requests more than 5 s after the kill")
    if len(failures) > len(in_flight):
        missed.append(
            f"{len(failures) - len(in_flight)} requests failed that were not in flight at the kill"
        )
    return missed


def restart_db(deployment, started: float, seconds: int) -> list[str]:
    time.sleep(seconds / 3)
    stopping = time.time()
    deployment.stop_postgres()
    stopped = time.time()
    print(
        f"  {time.strftime('%H:%M:%S', time.localtime(stopping))} PostgreSQL stopped (fast shutdown, "
        f"{stopped - stopping:.1f} s); down for 8 s"
    )
    time.sleep(8)
    deployment.start_postgres()
    back = time.time()
    print(f"  PostgreSQL answering again {back - stopped:.1f} s after it stopped")
    time.sleep(15)
    entries = deployment.requests_log()
    during = [e for e in entries if stopping <= e["at"] < back]
    after = [e for e in entries if e["at"] >= back]
    statuses = {}
    for e in during:
        kind = f"{e['status']} from {'HAProxy' if e['server'] == '<NOSRV>' else 'the app'}"
        statuses[kind] = statuses.get(kind, 0) + 1
    late_failures = [e for e in after if failed(e)]
    recovered = (
        (max(e["at"] + max(e["ms"], 0) / 1000 for e in late_failures) - back)
        if late_failures
        else 0.0
    )
    first_ok = next((e["at"] - back for e in after if not failed(e)), None)
    five_hundreds = [e for e in entries if e["status"] == 500]
    print(
        f"  requests while it was down: {len(during)}: "
        + ", ".join(f"{count} × {kind}" for kind, count in sorted(statuses.items()))
    )
    print(
        f"  after its return: first success {first_ok:.1f} s later"
        if first_ok is not None
        else "  after its return: no success"
    )
    print(
        f"  last failure answered {recovered:.1f} s after its return ({len(late_failures)} failures after it); "
        f"500s in the whole run: {len(five_hundreds)}"
    )
    missed = []
    if five_hundreds:
        missed.append(f"{len(five_hundreds)} answers were 500")
    if recovered > 10:
        missed.append("not recovered within 10 s of PostgreSQL's return")
    return missed


def redis_down(deployment, started: float, seconds: int) -> list[str]:
    def signing() -> tuple[str, str, str]:
        """(tasks queued in Redis, signed PDFs, approved reports)."""
        queued = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                net.namespace("redis"),
                "redis-cli",
                "-h",
                net.address("redis"),
                "LLEN",
                "celery",
            ],
            capture_output=True,
            text=True,
            timeout=10,
        )
        ((signed, approved),) = deployment.query(
            "SELECT (SELECT count(*) FROM reports_signeddocument), "
            "(SELECT count(*) FROM reports_quarterlyreport WHERE status = 'approved')"
        )
        return queued.stdout.strip() or "-", signed, approved

    time.sleep(seconds / 3)
    before = signing()
    stopping = time.time()
    deployment.stop_redis()
    print(
        f"  {time.strftime('%H:%M:%S', time.localtime(stopping))} Redis stopped; queued/signed/approved before: "
        f"{'/'.join(before)}"
    )
    time.sleep(15)
    during = signing()
    deployment.start_redis()
    back = time.time()
    print(
        f"  Redis started again after {back - stopping:.0f} s; queued/signed/approved then: {'/'.join(during)}"
    )
    time.sleep(max(10.0, seconds / 3))
    after = signing()
    print(f"  {time.time() - back:.0f} s later: queued/signed/approved {'/'.join(after)}")
    entries = deployment.requests_log()
    outage = [e for e in entries if stopping <= e["at"] < back]
    outage_failures = [e for e in outage if failed(e)]
    saves = [e for e in outage if e["method"] == "POST"]
    approvals = sorted(e["ms"] for e in outage if e["path"].endswith("/review/"))
    print(
        f"  requests during the outage: {len(outage)} ({len(saves)} POSTs), failed: {len(outage_failures)}; "
        f"approvals {len(approvals)}, the slowest {approvals[-1] if approvals else 0} ms"
    )
    missed = []
    if outage_failures:
        missed.append(f"{len(outage_failures)} requests failed while Redis was down")
    if int(after[1]) <= int(during[1]):
        missed.append("no signing done after Redis returned")
    return missed


def print_failures(deployment, prefix: Path, started: float) -> None:
    """What failed in the whole run, as Locust saw it and as HAProxy logged it (seconds from the
    last login, status, method, HAProxy's termination state: `SH` the server closed the connection
    before answering, `SC` it refused it, `--` answered)."""
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in list(csv.DictReader(failures.open(encoding="utf-8")))[:10]:
            print(
                f"  Locust: {row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error'][:120]}"
            )
    entries = deployment.requests_log()
    bad = [e for e in entries if failed(e)]
    print(
        f"  HAProxy's log of the run: {len(entries)} requests, {len(bad)} failed"
        + "".join(
            f"\n    at {e['at'] - started:+.1f} s: {e['status']} {e['method']} {e['path'].split('?')[0]} "
            f"on {e['server']} ({e['state']}, {e['ms']} ms)"
            for e in bad[:15]
        )
    )


FAULTS = {"kill-app": kill_app, "restart-db": restart_db, "redis-down": redis_down}


def run(kind: str, *, users: int, seconds: int, workers: int) -> int:
    with running(users=[users], workers=workers, lifetime=seconds + users + 900) as (
        deployment,
        manifest,
    ):
        cpu_before = deployment.cpu_seconds()
        locust, prefix, sent = start_locust(deployment, manifest, users=users, seconds=seconds)
        try:
            started = wait_for_logins(locust, prefix)
            print(
                f"{kind}: deadline scenario, {users} users ({users - max(1, users // 10)} officers, "
                f"{max(1, users // 10)} reviewers, a probe) for {seconds} s after the last login"
            )
            missed = FAULTS[kind](deployment, started, seconds)
            locust.wait(timeout=seconds + 120)
        finally:
            if locust.poll() is None:
                locust.terminate()
                locust.wait(timeout=30)
        used = {
            host: seconds_ - cpu_before.get(host, 0)
            for host, seconds_ in deployment.cpu_seconds().items()
        }
        print(
            "CPU seconds used in the run, by host (processes still running; a killed one's are lost): "
            + ", ".join(f"{host} {seconds_:.0f}" for host, seconds_ in used.items())
        )
        stats = read_stats(prefix)
        print_stats(f"the deadline scenario through HAProxy, {seconds} s", stats, 0)
        print_failures(deployment, prefix, started)
        code = check(deployment, sent)
        for problem in missed:
            print(f"MISSED: {problem}")
        # With the database or Redis down, each 503 or task not queued is logged with its traceback.
        if kind == "kill-app" and "Traceback" in deployment.log("app1") + deployment.log("app2"):
            print(
                "tracebacks in the application hosts' logs:\n"
                + (deployment.log("app1") + deployment.log("app2"))[-4000:]
            )
        return 1 if code or missed else 0
