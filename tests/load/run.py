"""The deadline load test: the app under gunicorn on PostgreSQL, driven by Locust, on loopback only.

    .venv/bin/python -m tests.load.run [--users 10 50 100] [--seconds 30] [--workers 4]
        [--worker-class sync|gthread] [--threads 4] [--server postgres://postgres@127.0.0.1:5432]

Makes a fresh database (`egov_plan_load` on --server; dropped and made again on every run), sets
up the offices, plans and users (tests/load/setup_data.py), starts gunicorn on 127.0.0.1 with
production settings (DEBUG off; DEVELOPMENT=1 only so that plain http works), then for each number
of users runs, headless and bounded in time:

1. the deadline scenario (tests/load/locustfile.py: officers log in through the form, open the
   entry page, save three times, submit; reviewers open the inbox and approve; a probe reads the
   login page and a table page beside them);
2. table pages `?scores=1` only (reviewers), for the table page's throughput;
3. entry pages only (officers), and
4. the login page only, the anchor: a plain Django page on the same server in the same run; the
   ratio of the last two rates is the entry page's cost in login pages.

It prints requests/s, p50/p95/p99 and failures of every request kind, the save cycles per second,
and the entry page's cost against the login page's; then checks the database against what the
virtual users sent (tests/load/check.py) and exits non-zero on any error or fault.
Locust lives in its own virtualenv (.venv-load, made on first use from tests/load/requirements.txt).
"""

import argparse
import csv
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
APP_PYTHON = Path(sys.executable)
LOAD_VENV = BASE / ".venv-load"
DATABASE = "egov_plan_load"


def locust_binary() -> Path:
    binary = LOAD_VENV / "bin" / "locust"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LOAD_VENV)], check=True)
        subprocess.run(
            [
                str(LOAD_VENV / "bin" / "pip"),
                "install",
                "--quiet",
                "-r",
                str(BASE / "tests" / "load" / "requirements.txt"),
            ],
            check=True,
        )
    return binary


def fresh_database(server: str) -> str:
    import psycopg2

    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()
    return f"{server}/{DATABASE}"


def connections(server: str) -> str:
    """How many connections the app holds to the load database, and since when: persistent
    connections (DB_CONN_MAX_AGE) show as one per worker, opened before the phase began."""
    import psycopg2

    connection = psycopg2.connect(f"{server}/postgres")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), extract(epoch FROM now() - min(backend_start)) FROM pg_stat_activity "
            "WHERE datname = %s",
            [DATABASE],
        )
        count, age = cursor.fetchone()
    connection.close()
    return f"{count} database connections, the oldest opened {age or 0:.0f} s ago"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def prepare(
    *, users: list[int], server: str, settings: str = "egov_plan.settings"
) -> tuple[Path, dict, Path]:
    """A working folder, the app's environment on a fresh load database, and the manifest of the
    offices, plans and users set up in it for each number of users (tests/load/setup_data.py)."""
    locust_binary()
    work = Path(tempfile.mkdtemp(prefix="egov-load-"))
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database(server),
        "DEVELOPMENT": "1",
        "DEBUG": "false",
        "VAR_DIR": str(work / "var"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": settings,
    }
    env.pop("REDIS_URL", None)
    manifest = work / "manifest.json"
    print(f"working files in {work}")
    subprocess.run(
        [str(APP_PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=BASE,
        check=True,
    )
    subprocess.run(
        [
            str(APP_PYTHON),
            "-m",
            "tests.load.setup_data",
            "--users",
            *map(str, users),
            "--manifest",
            str(manifest),
            f"--password={password}",  # one word: a token may begin with "-"
        ],
        env=env,
        cwd=BASE,
        check=True,
    )
    return work, env, manifest


def serve(*, env: dict, port: int, workers: int, options: list[str] = ()) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port`, answering once its health check does."""
    gunicorn = subprocess.Popen(
        [
            str(APP_PYTHON.parent / "gunicorn"),
            "egov_plan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *options,
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=BASE,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
    except BaseException:
        gunicorn.terminate()
        raise
    return gunicorn


def run_locust(
    *,
    env: dict,
    classes: list[str],
    users: int,
    seconds: int,
    host: str,
    csv_prefix: Path,
    locustfile: str = "locustfile.py",
) -> float:
    """Runs one headless phase; returns Locust's own CPU use (share of one core).

    Users that log in measure `seconds` from the last login on (the locustfile stops the run);
    the run time given to Locust only bounds it, with a second a user for the logins."""
    log = open(f"{csv_prefix}.log", "w")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(
        [
            str(locust_binary()),
            "-f",
            str(BASE / "tests" / "load" / locustfile),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds + (users + 30 if env.get('LOAD_USERS', '0') != '0' else 0)}s",
            "--stop-timeout",
            "10",
            "--host",
            host,
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        env=env,
        cwd=BASE,
        check=False,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu / (time.monotonic() - started)


def read_stats(csv_prefix: Path) -> dict[str, dict]:
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def print_stats(title: str, stats: dict[str, dict], locust_cpu: float) -> None:
    print(f"  {title} (Locust's own CPU: {locust_cpu:.0%} of a core)")
    print(
        f"    {'request':28} {'count':>7} {'fail':>5} {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6}  ms"
    )
    for name, row in stats.items():
        if name == "Aggregated" or row["Request Count"] == "0":  # the logins, reset after them
            continue
        print(
            f"    {name:28} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):8.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument(
        "--seconds", type=int, default=30, help="length of the deadline phase (others: half)"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--server",
        default=os.environ.get("LOAD_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args()

    work, env, manifest = prepare(users=args.users, server=args.server)
    host = f"http://127.0.0.1:{args.port}"
    worker = (
        ["--worker-class", "gthread", "--threads", str(args.threads)]
        if args.worker_class == "gthread"
        else []
    )
    gunicorn = serve(env=env, port=args.port, workers=args.workers, options=worker)
    failed = False
    sent_files = []
    try:
        print(
            f"gunicorn: {args.workers} {args.worker_class} workers"
            + (f" × {args.threads} threads" if worker else "")
            + ", PostgreSQL, DEBUG off"
        )
        for users in args.users:
            reviewers = max(1, users // 10)
            sent = work / f"sent-{users}.json"
            sent_files.append(sent)
            locust_env = {
                **os.environ,
                "LOAD_MANIFEST": str(manifest),
                "LOAD_RUN": str(users),
                "LOAD_REVIEWERS": str(reviewers),
                "PYTHONPATH": str(BASE),
            }
            print(
                f"\n== {users} users ({users - reviewers} officers, {reviewers} reviewer(s), and a probe) =="
            )
            print(f"  before: {uptime()}")
            phases = [
                ("deadline scenario", ["Officer", "Reviewer", "Probe"], users + 1, args.seconds),
                ("table page ?scores=1 only", ["TableReader"], users, max(5, args.seconds // 2)),
                ("entry page only", ["EntryReader"], users, max(5, args.seconds // 2)),
                ("login page only (anchor)", ["LoginPage"], users, max(5, args.seconds // 2)),
            ]
            results = {}
            for title, classes, count, seconds in phases:
                prefix = work / f"{users}-{classes[0].lower()}"
                phase_env = {
                    **locust_env,
                    "LOAD_USERS": "0" if classes == ["LoginPage"] else str(count),
                    "LOAD_MEASURE": str(seconds),
                    "LOAD_LOGINS": f"{prefix}-logins.json",
                }
                if classes[0] == "Officer":
                    phase_env["LOAD_SENT"] = str(sent)
                cpu = run_locust(
                    env=phase_env,
                    classes=classes,
                    users=count,
                    seconds=seconds,
                    host=host,
                    csv_prefix=prefix,
                )
                results[title] = stats = read_stats(prefix)
                print_stats(f"{title}, {seconds} s", stats, cpu)
                logins = Path(f"{prefix}-logins.json")
                if logins.exists():
                    print(
                        "    before these figures (not in them), each user logged in through the form: "
                        + "; ".join(
                            f"{name}: {f['count']}, p50 {f['p50']:.0f} ms, p99 {f['p99']:.0f} ms"
                            for name, f in json.loads(logins.read_text()).items()
                        )
                    )
                failed |= any(int(row["Failure Count"]) for row in stats.values())
            print(f"  after: {uptime()}; {connections(args.server)}")
            deadline = results["deadline scenario"]
            saves = float(deadline.get("save (POST)", {}).get("Requests/s", 0))
            summary = f"  => save cycles/s: {saves:.1f}"
            if "save (POST)" in deadline:
                summary += (
                    f" (save p99 {deadline['save (POST)']['99%']} ms, "
                    f"entry page p99 {deadline['entry page']['99%']} ms)"
                )
            entry = results["entry page only"].get("entry page")
            login = results["login page only (anchor)"].get("login page (anchor)")
            if entry and login and float(entry["Requests/s"]):
                # Both phases keep the server saturated: a request's cost is inverse to the rate.
                summary += (
                    f"; an entry page costs {float(login['Requests/s']) / float(entry['Requests/s']):.1f} "
                    f"login pages ({float(entry['Requests/s']):.0f}/s against {float(login['Requests/s']):.0f}/s)"
                )
            table = results["table page ?scores=1 only"].get("table page ?scores=1")
            if table:
                summary += f"; table page {float(table['Requests/s']):.0f}/s"
            print(summary)
            if sent.exists() and json.loads(sent.read_text())["out_of_work"]:
                print(
                    f"  NOTE: {len(json.loads(sent.read_text())['out_of_work'])} officers ran out of quarters "
                    f"to report before the end (raise setup_data's --slots)"
                )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    check = subprocess.run(
        [
            str(APP_PYTHON),
            "-m",
            "tests.load.check",
            *map(str, [s for s in sent_files if s.exists()]),
        ],
        env=env,
        cwd=BASE,
    )
    if failed:
        print("FAILED: some requests failed (see the failure counts above)")
    return 1 if failed or check.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
