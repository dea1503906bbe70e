"""The floor: what a save cycle can cost at the least on this machine, through this app's stack.

    .venv/bin/python -m tests.load.floor [--users 50] [--seconds 20] [--workers 4]

Same set-up as tests/load/run.py (a fresh load database, gunicorn on 127.0.0.1 with production
settings, DEBUG off, DEVELOPMENT=1 only so that plain http works; Locust headless, bounded in
time), serving the app with the pages of tests/load/floor_app.py beside it. Three phases, each a
save cycle (a GET showing a form, its POST answered with a redirect) repeated by every user as fast
as it is answered:

1. `bare`: only the request handling every signed-in page has (middleware, session, user, CSRF);
2. `least`: also the plan read, whether the user may see the office, and one transaction writing a
   row per indicator: the least a save can do, without validation, history, rescore or a page;
3. `app`: the app's own entry page and a save of it that changes every value.
Every user saves a report of its own (a plan each).

It prints each phase's cycles/s and p50/p95/p99, and how many `least` cycles an `app` cycle costs:
against the deadline targets, it shows how much of the machine is left for the app's own work.
"""

import argparse
import os
import sys

from tests.load.run import BASE, prepare, print_stats, read_stats, run_locust, serve

KINDS = ("bare", "least", "app")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--server",
        default=os.environ.get("LOAD_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args()

    work, env, manifest = prepare(
        users=[args.users], server=args.server, settings="tests.load.floor_settings"
    )
    gunicorn = serve(env=env, port=args.port, workers=args.workers)
    rates, failed = {}, False
    try:
        print(f"gunicorn: {args.workers} sync workers, PostgreSQL, DEBUG off; {args.users} users")
        for kind in KINDS:
            prefix = work / f"floor-{kind}"
            phase_env = {
                **env,
                "LOAD_MANIFEST": str(manifest),
                "LOAD_RUN": str(args.users),
                "LOAD_REVIEWERS": "0",
                "LOAD_USERS": str(args.users),
                "LOAD_MEASURE": str(args.seconds),
                "FLOOR_KIND": kind,
                "LOAD_LOGINS": f"{prefix}-logins.json",
                "PYTHONPATH": str(BASE),
            }
            cpu = run_locust(
                env=phase_env,
                classes=["FloorOfficer"],
                users=args.users,
                seconds=args.seconds,
                host=f"http://127.0.0.1:{args.port}",
                csv_prefix=prefix,
                locustfile="floor_locustfile.py",
            )
            stats = read_stats(prefix)
            print_stats(f"{kind}, {args.seconds} s", stats, cpu)
            rates[kind] = float(stats.get("POST", {}).get("Requests/s", 0))
            failed |= any(int(row["Failure Count"]) for row in stats.values())
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    print(
        "  => save cycles/s: "
        + ", ".join(f"{kind} {rates[kind]:.1f}" for kind in KINDS if kind in rates)
        + (
            f"; an app cycle costs {rates['least'] / rates['app']:.1f} least cycles"
            if rates.get("app")
            else ""
        )
    )
    if failed:
        print("FAILED: some requests failed (see the failure counts above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
