"""Benchmark: server time of the entry page (GET) and of a value-changing save (POST).

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.entry_page [--runs 30] [--profile]
Uses a throwaway test database on whatever DATABASE_URL names (SQLite by default), with the seed
year's reporting calendar. Every save changes every value (alternating between two sets), so each
one writes history rows and rescores the plan, as an officer's save does, and is posted URL-encoded,
as the browser sends a save with no file (static/js/entry-form.js); the login page is measured
alongside as the anchor. Each save's time is also split into the Python CPU the process spent on
it (time.process_time) and the time it waited on the database's statements (an execute wrapper;
the commit not included), medians of the same runs.
`--profile` prints a pyinstrument profile of each (pip install pyinstrument; not a requirement).
"""

import argparse
import os
import statistics
import time
from urllib.parse import urlencode

URLENCODED = "application/x-www-form-urlencoded"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from egov_plan.accounts.models import Membership
    from tests.benchmarks.common import load_seed, median_ms, throwaway_database
    from tests.entry_values import save_data
    from tests.factories import make_plan
    from tests.html_forms import form_data

    with throwaway_database():
        from django.contrib.auth import get_user_model

        seed = load_seed()
        big = make_plan(indicators=60, office_name="বেঞ্চমার্ক দপ্তর")
        # A year in service has its reporting calendar (due dates per quarter): the pages read it.
        from reports.calendar.deadlines import calendar_create

        calendar_create(fiscal_year=seed.fiscal_year)
        print(
            f"database: {connection.vendor}; {args.runs} runs each; median (min–max) in ms; queries"
        )
        anchor = Client()

        def login_page(i=0):
            assert anchor.get("/accounts/login/").status_code == 200

        print(
            f"{'login page (anchor)':34} {'GET':5} %7.2f (%.2f–%.2f)"
            % median_ms(login_page, args.runs)
        )
        for n, (label, plan) in enumerate(
            (("seed report (12 indicators)", seed), ("generated plan (60 indicators)", big))
        ):
            user = get_user_model().objects.create_user(f"bench{n}", password="a-long-bench-secret")
            Membership.objects.create(user=user, office=plan.office, role=Membership.OFFICER)
            client = Client()
            client.force_login(user)
            path = f"/plans/{plan.pk}/quarters/2/edit/"
            indicators = [
                row
                for row in form_data(client.get(path).content.decode(), "entry-form")
                if row.startswith("value_")
            ]

            def get(i=0):
                assert client.get(path).status_code == 200

            def save(i=0):
                page = client.get(path)  # the seen_* tokens of what is stored now
                data = save_data(form_data(page.content.decode(), "entry-form"), plan, round_=i)
                body = urlencode(data, doseq=True)
                waited = []
                with connection.execute_wrapper(
                    lambda execute, *query: _timed(waited, execute, *query)
                ):
                    start, cpu = time.perf_counter(), time.process_time()
                    response = client.post(path, body, content_type=URLENCODED)
                    save.times.append((time.perf_counter() - start) * 1000)
                    save.cpu.append((time.process_time() - cpu) * 1000)
                save.db.append(sum(waited) * 1000)
                assert response.status_code == 302, response.status_code

            def timed_get(kind: str) -> None:
                with CaptureQueriesContext(connection) as queries:
                    get()
                count = len(queries)  # (read now: the next request empties the log)
                print(
                    f"{label:34} {'GET':5} %7.2f (%.2f–%.2f)" % median_ms(get, args.runs)
                    + f"  {count}  ({kind})"
                )

            timed_get("the quarter not begun: no report yet")
            save.times, save.cpu, save.db = [], [], []
            save(1)
            save.times, save.cpu, save.db = [], [], []
            for i in range(args.runs):
                save(i)
            page = client.get(path)
            data = save_data(form_data(page.content.decode(), "entry-form"), plan, round_=args.runs)
            with CaptureQueriesContext(connection) as queries:
                client.post(path, urlencode(data, doseq=True), content_type=URLENCODED)
            print(
                f"{label:34} {'POST':5} {statistics.median(save.times):7.2f} "
                f"({min(save.times):.2f}–{max(save.times):.2f})  {len(queries)}"
                f"  ({len(indicators)} values changed each save)"
            )
            print(
                f"{'':34} {'':5} of which Python CPU {statistics.median(save.cpu):.2f}, "
                f"waiting on the database {statistics.median(save.db):.2f}"
            )
            timed_get("the draft, as after each save")
            if args.profile:
                from pyinstrument import Profiler

                for kind, run in (("GET", get), ("POST", save)):
                    profiler = Profiler(interval=0.0005)
                    with profiler:
                        for i in range(10):
                            run(i)
                    print(f"--- profile: {label} {kind} (10 runs)")
                    print(profiler.output_text(unicode=True, color=False, show_all=False))


def _timed(waited: list, execute, sql, params, many, context):
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        waited.append(time.perf_counter() - start)


if __name__ == "__main__":
    main()
