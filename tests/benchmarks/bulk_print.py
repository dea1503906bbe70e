"""Benchmark: bulk-printing generated reports with real Celery workers, against the sum of
single-report render+sign times.

Run by hand, not by CI (under the benchmark lock on a shared machine):
    .venv/bin/python -m tests.benchmarks.bulk_print [--reports 100 500] [--workers 1 2] [--repeat 3]
        [--indicators 12] [--worker-logs DIR]

Needs Redis (REDIS_BENCH_URL, default redis://127.0.0.1:6379/5, flushed first). Uses a throwaway
test database: PostgreSQL when DATABASE_URL names one (recommended: workers write at the same
time), else an SQLite file. Every run starts from unsigned reports, starts a fresh worker as the
README says (`celery -A egov_plan worker --concurrency W -O fair`: W worker processes), waits
until it answers, sends one bulk-print job and times it until the zip is written. The baseline
produces the signed PDF of a sample of the same reports one by one in this process (render + sign
+ store, as the PDF benchmark's render+sign column; median × number of reports), measured again
before each run. Each line is the median of `--repeat` runs (wall time and baseline); `load` is
the machine's 1-minute load average after the last of them (the machine may be shared).
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def uptime() -> str:
    """`uptime`, in UTC (Django has set TZ to the project's time zone)."""
    return (
        "uptime: "
        + subprocess.run(
            ["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}
        ).stdout.strip()
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--indicators", type=int, default=12, help="indicators per generated plan")
    parser.add_argument(
        "--sample", type=int, default=10, help="reports timed one by one for the baseline"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per line (their median is printed)"
    )
    parser.add_argument(
        "--worker-logs", type=Path, help="keep each worker's log (level info) in this folder"
    )
    args = parser.parse_args()

    broker = os.getenv("REDIS_BENCH_URL", "redis://127.0.0.1:6379/5")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    os.environ.pop("REDIS_URL", None)  # this process builds data and times the baseline in-process
    workdir = Path(tempfile.mkdtemp(prefix="bulk-bench-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["SIGNING_PKCS12_PATH"] = str(workdir / "bench.p12")
    import django

    django.setup()
    import redis
    from celery import Celery
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from egov_plan.offices.models import Office
    from egov_plan.offices.tree import office_create
    from reports.bulk.models import BulkPrintJob
    from reports.pdf import render as pdf
    from reports.pdf.models import SignedDocument
    from reports.pdf.signing import create_development_certificate
    from reports.quarters.models import QuarterlyReport
    from reports.quarters.selectors import quarter_table
    from tests.factories import make_plan

    create_development_certificate(
        Path(settings.SIGNING_PKCS12_PATH), settings.SIGNING_PKCS12_PASSPHRASE
    )
    if connection.vendor == "sqlite":
        settings.DATABASES["default"]["TEST"] = {"NAME": str(workdir / "bench.sqlite3")}
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{db['NAME']}"
    else:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        database_url = f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": broker}
    client = Celery(broker=broker, backend=broker)
    print(uptime(), flush=True)
    try:
        largest = max(args.reports)
        print(
            f"database: {connection.vendor}; generating {largest} approved reports of "
            f"{args.indicators} indicators…",
            flush=True,
        )
        user = get_user_model().objects.create_user("bench", password="a-long-bench-secret")
        # One root per size, each under the next larger one; office n goes under the smallest
        # root that counts it, so the root of size N has N offices with a plan under it.
        roots = {}
        parent = None
        for size in sorted(args.reports, reverse=True):
            parent = roots[size] = office_create(
                name=f"বেঞ্চমার্ক {size}", code=f"BENCH-{size}", parent=parent
            )
        plans = []
        for n in range(largest):
            home = roots[min(size for size in roots if n < size)]
            plans.append(
                make_plan(
                    indicators=args.indicators,
                    office_name=f"বেঞ্চমার্ক দপ্তর {n:04d}",
                    parent=Office.objects.get(pk=home.pk),
                )
            )
        QuarterlyReport.objects.filter(plan__in=plans, quarter=1).update(
            status="approved", revision=1
        )

        # Baseline: render + sign one report at a time, in this process; measured again before
        # every run, so that a run and its baseline see the same load on a shared machine.
        pdf.render_report_pdf(quarter_table(plan_id=plans[0].pk, quarter=1), draft=False)  # warm up

        def single_report_seconds() -> float:
            """Render + sign + store one report, as the PDF benchmark's render+sign column does."""
            times = []
            for plan in plans[: args.sample]:
                report = QuarterlyReport.objects.get(plan=plan, quarter=1)
                SignedDocument.objects.filter(report=report).delete()
                start = time.perf_counter()
                pdf.signed_report_pdf(report=report)
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        print(
            f"single report render+sign: median of {args.sample} reports, measured before each run; "
            f"each line: median of {args.repeat} runs"
        )
        print(
            f"{'reports':>7} {'workers':>7} {'single ms':>9} {'wall s':>8} {'sum s':>8} {'wall/sum':>8} "
            f"{'wall×workers/sum':>16} {'speed-up':>8} {'load':>5}"
        )

        def run(root, workers: int, log: Path | None) -> tuple[float, str]:
            """One job under `root` on a fresh worker of `workers` processes: (wall seconds, status)."""
            SignedDocument.objects.all().delete()
            redis.Redis.from_url(broker).flushdb()
            job = BulkPrintJob.objects.create(
                requested_by=user, root_office=root, start_year=2022, quarter=1
            )
            out = open(log, "wb") if log else subprocess.DEVNULL
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "egov_plan",
                    "worker",
                    "--concurrency",
                    str(workers),
                    "-O",
                    "fair",
                    "--loglevel",
                    "info" if log else "warning",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--hostname",
                    f"bench-{workers}@localhost",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                while not client.control.ping(timeout=0.5):
                    time.sleep(0.2)
                start = time.perf_counter()
                client.send_task("reports.tasks.bulk_print", args=[str(job.pk)])
                while True:
                    job.refresh_from_db()
                    if job.status in (BulkPrintJob.DONE, BulkPrintJob.FAILED):
                        break
                    time.sleep(0.1)
                wall = time.perf_counter() - start
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
                if log:
                    out.close()
            return wall, job.status if job.status == BulkPrintJob.DONE else f"FAILED: {job.error}"

        if args.worker_logs:
            args.worker_logs.mkdir(parents=True, exist_ok=True)
        for size, root in sorted(roots.items()):
            one_worker = None
            for workers in sorted(args.workers):
                singles, walls = [], []
                for attempt in range(args.repeat):
                    singles.append(single_report_seconds())
                    log = (
                        args.worker_logs / f"{size}-{workers}-{attempt}.log"
                        if args.worker_logs
                        else None
                    )
                    wall, status = run(root, workers, log)
                    if status != BulkPrintJob.DONE:
                        print(f"{size:>7} {workers:>7} {status}")
                        break
                    walls.append(wall)
                if len(walls) < args.repeat:
                    continue
                single, wall = statistics.median(singles), statistics.median(walls)
                one_worker = one_worker or (wall if workers == 1 else None)
                total = single * size
                speedup = f"{one_worker / wall:.2f}" if one_worker else "-"
                print(
                    f"{size:>7} {workers:>7} {single * 1000:>9.0f} {wall:>8.1f} {total:>8.1f} {wall / total:>8.2f} "
                    f"{wall * workers / total:>16.2f} {speedup:>8} {os.getloadavg()[0]:>5.1f}"
                    f"   (runs: {', '.join(f'{w:.1f}' for w in walls)} s)",
                    flush=True,
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        print(uptime())


if __name__ == "__main__":
    main()
