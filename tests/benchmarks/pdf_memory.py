"""Benchmark: a worker's resident memory over many PDF renders of the 120-indicator plan.

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.pdf_memory [--renders 100] [--fresh-renderer]
Prints the resident set size (RSS) every ten renders and its growth after the first ten.
--fresh-renderer builds new fonts and stylesheets for every render (as before they were shared),
to compare. Uses a throwaway test database (DATABASE_URL, SQLite by default).
"""

import argparse
import os
import time


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        resident_pages = int(handle.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--indicators", type=int, default=120)
    parser.add_argument("--fresh-renderer", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from reports.pdf import render as pdf
    from reports.quarters.selectors import quarter_table
    from tests.benchmarks.common import throwaway_database
    from tests.factories import make_plan

    with throwaway_database():
        plan = make_plan(indicators=args.indicators)
        print(
            f"{args.indicators} indicators, {args.renders} renders"
            f"{', fresh renderer state each time' if args.fresh_renderer else ''}; RSS before: {rss_mib():.1f} MiB"
        )
        print(f"{'renders':>7} {'RSS MiB':>8} {'ms/render':>9}")
        after_ten = None
        start = time.perf_counter()
        for number in range(1, args.renders + 1):
            if args.fresh_renderer:
                pdf._thread_state.__dict__.clear()
            pdf.render_report_pdf(quarter_table(plan_id=plan.pk, quarter=1), draft=True)
            if number == 10:
                after_ten = rss_mib()
            if number == 1 or number % 10 == 0:
                elapsed = (time.perf_counter() - start) * 1000 / (1 if number == 1 else 10)
                print(f"{number:>7} {rss_mib():>8.1f} {elapsed:>9.0f}")
                start = time.perf_counter()
        if after_ten is not None:
            print(f"growth after the first ten renders: {rss_mib() - after_ten:+.1f} MiB")


if __name__ == "__main__":
    main()
