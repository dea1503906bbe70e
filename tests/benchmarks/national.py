"""Benchmark: the pages reviewers use, at the national size (23,667 offices).

Run by hand, not by CI (PostgreSQL is the point; SQLite works too):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_plan \
        .venv/bin/python -m tests.benchmarks.national [--offices 23667] [--runs 7]

Builds, in a throwaway test database, the generated national office tree, a 14-indicator plan
template rolled out to every office, and four quarters of reports in mixed states; then prints
the median server time and the query count of the dashboard (top reviewer: first page, a filtered
page, the .xlsx download; a district reviewer), the inbox, the index and one table page.
"""

import argparse
import datetime
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offices", type=int, default=23667)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="build in DATABASE_URL's own database (which must be empty) and keep it, to profile",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from egov_plan.accounts.models import Membership
    from egov_plan.offices.models import Office, OfficeTier
    from egov_plan.plans.models import ActionPlan
    from reports.calendar.deadlines import calendar_create
    from reports.calendar.models import Deadline
    from reports.calendar.reminders import reminders_for
    from reports.plans.rollout import rollout_template, template_from_plan
    from reports.quarters.models import Achievement, QuarterlyReport, ReportTransition
    from tests.factories import make_plan

    setup_test_environment()
    if args.keep:
        call_command("migrate", verbosity=0)
    else:
        old_name = connection.creation.create_test_db(verbosity=0)
    try:
        started = time.perf_counter()
        call_command("generate_offices", "--count", str(args.offices), stdout=open(os.devnull, "w"))
        print(
            f"office tree: {Office.objects.count()} offices in {time.perf_counter() - started:.1f} s"
        )

        source = make_plan(indicators=14, office_name="নমুনা দপ্তর", areas=2, activities_per_area=3)
        template = template_from_plan(plan=source)
        top = Office.objects.get(code="CAB")
        started = time.perf_counter()
        result = rollout_template(template=template, under=top)
        print(f"roll-out: {result.created} plans created in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        statuses = ["draft", "submitted", "returned", "approved", "approved", "submitted"]
        plans = list(
            ActionPlan.objects.filter(template=template).order_by("pk").values_list("pk", flat=True)
        )
        reports = []
        for index, plan_id in enumerate(plans):
            for quarter in range(1, 5):
                if (index + quarter) % 7 == 0:
                    continue  # some offices have not started this quarter
                reports.append(
                    QuarterlyReport(
                        plan_id=plan_id,
                        quarter=quarter,
                        status=statuses[(index * quarter) % len(statuses)],
                        score=(index * 7 + quarter * 3) % 51,
                        version=1,
                    )
                )
        QuarterlyReport.objects.bulk_create(reports, batch_size=5000)
        QuarterlyReport.objects.filter(status="submitted").update(
            submitted_at=django.utils.timezone.now()
        )
        QuarterlyReport.objects.exclude(status="draft").update(
            first_submitted_at=django.utils.timezone.now()
        )
        # Their submissions, and the year's reporting calendar (upazilas with a later first quarter),
        # so that lateness and reminders have real work to do.
        ReportTransition.objects.bulk_create(
            [
                ReportTransition(report_id=pk, from_status="draft", to_status="submitted")
                for pk in QuarterlyReport.objects.exclude(status="draft").values_list(
                    "pk", flat=True
                )
            ],
            batch_size=5000,
        )
        calendar = calendar_create(fiscal_year=template.fiscal_year)
        Deadline.objects.create(
            calendar=calendar,
            tier=OfficeTier.objects.get(code="upazila"),
            period=1,
            due=datetime.date(2022, 10, 25),
        )
        print(f"reports: {len(reports)} in {time.perf_counter() - started:.1f} s")

        district = Office.objects.get(code="DC-0601")  # সিলেট
        sample = ActionPlan.objects.filter(office__path__startswith=district.path).first()
        report = QuarterlyReport.objects.get(plan=sample, quarter=1)
        Achievement.objects.bulk_create(
            [
                Achievement(report=report, indicator=i, value_number=3)
                for i in sample.areas.first().activities.first().indicators.all()
                if i.unit != "date"
            ]
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a load this size
        User = get_user_model()
        clients = {}
        for name, office in (("top", top), ("district", district)):
            user = User.objects.create_user(f"bench-{name}", password="a-long-bench-secret")
            Membership.objects.create(user=user, office=office, role=Membership.REVIEWER)
            clients[name] = Client()
            clients[name].force_login(user)

        pages = [
            ("dashboard, top reviewer, first page", "top", "/dashboard/?year=2022&quarter=1"),
            (
                "dashboard, top reviewer, filtered",
                "top",
                "/dashboard/?year=2022&quarter=2&tier=upazila&status=submitted&sort=score&dir=desc&page=2",
            ),
            (
                "dashboard, top reviewer, text search",
                "top",
                "/dashboard/?year=2022&quarter=1&q=ময়মনসিংহ",
            ),
            ("dashboard, top reviewer, late", "top", "/dashboard/?year=2022&quarter=1&status=late"),
            (
                "dashboard, top reviewer, xlsx (all rows)",
                "top",
                "/dashboard/export.xlsx?year=2022&quarter=1",
            ),
            ("dashboard, district reviewer", "district", "/dashboard/?year=2022&quarter=1"),
            ("inbox, top reviewer", "top", "/inbox/"),
            ("index, top reviewer", "top", "/"),
            ("table page (?scores=1)", "district", f"/plans/{sample.pk}/quarters/1/?scores=1"),
        ]
        print(
            f"\ndatabase: {connection.vendor}; {Office.objects.count()} offices; "
            f"median (min–max) of {args.runs} runs, in ms; queries per request"
        )
        for label, who, path in pages:
            client = clients[who]
            client.get(path)  # warm up
            times = []
            for _ in range(args.runs):
                begin = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(
                f"{label:44} {statistics.median(times):9.1f} ({min(times):.0f}–{max(times):.0f}) "
                f"{len(queries):4d} queries"
            )

        # Reminders on 12/10/22 (quarter 1 due 15/10 for all tiers but upazilas): every office
        # with an officer that has an address, the reviewers' digests.
        offices = list(Office.objects.values_list("pk", "code"))
        officers = User.objects.bulk_create(
            [
                User(username=f"bench-officer-{code}", email=f"{code}@example.gov.bd")
                for _, code in offices
            ],
            batch_size=5000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, office_id=pk, role=Membership.OFFICER)
                for user, (pk, _) in zip(officers, offices)
            ],
            batch_size=5000,
        )
        User.objects.filter(username__startswith="bench-").exclude(
            username__startswith="bench-officer-"
        ).update(email="reviewer@example.gov.bd")
        times = []
        for _ in range(args.runs):
            begin = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                due = reminders_for(datetime.date(2022, 10, 12))
            times.append((time.perf_counter() - begin) * 1000)
        print(
            f"{'send_reminders --dry-run (' + str(len(due)) + ' e-mails)':44} {statistics.median(times):9.1f} "
            f"({min(times):.0f}–{max(times):.0f}) {len(queries):4d} queries"
        )
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
