"""Benchmark: server time of the quarterly table page (median of several runs).

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.table_page [--runs 30]
Uses a throwaway test database on whatever DATABASE_URL names (SQLite by default).
"""

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
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
        client.force_login(get_user_model().objects.create_user(  # staff see every plan
            "bench", password="a-long-bench-secret", is_staff=True))
        print(f"database: {connection.vendor}; {args.runs} runs each; median (min–max) in ms")
        for label, plan in (("seed report (12 indicators)", seed), ("generated plan (60 indicators)", big)):
            for query in ("", "?scores=1"):
                print(f"{label:32} {query or '(table)':10} %7.2f (%.2f–%.2f)"
                      % page_ms(client, f"/plans/{plan.pk}/quarters/1/{query}", args.runs))


if __name__ == "__main__":
    main()
