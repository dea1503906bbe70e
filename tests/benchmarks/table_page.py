"""Benchmark: server time of the quarterly table page (median of several runs).

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.table_page [--runs 30]
Uses a throwaway test database on whatever DATABASE_URL names (SQLite by default). Served with the
floor experiment's pages beside the app's (tests/load/floor_settings.py), so that the bare signed-in
GET of tests/load/floor_app.py (middleware, session, user, CSRF and nothing else) is timed in the
same run as the anchor, and each table page is printed as a share of its rate.
"""

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.load.floor_settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from tests.benchmarks.common import load_seed, page_ms, throwaway_database
    from tests.factories import make_plan

    with throwaway_database():
        seed = load_seed()
        big = make_plan(indicators=60)
        client = Client()
        client.force_login(
            get_user_model().objects.create_user(  # staff see every plan
                "bench", password="a-long-bench-secret", is_staff=True
            )
        )
        print(
            f"database: {connection.vendor}; {args.runs} runs each; median (min–max) in ms; rate vs the bare GET"
        )
        bare = page_ms(client, f"/floor/bare/{seed.pk}/1/", args.runs)
        print(f"{'bare signed-in GET (anchor)':43} %7.2f (%.2f–%.2f)" % bare)
        for label, plan in (
            ("seed report (12 indicators)", seed),
            ("generated plan (60 indicators)", big),
        ):
            for query in ("", "?scores=1"):
                timed = page_ms(client, f"/plans/{plan.pk}/quarters/1/{query}", args.runs)
                print(
                    f"{label:32} {query or '(table)':10} %7.2f (%.2f–%.2f)" % timed
                    + f"  {bare[0] / timed[0]:.2f}×"
                )


if __name__ == "__main__":
    main()
