"""Benchmark: the achievement upsert of a save, as written (one rowsql INSERT … ON CONFLICT DO
UPDATE … RETURNING) against Django's own `bulk_create(update_conflicts=True)` for the same rows.

Each run writes the 12 achievements of the seed report (alternating between two sets of values,
so every run changes every row: the deadline's save), in a savepoint of one transaction (the commit,
the same for both, is left out), and reads back the
new rows' ids as the save needs them for its history rows. Prints the median (min–max) in ms of
each, alternating the two in the same loop so that load on the machine falls on both alike, and
the ratio.

Run by hand, not by CI:  .venv/bin/python -m tests.benchmarks.upsert [--runs 200]
Uses a throwaway test database on whatever DATABASE_URL names (SQLite by default).
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from egov_plan import rowsql
    from egov_plan.plans.models import Indicator
    from reports.quarters.models import Achievement
    from reports.quarters.services import WRITTEN, report_for_quarter
    from tests.benchmarks.common import load_seed, throwaway_database

    with throwaway_database():
        plan = load_seed()
        report = report_for_quarter(plan=plan, quarter=1)
        user = get_user_model().objects.create_user("bench-upsert")
        indicators = list(
            Indicator.objects.filter(activity__area__plan=plan).values_list("pk", flat=True)
        )

        def rows(i: int) -> list[Achievement]:
            now = timezone.now()
            return [
                Achievement(
                    report=report,
                    indicator_id=pk,
                    value_number=Decimal(i % 2 * 10 + n % 7),
                    remarks=f"run {i % 2}",
                    updated_by=user,
                    updated_at=now,
                    updated_in_version=i,
                )
                for n, pk in enumerate(indicators)
            ]

        def with_rowsql(i: int) -> None:
            changed = rows(i)
            with transaction.atomic():
                returned = rowsql.insert(
                    Achievement,
                    WRITTEN,
                    [
                        [getattr(a, Achievement._meta.get_field(n).attname) for n in WRITTEN]
                        for a in changed
                    ],
                    conflict=["report", "indicator"],
                    update=WRITTEN[2:],
                    returning=["indicator", "id"],
                )
                ids = dict(
                    returned
                    if returned is not None
                    else report.achievements.values_list("indicator_id", "pk")
                )
            assert len(ids) == len(changed)

        def with_bulk_create(i: int) -> None:
            changed = rows(i)
            with transaction.atomic():
                Achievement.objects.bulk_create(
                    changed,
                    update_conflicts=True,
                    unique_fields=["report", "indicator"],
                    update_fields=WRITTEN[2:],
                )
                ids = {a.indicator_id: a.pk for a in changed}
                if any(pk is None for pk in ids.values()):  # no RETURNING on this database
                    ids = dict(report.achievements.values_list("indicator_id", "pk"))
            assert len(ids) == len(changed)

        ways = {
            "rowsql INSERT … ON CONFLICT": with_rowsql,
            "bulk_create(update_conflicts=True)": with_bulk_create,
        }
        times = {name: [] for name in ways}
        # All in one outer transaction (each run a savepoint): the commit's disk flush, the same
        # for both and most of a save's time on PostgreSQL, is left out of the comparison.
        with transaction.atomic():
            for way in ways.values():
                way(0)  # warm up
            for i in range(args.runs):
                for name, way in ways.items():
                    start = time.perf_counter()
                    way(i)
                    times[name].append((time.perf_counter() - start) * 1000)
        print(
            f"database: {connection.vendor}; {len(indicators)} achievements per save; {args.runs} runs each, "
            "alternating; median (min–max) in ms"
        )
        medians = {}
        for name, values in times.items():
            medians[name] = statistics.median(values)
            print(f"  {name:36} {medians[name]:7.3f} ({min(values):.3f}–{max(values):.3f})")
        plain, fast = (
            medians["bulk_create(update_conflicts=True)"],
            medians["rowsql INSERT … ON CONFLICT"],
        )
        print(f"  bulk_create / rowsql = {plain / fast:.2f}")


if __name__ == "__main__":
    main()
