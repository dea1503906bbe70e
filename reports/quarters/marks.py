"""Marks to date of every quarterly report of a plan, stored on the report.

A report's score is the plan's total as its table prints it (`?scores=1`): each indicator's
quarterly values rolled up to that quarter by its calculation method, scored against its targets
by the plan's scoring method. Stored so that dashboards sort, filter and chart by it in the
database; recomputed whenever values, targets or the plan's structure change (the plan's
reports locked first unless the caller holds them, then three queries, two when the caller has
the indicators, however many indicators and reports the plan has).
"""

import functools
from decimal import Decimal

from django.db import connections, transaction

from egov_plan import rowsql
from egov_plan.core import scoring
from egov_plan.core.fiscal import QUARTERS
from egov_plan.plans.models import ActionPlan, Indicator
from reports.quarters.models import QuarterlyReport
from reports.quarters.selectors import achievement_values
from reports.year.models import Assessment


def plan_scores(
    plan: ActionPlan, indicators: list[Indicator], values: dict[int, list]
) -> dict[int, Decimal]:
    """quarter → total marks to date, from the indicators and their quarterly values."""
    totals = {}
    for quarter in QUARTERS:
        totals[quarter] = scoring.total(
            scoring.indicator_score(
                unit=i.unit,
                weight=i.weight,
                targets=i.scored_targets,
                value=scoring.roll_up(i.calculation_method, values.get(i.pk, [])[:quarter]),
                method=plan.scoring_method,
            )
            for i in indicators
        )
    return totals


def lock_plan_reports(*, plan_id: int) -> None:
    """Lock every report row of a plan in id order, until the transaction ends. Whoever writes a
    plan's reports takes them this way first: the marks to date are one UPDATE of all of them, and
    writers each holding some rows while waiting for the others' would deadlock. (SQLite has no
    row locks: it serialises writers.)"""
    if not connections["default"].features.has_select_for_update:
        return
    col, t = functools.partial(rowsql.column, QuarterlyReport, "r"), rowsql.table(QuarterlyReport)
    rowsql.execute(
        f"SELECT {col('id')} FROM {t} r WHERE {col('plan')} = %s ORDER BY {col('id')} FOR UPDATE",
        [plan_id],
    )


def rescore_plan(
    *,
    plan_id: int,
    plan: ActionPlan | None = None,
    indicators: list[Indicator] | None = None,
    locked: bool = False,
) -> dict[int, Decimal]:
    """Store every quarter's marks to date: the indicators (unless given, with their `plan`), the
    plan's quarterly values, and one UPDATE of the plan's reports, a CASE by quarter (a quarter with
    no report updates nothing), and of the plan's documents' totals (on PostgreSQL in the same
    statement). Plain SQL (egov_plan.rowsql): every save runs it. `locked`: the caller holds
    `lock_plan_reports` already (else it is taken here). Returns the marks by quarter."""
    if not locked:
        with transaction.atomic():
            lock_plan_reports(plan_id=plan_id)
            return rescore_plan(plan_id=plan_id, plan=plan, indicators=indicators, locked=True)
    if plan is None or indicators is None:
        plan = ActionPlan.objects.get(pk=plan_id)
        indicators = list(Indicator.objects.filter(activity__area__plan_id=plan_id))
    values, _ = achievement_values(plan, len(QUARTERS))
    totals = plan_scores(plan, indicators, values)
    connection = connections["default"]
    col = functools.partial(rowsql.column, QuarterlyReport, "r")
    bare = functools.partial(rowsql.column, QuarterlyReport, None)
    cases = " ".join(["WHEN %s THEN %s"] * len(totals))
    scores_sql = (
        f"UPDATE {rowsql.table(QuarterlyReport)} AS r SET {bare('score')} = CASE {col('quarter')} {cases} END "
        f"WHERE {col('plan')} = %s"
    )
    scores_params = [
        p
        for quarter, total in totals.items()
        for p in (quarter, rowsql.prepared(QuarterlyReport, "score", total, connection))
    ] + [plan_id]
    totals_sql, totals_params = _assessment_totals(plan_id, totals)
    if connection.vendor == "postgresql":
        # One round trip: the reports' UPDATE as a data-modifying WITH, the documents' only where
        # it updated a report (as below). Both run to completion whether or not one is read.
        rowsql.execute(
            f"WITH updated AS ({scores_sql} RETURNING 1) {totals_sql} "
            "AND EXISTS (SELECT 1 FROM updated)",
            scores_params + totals_params,
        )
    elif rowsql.execute(scores_sql, scores_params):  # a plan with no report has no marks to date
        rowsql.execute(totals_sql, totals_params)
    return totals


def _assessment_totals(plan_id: int, totals: dict[int, Decimal]) -> tuple[str, list]:
    """The UPDATE (SQL, parameters; it ends with its WHERE) of the self-assessed totals of the plan's
    half-yearly and annual documents: the marks to date at quarter 2 and 4; a submitted annual
    self-assessment not yet evaluated ranks by it."""
    connection = connections["default"]
    col = functools.partial(rowsql.column, Assessment, "a")
    bare = functools.partial(rowsql.column, Assessment, None)
    half, year = (
        rowsql.prepared(Assessment, "reported_total", totals[q], connection) for q in (2, 4)
    )
    return (
        f"UPDATE {rowsql.table(Assessment)} AS a SET "
        f"{bare('reported_total')} = CASE WHEN {col('kind')} = %s THEN %s ELSE %s END, "
        f"{bare('ranking_total')} = CASE WHEN {col('kind')} = %s AND {col('first_submitted_at')} IS NOT NULL "
        f"AND {col('status')} <> %s THEN %s ELSE {col('ranking_total')} END "
        f"WHERE {col('plan')} = %s",
        [Assessment.HALF_YEAR, half, year, Assessment.ANNUAL, Assessment.APPROVED, year, plan_id],
    )
