"""How many hosts the national deadline needs for p99 ≤ 250 ms, from rates measured here.

    .venv/bin/python -m tests.load.capacity [--load-output FILE [--users 50] [--cores 2]] [--measure]
        [--offices 23667] [--last-day 0.5] [--last-hour 0.1] [--burst 3] [--saves 8] [--entry-pages 12] …

The measured part: the deadline scenario's requests per second of each kind at saturation and the
cores that served them, read from the output of `python -m tests.load.run` (its "deadline
scenario" table for `--users`) or of a cluster fault run (`python -m tests.cluster fault …`), or
measured now (`--measure`: the load test at 50 users for 20 s), or by default the figures below,
copied from the cluster's kill-app run at 50 users on this 2-core machine. From them, with one
assumption (a POST costs `--write-weight` GETs, from the in-process profile in README: an entry
page 4.9 ms, a save 10.4 ms), the CPU cost of a page and of a write per core.

With a cluster run's output (or by default) the cost is the application hosts' own CPU per request
as the run measured it (`CPU seconds used in the run`, over HAProxy's count of requests), and
PostgreSQL's share beside it; with the load test's, the machine's cores over the rates served
(pessimistic: Locust and PostgreSQL share those cores).

The modelled part: the national deadline (every figure an option, all printed beside the result):
offices, the share of them saving in the last 24 hours and in the last hour, how much busier the
busiest minute is than that hour's average, saves and page views per report, reviewers' reads
and approvals per report, and signing (bulk printing) per approved report on the worker hosts.

The application cores needed are the fewest for which an M/M/c queue (Erlang C) of the peak
minute's requests keeps the 99th percentile of a save (its wait, plus `--service-p99` times its
mean service) within the target; the hosts are those cores in hosts of `--host-cores`, plus one
spare so that losing a host at the deadline (python -m tests.cluster fault kill-app) keeps the
target. The database host is sized by the share of CPU PostgreSQL used beside the app in the
cluster runs (`--db-share`).
"""

import argparse
import math
import re
import subprocess
import sys
from pathlib import Path

# The cluster's redis-down run at 50 users, 60 s (commit 6c1857d; 2 application hosts × 3 workers,
# PgBouncer, PostgreSQL, Redis, a worker, HAProxy with TLS and Locust, on this machine's 2 cores):
# the deadline scenario's rates, and the CPU the hosts used over the run's 7,486 requests.
DEFAULT_RATES = {
    "approve (POST)": 3.4,
    "entry page": 53.4,
    "inbox": 3.9,
    "login page (anchor)": 0.7,
    "report page (reviewer)": 3.4,
    "save (POST)": 40.1,
    "submit (POST)": 13.1,
    "table page ?scores=1": 0.7,
}
DEFAULT_CPU = {"app1": 27.0, "app2": 26.0, "db": 22.0, "requests": 7486}
DEFAULT_SOURCE = "the cluster's redis-down run, 50 users (README 'Deployment at national scale')"
ROW = re.compile(r"^\s{4}(\S.*?)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")


def rates_from(text: str, users: int) -> dict[str, float]:
    """Requests/s of each kind in the deadline scenario's table of `text` (for `users`, if the
    output has several blocks)."""
    block = text
    marker = re.search(rf"^== {users} users .*?$", text, re.M)
    if marker:
        block = text[marker.end() :]
        following = re.search(r"^== \d+ users", block, re.M)
        block = block[: following.start()] if following else block
    start = re.search(r"deadline scenario[^\n]*\n\s+request\s+count[^\n]*\n", block)
    if not start:
        raise SystemExit("no deadline scenario table in that output")
    rates = {}
    for line in block[start.end() :].splitlines():
        match = ROW.match(line)
        if not match:
            break
        rates[match.group(1)] = float(match.group(4))
    return rates


def cpu_from(text: str) -> dict | None:
    """CPU seconds by host and the requests HAProxy logged, from a cluster fault run's output."""
    line = re.search(r"^CPU seconds used in the run[^:]*\):(.*)$", text, re.M)
    requests = re.search(r"HAProxy's log of the run: (\d+) requests", text)
    if not line or not requests:
        return None
    used = {host: float(value) for host, value in re.findall(r"(\w+) ([\d.]+)", line.group(1))}
    return {**used, "requests": int(requests.group(1))}


def erlang_c(servers: int, load: float) -> float:
    """Probability that a request waits, M/M/c with `load` = arrival rate × mean service (< servers)."""
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= load / k
        total += term
    term *= load / servers
    last = term * servers / (servers - load)
    return last / (total + last)


def save_p99(
    servers: int, arrivals: float, service: float, save_service: float, service_p99: float
) -> float:
    """p99 of a save (seconds): the wait's 99th percentile plus the save's own p99 service."""
    load = arrivals * service
    if load >= servers:
        return math.inf
    waits = erlang_c(servers, load)
    wait = math.log(waits / 0.01) / (servers / service - arrivals) if waits > 0.01 else 0.0
    return wait + service_p99 * save_service


def peak(args, reports_peak: float, page: float, write: float):
    """(GETs/s, POSTs/s, requests/s, mean service, application cores for the target) at a peak of
    `reports_peak` reports a second; cores None if no number meets the target."""
    get_rate = reports_peak * (
        args.entry_pages + args.other_pages + args.review_share * args.reviewer_reads
    )
    post_rate = reports_peak * (
        args.saves + 1 + args.review_share
    )  # saves, the submit, the approval
    arrivals = get_rate + post_rate
    service = (get_rate * page + post_rate * write) / arrivals
    if args.service_p99 * write * 1000 > args.target_ms:
        return get_rate, post_rate, arrivals, service, None
    cores = max(1, math.ceil(arrivals * service))
    while save_p99(cores, arrivals, service, write, args.service_p99) * 1000 > args.target_ms:
        cores += 1
    return get_rate, post_rate, arrivals, service, cores


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    measured = parser.add_argument_group("measured")
    measured.add_argument(
        "--load-output", help="saved output of tests.load.run or a cluster fault run"
    )
    measured.add_argument(
        "--measure", action="store_true", help="run the load test (50 users, 20 s) now"
    )
    measured.add_argument("--users", type=int, default=50)
    measured.add_argument(
        "--cores", type=float, default=2, help="cores of the machine (load test output)"
    )
    measured.add_argument("--write-weight", type=float, default=2.1, help="a POST's cost in GETs")
    measured.add_argument(
        "--service-p99", type=float, default=3.0, help="a save's p99 service in its means"
    )
    model = parser.add_argument_group("the national deadline")
    model.add_argument("--offices", type=int, default=23_667)
    model.add_argument(
        "--last-day", type=float, default=0.5, help="share of offices saving in the last 24 h"
    )
    model.add_argument(
        "--last-hour", type=float, default=0.1, help="share of offices saving in the last hour"
    )
    model.add_argument(
        "--burst", type=float, default=3.0, help="busiest minute against the last hour's mean"
    )
    model.add_argument("--saves", type=float, default=8, help="saves per report")
    model.add_argument("--entry-pages", type=float, default=12, help="entry page views per report")
    model.add_argument(
        "--other-pages",
        type=float,
        default=6,
        help="other page views per report (home, table, PDF)",
    )
    model.add_argument(
        "--reviewer-reads", type=float, default=4, help="reviewers' page views per report"
    )
    model.add_argument(
        "--review-share",
        type=float,
        default=1.0,
        help="share of the reports reviewed in the same last hour",
    )
    model.add_argument(
        "--sign-seconds",
        type=float,
        default=0.3,
        help="a report's render + sign (README: 200–300 ms)",
    )
    model.add_argument("--target-ms", type=float, default=250)
    model.add_argument("--host-cores", type=int, default=4)
    model.add_argument(
        "--db-share",
        type=float,
        default=0.4,
        help="PostgreSQL and PgBouncer's CPU per application CPU (cluster runs: 0.37, 0.42)",
    )
    args = parser.parse_args()

    source, rates, cpu = DEFAULT_SOURCE, DEFAULT_RATES, DEFAULT_CPU
    if args.measure:
        run = subprocess.run(
            [sys.executable, "-m", "tests.load.run", "--users", str(args.users), "--seconds", "20"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        rates, cpu = rates_from(run.stdout, args.users), None
        source = f"the load test run now ({args.users} users, 20 s)"
    elif args.load_output:
        text = Path(args.load_output).read_text()
        rates, cpu, source = rates_from(text, args.users), cpu_from(text), args.load_output

    if not rates:
        raise SystemExit(f"no requests in the deadline scenario table of {source}")
    gets = sum(rate for name, rate in rates.items() if "POST" not in name)
    posts = sum(rate for name, rate in rates.items() if "POST" in name)
    weight = (gets + args.write_weight * posts) / (gets + posts)  # a request's mean cost in GETs
    if cpu:  # the application hosts' own CPU per request (a cluster run)
        app_cpu = sum(seconds for host, seconds in cpu.items() if host.startswith("app"))
        page = app_cpu / cpu["requests"] / weight  # core-seconds of a GET
        args.db_share = cpu["db"] / app_cpu
        how = (
            f"the application hosts used {app_cpu:.0f} CPU seconds for {cpu['requests']:,} requests, "
            f"PostgreSQL and PgBouncer {cpu['db']:.0f}"
        )
    else:  # the whole machine's cores per request (Locust and PostgreSQL on them too: pessimistic)
        page = args.cores / (gets + args.write_weight * posts)
        how = f"served on {args.cores:g} cores (shared with Locust and PostgreSQL)"
    write = args.write_weight * page

    reports_peak = (
        args.offices * args.last_hour / 3600 * args.burst
    )  # reports per second, busiest minute
    get_rate, post_rate, arrivals, service, cores = peak(args, reports_peak, page, write)
    if cores is None:
        print(
            f"a save's own p99 service ({args.service_p99 * write * 1000:.0f} ms) exceeds the target: "
            "no number of hosts meets it"
        )
        return 1
    app_hosts = math.ceil(cores / args.host_cores) + 1
    p99 = save_p99(cores, arrivals, service, write, args.service_p99) * 1000
    signing_cores = math.ceil(
        reports_peak / args.burst * args.review_share * args.sign_seconds / 0.7
    )
    db_cores = math.ceil(cores * args.db_share)
    day_reports = args.offices * args.last_day

    print(f"Measured ({source}):")
    print(f"  the deadline scenario: {gets:.1f} GETs/s and {posts:.1f} POSTs/s; {how}")
    print(
        f"  a POST taken as {args.write_weight:g} GETs: a page {page * 1000:.1f} ms of a core, a write "
        f"{write * 1000:.1f} ms"
    )
    print("Assumed (the national deadline):")
    print(
        f"  {args.offices:,} offices, one quarterly report each; {args.last_day:.0%} of them ({day_reports:,.0f}) save "
        f"in the last 24 h, {args.last_hour:.0%} ({args.offices * args.last_hour:,.0f}) in the last hour, the busiest "
        f"minute {args.burst:g}× that hour's mean: {reports_peak:.2f} reports/s"
    )
    print(
        f"  per report: {args.saves:g} saves, {args.entry_pages:g} entry page views, {args.other_pages:g} other "
        f"pages, a submit; {args.review_share:.0%} reviewed in that hour: {args.reviewer_reads:g} reviewer reads "
        f"and an approval; signing {args.sign_seconds:g} s a report on the worker hosts (bulk prints reuse it)"
    )
    print(
        f"  => at the peak: {get_rate:.0f} GETs/s and {post_rate:.0f} POSTs/s ({arrivals:.0f} requests/s, "
        f"mean {service * 1000:.1f} ms of a core); a save's own p99 {args.service_p99:g}× its mean"
    )
    print(f"Result (p99 of a save ≤ {args.target_ms:g} ms, M/M/c):")
    print(
        f"  application: {cores} cores busy at {arrivals * service / cores:.0%} (save p99 {p99:.0f} ms) "
        f"= {app_hosts} hosts of {args.host_cores} cores ({app_hosts - 1} + 1 spare to lose one at the deadline)"
    )
    print(
        f"  database: 1 PostgreSQL host of {max(4, db_cores)} cores ({args.db_share:.0%} of the app's CPU, "
        f"{db_cores} needed) "
        f"+ 1 streaming standby, PgBouncer on it in transaction mode"
    )
    print(
        f"  workers (signing, bulk print): {max(1, signing_cores)} cores at 70 % (the hour's approvals as they come)"
        f"; Redis: 1 small host (append-only file); load balancer: 2 small hosts (HAProxy, one standing by)"
    )
    print("If more of the offices left it to the last hour (the rest as above):")
    for share in (0.25, 0.5, 1.0):
        *_, needed = peak(args, args.offices * share / 3600 * args.burst, page, write)
        print(
            f"  {share:4.0%} in the last hour: {needed} application cores = "
            f"{math.ceil(needed / args.host_cores) + 1} hosts of {args.host_cores} (with the spare)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
