"""The table a half-yearly or annual document prints and shows: the quarters' achievements rolled
up to the half-year or the year, the evaluated values beside them, the marks; and its due date."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov_plan.core import bangla, fiscal, scoring
from egov_plan.plans.models import ActionPlan, Indicator, PerformanceArea
from reports.calendar import deadlines
from reports.calendar.models import ANNUAL as ANNUAL_PERIOD
from reports.quarters import selectors
from reports.year.models import Assessment, Evaluation

DUE_PERIOD = {Assessment.HALF_YEAR: 2, Assessment.ANNUAL: ANNUAL_PERIOD}
TITLES = {
    Assessment.HALF_YEAR: gettext_lazy("অর্ধবার্ষিক স্ব-মূল্যায়ন প্রতিবেদন"),
    Assessment.ANNUAL: gettext_lazy("বার্ষিক মূল্যায়ন প্রতিবেদন"),
}


# The table -------------------------------------------------------------------------------------


@dataclass
class AssessmentRow:
    row: selectors.TableRow  # the quarterly table's row to date (reported)
    evaluation: Evaluation | None
    evaluated: selectors.ScoredValue
    area_rowspan: int = 0
    activity_rowspan: int = 0

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def reported_value(self):
        return self.row.achievement_value

    @property
    def changed(self) -> bool:
        return self.evaluation is not None


@dataclass
class AreaBlock:
    area: PerformanceArea
    rows: list[AssessmentRow]
    done: str = ""
    obstacles: str = ""

    @property
    def weight(self) -> Decimal:
        return sum((r.indicator.weight for r in self.rows), Decimal(0))

    @property
    def reported_subtotal(self) -> Decimal:
        return scoring.total(r.row.score for r in self.rows)

    @property
    def evaluated_subtotal(self) -> Decimal:
        return scoring.total(r.evaluated.score for r in self.rows)


@dataclass
class AssessmentTable:
    plan: ActionPlan
    kind: str
    assessment: Assessment | None
    signatories: list
    areas: list[AreaBlock] = field(default_factory=list)
    evaluator: dict | None = (
        None  # annual: who evaluated (name, office), printed beside the signatories
    )

    @property
    def rows(self) -> list[AssessmentRow]:
        return [row for block in self.areas for row in block.rows]

    @property
    def is_annual(self) -> bool:
        return self.kind == Assessment.ANNUAL

    @property
    def kind_label(self) -> str:
        return TITLES[self.kind]

    @property
    def period(self) -> str:
        start_year = self.plan.fiscal_year.start_year
        return bangla.period_text(
            fiscal.fiscal_year_start(start_year),
            fiscal.quarter_end(start_year, Assessment.LAST_QUARTER[self.kind]),
        )

    @property
    def title_line(self) -> str:
        return _("{plan} {year} এর {kind} ({period})").format(
            plan=self.plan.title,
            year=self.plan.fiscal_year.label,
            kind=self.kind_label,
            period=self.period,
        )

    @property
    def total_weight(self) -> Decimal:
        return sum((block.weight for block in self.areas), Decimal(0))

    @property
    def reported_total(self) -> Decimal:
        return scoring.total(block.reported_subtotal for block in self.areas)

    @property
    def evaluated_total(self) -> Decimal:
        return scoring.total(block.evaluated_subtotal for block in self.areas)


def assessment_table(
    *, plan_id: int, kind: str, assessment: Assessment | None = None
) -> AssessmentTable:
    """The document's table: the quarterly table to date at its last quarter (a fixed number of
    queries), grouped by area, with the evaluated achievements and the narratives."""
    quarterly = selectors.quarter_table(plan_id=plan_id, quarter=Assessment.LAST_QUARTER[kind])
    plan = quarterly.plan
    if assessment is None:
        assessment = Assessment.objects.filter(plan=plan, kind=kind).first()
    evaluations = (
        {e.indicator_id: e for e in assessment.evaluations.all()}
        if assessment is not None and assessment.is_annual
        else {}
    )
    narratives = assessment.narratives if assessment is not None else {}
    table = AssessmentTable(
        plan=plan, kind=kind, assessment=assessment, signatories=quarterly.signatories
    )
    for row in quarterly.rows:
        if not table.areas or table.areas[-1].area.pk != row.area.pk:
            text = narratives.get(str(row.area.pk), {})
            table.areas.append(
                AreaBlock(
                    area=row.area,
                    rows=[],
                    done=text.get("done", ""),
                    obstacles=text.get("obstacles", ""),
                )
            )
        evaluation = evaluations.get(row.indicator.pk)
        if evaluation is None:
            evaluated = selectors.ScoredValue(shown=row.achievement, tier=row.tier, score=row.score)
        else:
            evaluated = selectors.scored_value(row.indicator, evaluation.value, plan.scoring_method)
        table.areas[-1].rows.append(
            AssessmentRow(row=row, evaluation=evaluation, evaluated=evaluated)
        )
    if assessment is not None and assessment.is_annual:
        table.evaluator = _evaluator(assessment, evaluations)
    for block in table.areas:
        block.rows[0].area_rowspan = len(block.rows)
        previous = None
        for document_row in block.rows:
            if previous is None or previous.row.activity.pk != document_row.row.activity.pk:
                document_row.activity_rowspan = sum(
                    1 for r in block.rows if r.row.activity.pk == document_row.row.activity.pk
                )
            previous = document_row
    return table


def _evaluator(assessment: Assessment, evaluations: dict) -> dict | None:
    """The reviewer who approved the evaluation (or, before that, last evaluated) and their office."""
    approval = (
        assessment.transitions.filter(to_status=Assessment.APPROVED)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    user = approval.actor if approval is not None else None
    at = approval.at if approval is not None else None
    if user is None and evaluations:
        latest = max(evaluations.values(), key=lambda e: e.updated_at)
        user, at = latest.updated_by, latest.updated_at
    if user is None:
        return None
    # The office the reviewer evaluated for then, even if they have been transferred since.
    day = timezone.localdate(at)
    office = selectors.offices_at_the_time([(user.pk, day)], assessment.plan.office).get(
        (user.pk, day)
    )
    return {
        "name": user.get_full_name() or user.get_username(),
        "office": office.display_name if office is not None else "",
    }


def assessment_deadline(
    *, plan: ActionPlan, kind: str, assessment: Assessment | None
) -> deadlines.ReportDeadline:
    """Due with quarter 2 (half-year) or on the annual date (year); late as a quarterly report is."""
    return deadlines.report_deadline(plan=plan, period=DUE_PERIOD[kind], report=assessment)
