"""Benchmark: the annual page's sibling ranking (reports/dashboard/ranking.py) under a parent with thousands of
children (median of several runs, query count), and the whole annual page of one of them.

Run by hand:  DATABASE_URL=postgres://… .venv/bin/python -m tests.benchmarks.ranking [--siblings 5000] [--runs 15]
Uses a throwaway test database on whatever DATABASE_URL names (SQLite by default).
"""

import argparse
import os
import random
import statistics
import time
from decimal import Decimal


def build(siblings: int):
    from egov_plan.accounts.models import Membership
    from egov_plan.offices.models import Office
    from egov_plan.offices.tree import office_create, tier_for
    from egov_plan.plans.models import ActionPlan, FiscalYear
    from reports.year.models import Assessment
    from tests.conftest import make_user

    parent = office_create(
        name="জেলা প্রশাসকের কার্যালয়", tier="district", location="ময়মনসিংহ", code="DC-MYM"
    )
    tier = tier_for("upazila")
    offices = [
        Office(
            code=f"U{i:06d}",
            name="উপজেলা নির্বাহী অফিসারের কার্যালয়",
            location=f"স্থান {i}",
            tier=tier,
            depth=parent.depth + 1,
            numchild=0,
            path=Office._get_path(parent.path, parent.depth + 1, i + 1),
        )
        for i in range(siblings)
    ]
    Office.objects.bulk_create(offices, batch_size=2000)
    Office.objects.filter(pk=parent.pk).update(numchild=siblings)
    year, _ = FiscalYear.objects.get_or_create(start_year=2022)
    offices = list(
        Office.objects.filter(depth=parent.depth + 1, path__startswith=parent.path).order_by("path")
    )
    plans = ActionPlan.objects.bulk_create(
        [ActionPlan(office=o, fiscal_year=year, total_marks=50) for o in offices], batch_size=2000
    )
    rng = random.Random(7)
    Assessment.objects.bulk_create(
        [
            Assessment(
                plan=p,
                kind=Assessment.ANNUAL,
                status=rng.choice([Assessment.SUBMITTED, Assessment.APPROVED]),
                ranking_total=Decimal(rng.randint(0, 5000)) / 100,
            )
            for p in plans
        ],
        batch_size=2000,
    )
    middle = plans[siblings // 2]
    officer = make_user("bench-officer", offices[siblings // 2], Membership.OFFICER)
    return middle, officer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--siblings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.dashboard import ranking
    from reports.year.models import Assessment
    from tests.benchmarks.common import page_ms, throwaway_database

    with throwaway_database():
        plan, officer = build(args.siblings)
        plan = type(plan).objects.select_related("office", "fiscal_year").get(pk=plan.pk)
        own = Assessment.objects.get(plan=plan, kind=Assessment.ANNUAL)
        times = []
        for _ in range(args.runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                result = ranking.ranking(plan, own)
                times.append((time.perf_counter() - start) * 1000)
        print(f"database: {connection.vendor}; {args.siblings} siblings; {args.runs} runs")
        print(
            f"ranking(): median {statistics.median(times):.2f} ms ({min(times):.2f}–{max(times):.2f}), "
            f"{len(queries)} queries, rank {result.rank} of {result.count}, {len(result.rows)} rows listed"
        )
        client = Client()
        client.force_login(officer)
        path = f"/plans/{plan.pk}/annual/"
        print(
            "annual page (empty plan): median {:.2f} ms ({:.2f}–{:.2f})".format(
                *page_ms(client, path, args.runs)
            )
        )


if __name__ == "__main__":
    main()
