"""python -m tests.cluster up|down|fault … (see tests/cluster/__init__.py)."""

import argparse
import json
import shutil
import sys
import time

from tests.cluster import cluster, net


def down(args) -> int:
    if args.after:
        time.sleep(args.after)
    if args.if_run:
        state = json.loads(cluster.STATE.read_text()) if cluster.STATE.exists() else {}
        if state.get("run") != args.if_run:
            return 0  # that run was torn down already; another may be up now
    names = net.destroy()
    if cluster.STATE.exists():
        folder = json.loads(cluster.STATE.read_text()).get("folder")
        if folder and folder.startswith("/tmp/eclt-"):
            shutil.rmtree(folder, ignore_errors=True)
        cluster.STATE.unlink()
    print(f"removed {len(names)} namespaces" + (f": {', '.join(names)}" if names else ""))
    return 0


def up(args) -> int:
    from tests.cluster import faults

    with faults.running(users=[args.users], workers=args.workers, lifetime=args.seconds + 300) as (
        deployment,
        _,
    ):
        print(
            f"up: {deployment.url} (from the client namespace: ip netns exec {net.namespace('client')} …); "
            f"files in {deployment.folder}; down in {args.seconds} s or at Ctrl-C"
        )
        try:
            time.sleep(args.seconds)
        except KeyboardInterrupt:
            pass
    return 0


def fault(args) -> int:
    from tests.cluster import faults

    return faults.run(args.kind, users=args.users, seconds=args.seconds, workers=args.workers)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.cluster", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("down", help="remove every eclt- namespace and what runs in it")
    command.add_argument("--if-run", help=argparse.SUPPRESS)
    command.add_argument("--after", type=float, default=0, help=argparse.SUPPRESS)
    command.set_defaults(handler=down)
    command = commands.add_parser(
        "up", help="start the cluster with load-test data, keep it up a while"
    )
    command.add_argument("--seconds", type=int, default=600)
    command.add_argument("--users", type=int, default=10)
    command.add_argument("--workers", type=int, default=3)
    command.set_defaults(handler=up)
    command = commands.add_parser(
        "fault", help="a fault run under the deadline scenario, then the database check"
    )
    command.add_argument("kind", choices=["kill-app", "restart-db", "redis-down"])
    command.add_argument("--users", type=int, default=50)
    command.add_argument(
        "--seconds", type=int, default=60, help="measured length of the deadline phase"
    )
    command.add_argument("--workers", type=int, default=3)
    command.set_defaults(handler=fault)
    args = parser.parse_args()
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
