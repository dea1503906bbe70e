"""Builders for plans of any size, for query-count tests and the benchmark."""

import datetime
import itertools
from decimal import Decimal

from egov_plan.core import scoring
from egov_plan.core.bangla import to_bengali_digits
from egov_plan.offices.models import Office
from egov_plan.offices.tree import office_create
from egov_plan.plans.models import (
    ActionPlan,
    Activity,
    FiscalYear,
    Indicator,
    PerformanceArea,
    Signatory,
)
from reports.quarters.models import Achievement, QuarterlyReport


def make_plan(
    *,
    indicators: int = 60,
    office_name: str = "পরীক্ষামূলক দপ্তর",
    start_year: int = 2022,
    areas: int = 3,
    activities_per_area: int = 4,
    title: str = ActionPlan.DEFAULT_TITLE,
    parent: Office | None = None,
) -> ActionPlan:
    """A plan of `indicators` indicators spread over areas and activities, units cycling
    date → percent → count, with first-quarter achievements on every other indicator."""
    office = Office.objects.filter(name=office_name).first() or office_create(
        name=office_name, location="ঢাকা", parent=parent
    )
    fiscal_year, _ = FiscalYear.objects.get_or_create(start_year=start_year)
    plan = ActionPlan.objects.create(
        office=office, fiscal_year=fiscal_year, title=title, total_marks=Decimal(indicators)
    )
    report = QuarterlyReport.objects.create(plan=plan, quarter=1)
    units = itertools.cycle([scoring.DATE, scoring.PERCENT, scoring.COUNT])
    slots = areas * activities_per_area
    per_activity = [
        indicators // slots + (1 if i < indicators % slots else 0) for i in range(slots)
    ]
    serial = 0
    for a in range(areas):
        area_count = sum(per_activity[a * activities_per_area : (a + 1) * activities_per_area])
        area = PerformanceArea.objects.create(
            plan=plan, number=a + 1, title=f"ক্ষেত্র {a + 1}", weight=Decimal(area_count)
        )
        for b in range(activities_per_area):
            activity = Activity.objects.create(
                area=area, number=b + 1, title=f"কার্যক্রম {a + 1}.{b + 1}"
            )
            for c in range(per_activity[a * activities_per_area + b]):
                unit = next(units)
                indicator = Indicator(
                    activity=activity,
                    number=c + 1,
                    title=f"সূচক {serial}",
                    unit=unit,
                    weight=Decimal(1),
                    calculation_method=scoring.DEFAULT_CALCULATION[unit],
                )
                if unit == scoring.DATE:
                    first = datetime.date(start_year + 1, 3, 1)
                    indicator.set_targets(
                        [first + datetime.timedelta(days=7 * k) for k in range(5)]
                    )
                elif unit == scoring.PERCENT:
                    indicator.set_targets([Decimal(v) for v in (90, 80, 70, 60, 50)])
                else:
                    indicator.set_targets([Decimal(5), Decimal(4), Decimal(3), None, Decimal(1)])
                indicator.save()
                if serial % 2 == 0:
                    achievement = Achievement(report=report, indicator=indicator)
                    achievement.set_value(
                        datetime.date(start_year + 1, 3, 10) if unit == scoring.DATE else Decimal(3)
                    )
                    achievement.save()
                serial += 1
    Signatory.objects.create(plan=plan, order=1, name="স্বাক্ষরকারী", line_1="পদবি")
    return plan


STATUS_CYCLE = [
    None,
    QuarterlyReport.DRAFT,
    QuarterlyReport.SUBMITTED,
    QuarterlyReport.RETURNED,
    QuarterlyReport.APPROVED,
]


def make_offices(
    parent: Office,
    count: int,
    *,
    tier: str = "upazila",
    start_year: int = 2022,
    name: str = "উপজেলা নির্বাহী অফিসারের কার্যালয়",
    quarter: int = 1,
    code_prefix: str = "",
) -> list[Office]:
    """`count` offices under `parent`, all of one name (as the country has), told apart by location;
    each with an (empty) plan and a report for `quarter` whose status cycles through
    not started → draft → submitted → returned → approved, and marks rising with the index."""
    fiscal_year, _ = FiscalYear.objects.get_or_create(start_year=start_year)
    offices = [
        office_create(
            name=name,
            location=to_bengali_digits(f"স্থান {i:03d}"),
            tier=tier,
            code=f"{parent.code}-{code_prefix}{i:03d}",
            parent=parent,
        )
        for i in range(count)
    ]
    plans = ActionPlan.objects.bulk_create(
        [ActionPlan(office=o, fiscal_year=fiscal_year, total_marks=50) for o in offices]
    )
    reports = []
    for i, plan in enumerate(plans):
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        if status is not None:
            reports.append(
                QuarterlyReport(plan=plan, quarter=quarter, status=status, score=Decimal(i % 50))
            )
    QuarterlyReport.objects.bulk_create(reports)
    return offices


def lengthen_titles(plan: ActionPlan) -> ActionPlan:
    """Real titles are long and wrap over several lines: make the plan's rows as tall as real ones."""
    for activity in Activity.objects.filter(area__plan=plan):
        activity.title = (
            "৪র্থ শিল্প বিপ্লবের সম্ভাব্য চ্যালেঞ্জ মোকাবেলায় আইন/পলিসি/ কর্মপরিকল্পনা প্রণয়ন " + activity.title
        )
        activity.save()
    for indicator in Indicator.objects.filter(activity__area__plan=plan):
        indicator.title = (
            "ইতিপূর্বে বাস্তবায়িত উদ্ভাবনী ধারণা, সহজিকৃত ও ডিজিটাইজকৃত সেবার ডাটাবেজ " + indicator.title
        )
        indicator.save()
    return plan
