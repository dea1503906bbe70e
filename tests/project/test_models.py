"""Database constraints of the plan and report models."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from egov_plan.plans.models import ActionPlan, Activity, Indicator, PerformanceArea
from reports.quarters.models import Achievement, QuarterlyReport

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_it_refuses_a_second_area_with_the_same_number(seed_plan):
    refused(lambda: PerformanceArea.objects.create(plan=seed_plan, number=1, title="x", weight=1))


def test_it_refuses_a_second_activity_with_the_same_number(seed_plan):
    area = seed_plan.areas.get(number=1)
    refused(lambda: Activity.objects.create(area=area, number=1, title="x"))


def test_it_refuses_a_second_indicator_with_the_same_number(seed_plan):
    activity = Activity.objects.get(area__plan=seed_plan, area__number=1, number=2)
    refused(
        lambda: Indicator.objects.create(
            activity=activity, number=2, title="x", unit="count", weight=1, calculation_method="sum"
        )
    )


def test_it_refuses_a_second_plan_with_the_same_office_year_and_title(seed_plan):
    refused(
        lambda: ActionPlan.objects.create(
            office=seed_plan.office, fiscal_year=seed_plan.fiscal_year, title=seed_plan.title
        )
    )


def test_it_refuses_a_second_report_for_the_same_quarter(seed_plan):
    refused(lambda: QuarterlyReport.objects.create(plan=seed_plan, quarter=1))


@pytest.mark.parametrize("quarter", [0, 5])
def test_it_refuses_a_quarter_outside_1_to_4(seed_plan, quarter):
    refused(lambda: QuarterlyReport.objects.create(plan=seed_plan, quarter=quarter))


def test_it_refuses_a_second_achievement_for_the_same_indicator(seed_plan):
    achievement = Achievement.objects.filter(report__plan=seed_plan).first()
    refused(
        lambda: Achievement.objects.create(
            report=achievement.report, indicator=achievement.indicator, value_number=Decimal(1)
        )
    )


def test_it_refuses_a_number_target_on_a_date_indicator(seed_plan):
    indicator = Indicator.objects.filter(activity__area__plan=seed_plan, unit="date").first()
    indicator.target_60_number = Decimal(5)
    refused(indicator.save)


def test_it_refuses_a_date_target_on_a_count_indicator(seed_plan):
    indicator = Indicator.objects.filter(activity__area__plan=seed_plan, unit="count").first()
    indicator.target_60_date = datetime.date(2023, 1, 1)
    refused(indicator.save)


def test_targets_are_stored_typed(seed_plan):
    dates = Indicator.objects.get(
        activity__area__plan=seed_plan, activity__area__number=1, activity__number=2, number=1
    )
    assert dates.targets == [
        datetime.date(2022, 10, 13),
        datetime.date(2022, 10, 27),
        datetime.date(2022, 11, 10),
        None,
        None,
    ]
    counts = Indicator.objects.get(
        activity__area__plan=seed_plan, activity__area__number=2, activity__number=1, number=1
    )
    assert counts.targets == [Decimal(4), Decimal(3), None, Decimal(2), None]


def test_codes_print_with_bengali_digits(seed_plan):
    indicator = Indicator.objects.select_related("activity__area").get(
        activity__area__plan=seed_plan, activity__area__number=2, activity__number=2, number=5
    )
    assert indicator.code == "২.২.৫"
    assert str(indicator.activity).startswith("[২.২] ")
    assert seed_plan.fiscal_year.label == "২০২২-২০২৩"
