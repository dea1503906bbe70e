"""Marks to date of every quarterly report of a plan, stored on the report.

A report's score is the plan's total as its table prints it (`?scores=1`): each indicator's
quarterly values rolled up to that quarter by its calculation method, scored against its targets
by the plan's scoring method. Stored so that dashboards sort, filter and chart by it in the
database; recomputed whenever values, targets or the plan's structure change (three queries,
two when the caller has the indicators, however many indicators and reports the plan has).
"""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Value, When

from egov_plan import scoring
from egov_plan.fiscal import QUARTERS
from egov_plan.models import ActionPlan, Indicator
from reports.models import Achievement, Assessment, QuarterlyReport


def plan_scores(plan: ActionPlan, indicators: list[Indicator], values: dict[int, list]) -> dict[int, Decimal]:
    """quarter → total marks to date, from the indicators and their quarterly values."""
    totals = {}
    for quarter in QUARTERS:
        totals[quarter] = scoring.total(
            scoring.indicator_score(unit=i.unit, weight=i.weight, targets=i.targets,
                                    value=scoring.roll_up(i.calculation_method, values.get(i.pk, [])[:quarter]),
                                    method=plan.scoring_method)
            for i in indicators)
    return totals


def rescore_plan(*, plan_id: int, plan: ActionPlan | None = None, indicators: list[Indicator] | None = None) -> None:
    """Store every quarter's marks to date: the indicators (unless given, with their `plan`), the
    plan's quarterly values, and one UPDATE of the plan's reports, a CASE by quarter (a quarter with
    no report updates nothing)."""
    if plan is None or indicators is None:
        plan = ActionPlan.objects.get(pk=plan_id)
        indicators = list(Indicator.objects.filter(activity__area__plan_id=plan_id))
    values: dict[int, list] = {}
    for indicator_id, quarter, value_date, value_number in Achievement.objects.filter(
            report__plan_id=plan_id).values_list("indicator_id", "report__quarter", "value_date", "value_number"):
        values.setdefault(indicator_id, [None] * len(QUARTERS))[quarter - 1] = (
            value_date if value_date is not None else value_number)
    totals = plan_scores(plan, indicators, values)
    updated = QuarterlyReport.objects.filter(plan_id=plan_id).update(score=Case(
        *[When(quarter=quarter, then=Value(total)) for quarter, total in totals.items()],
        output_field=DecimalField(max_digits=8, decimal_places=2)))
    if updated:  # a plan with no report yet has no marks to date
        _update_assessment_totals(plan_id, totals)


def _update_assessment_totals(plan_id: int, totals: dict[int, Decimal]) -> None:
    """The self-assessed totals of the plan's half-yearly and annual documents are the marks to date
    at quarter 2 and 4; a submitted annual self-assessment not yet evaluated ranks by it (one query)."""
    half, year = Value(totals[2]), Value(totals[4])
    Assessment.objects.filter(plan_id=plan_id).update(
        reported_total=Case(When(kind=Assessment.HALF_YEAR, then=half), default=year),
        ranking_total=Case(When(Q(kind=Assessment.ANNUAL, first_submitted_at__isnull=False)
                                & ~Q(status=Assessment.APPROVED), then=year), default=F("ranking_total")))
