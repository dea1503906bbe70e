"""The half-yearly self-assessment (অর্ধবার্ষিক স্ব-মূল্যায়ন) and the annual self-assessment and
evaluation (বার্ষিক মূল্যায়ন): when they may be submitted, their workflow, the evaluated marks, and
the table both print.

- Achievements are the quarters' own: each indicator's values rolled up to quarter 2 (half-year)
  or 4 (year) by its calculation method, exactly as the quarterly table computes them to date.
- A document may be submitted once its last quarter's report has been submitted (it is under
  review or approved): the half-year after quarter 2, the year after quarter 4.
- officer: narrative per area, save, submit → reviewer of the office above: return (with a comment)
  or approve; the annual reviewer first evaluates (an evaluated achievement per indicator where it
  differs from the reported one, always with a comment); approving the evaluation makes the year
  final: nothing of the plan's year changes any more. The states and moves: reports/workflow.py.
- Due dates: the half-year is due with quarter 2 (15 January by default), the year on the
  calendar's annual date (15 July); lateness as for quarterly reports (reports/deadlines.py).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov_plan import bangla, fiscal, scoring
from egov_plan.models import ActionPlan, Indicator, PerformanceArea
from reports import deadlines, selectors, workflow
from reports.calendar_models import ANNUAL as ANNUAL_PERIOD
from reports.models import Assessment, Evaluation, QuarterlyReport
from reports.workflow import WorkflowError

NARRATIVE_MAX = (
    2000  # characters per field: a short narrative, as the official form leaves room for
)
DUE_PERIOD = {Assessment.HALF_YEAR: 2, Assessment.ANNUAL: ANNUAL_PERIOD}
TITLES = {
    Assessment.HALF_YEAR: gettext_lazy("অর্ধবার্ষিক স্ব-মূল্যায়ন প্রতিবেদন"),
    Assessment.ANNUAL: gettext_lazy("বার্ষিক মূল্যায়ন প্রতিবেদন"),
}
NOT_YET = {
    Assessment.HALF_YEAR: gettext_lazy(
        "দ্বিতীয় ত্রৈমাসিক প্রতিবেদন দাখিল হওয়ার পর অর্ধবার্ষিক স্ব-মূল্যায়ন দাখিল করা যাবে।"
    ),
    Assessment.ANNUAL: gettext_lazy(
        "চতুর্থ ত্রৈমাসিক প্রতিবেদন দাখিল হওয়ার পর বার্ষিক স্ব-মূল্যায়ন দাখিল করা যাবে।"
    ),
}


def available(plan: ActionPlan, kind: str) -> bool:
    """Whether the document's last quarter has been submitted (under review or approved)."""
    return QuarterlyReport.objects.filter(
        plan=plan,
        quarter=Assessment.LAST_QUARTER[kind],
        status__in=[QuarterlyReport.SUBMITTED, QuarterlyReport.APPROVED],
    ).exists()


def assessment_of(plan: ActionPlan, kind: str) -> Assessment | None:
    return Assessment.objects.filter(plan=plan, kind=kind).first()


def _lock(assessment_id: int) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("plan__fiscal_year", "plan__office")
        .get(pk=assessment_id)
    )


def _year_final(plan_id: int) -> bool:
    """Whether the plan's annual evaluation is approved: then its year is final (one query)."""
    return Assessment.year_final(plan_id).exists()


def _clean_narratives(plan_id: int, narratives: dict) -> dict:
    areas = {
        str(pk)
        for pk in PerformanceArea.objects.filter(plan_id=plan_id).values_list("pk", flat=True)
    }
    return {
        key: {
            "done": (value.get("done") or "").strip()[:NARRATIVE_MAX],
            "obstacles": (value.get("obstacles") or "").strip()[:NARRATIVE_MAX],
        }
        for key, value in narratives.items()
        if key in areas
    }


def assessment_save(*, plan: ActionPlan, kind: str, user, narratives: dict) -> Assessment:
    """Keep the officer's narrative (the document starts as a draft on the first save)."""
    with transaction.atomic():
        assessment, _ = Assessment.objects.get_or_create(plan=plan, kind=kind)
        locked = _lock(assessment.pk)
        workflow.require_editable(locked, year_final=_year_final(locked.plan_id))
        locked.narratives = _clean_narratives(plan.pk, narratives)
        locked.version += 1
        locked.save(update_fields=["narratives", "version", "updated_at"])
        return locked


def assessment_submit(*, plan: ActionPlan, kind: str, user, narratives: dict) -> Assessment:
    """Save the narrative and submit; refused before the last quarter's report is submitted."""
    with transaction.atomic():
        locked = assessment_save(plan=plan, kind=kind, user=user, narratives=narratives)
        if not available(plan, kind):
            raise WorkflowError(str(NOT_YET[kind]))
        workflow.move(locked, workflow.SUBMIT, user=user)
        total = document_table(plan_id=plan.pk, kind=kind, assessment=locked).reported_total
        locked.reported_total = total
        fields = ["reported_total"]
        if locked.is_annual:
            locked.ranking_total = total
            fields.append("ranking_total")
        locked.save(update_fields=fields)
        return locked


def _review(assessment: Assessment, action: str, *, user, comment: str) -> Assessment:
    locked = _lock(assessment.pk)
    workflow.require_year_open(year_final=_year_final(locked.plan_id))
    workflow.move(locked, action, user=user, comment=comment)
    return locked


def assessment_return(*, assessment: Assessment, user, comment: str) -> Assessment:
    comment = workflow.require_reason(workflow.RETURN, comment)
    with transaction.atomic():
        return _review(assessment, workflow.RETURN, user=user, comment=comment)


def assessment_reopen(*, assessment: Assessment, user, reason: str) -> Assessment:
    """An approved half-yearly self-assessment back to its office for correction (never once the
    year is final; an approved annual evaluation is the year's end and never reopens)."""
    reason = workflow.require_reason(workflow.REOPEN, reason)
    workflow.require_action(assessment.flow, workflow.REOPEN)
    with transaction.atomic():
        return _review(assessment, workflow.REOPEN, user=user, comment=reason)


@dataclass(frozen=True)
class EvaluatedValue:
    """The evaluator's entry for one indicator: None keeps the reported achievement."""

    value: datetime.date | Decimal | None
    comment: str = ""


COMMENT_REQUIRED = gettext_lazy("মূল্যায়িত অর্জন প্রতিবেদিত অর্জন থেকে ভিন্ন হলে মন্তব্য লিখতে হবে।")


def assessment_evaluate(
    *, assessment: Assessment, user, entries: dict[int, EvaluatedValue]
) -> Assessment:
    """Record the evaluated achievements of a submitted annual self-assessment: an entry whose
    value equals the reported one (or is empty) removes an earlier evaluation of it; any other
    needs a comment."""
    workflow.require_action(assessment.flow, workflow.EVALUATE)
    with transaction.atomic():
        locked = _lock(assessment.pk)
        workflow.require_year_open(year_final=_year_final(locked.plan_id))
        workflow.require(locked, workflow.EVALUATE)
        table = document_table(plan_id=locked.plan_id, kind=locked.kind, assessment=locked)
        reported = {row.indicator.pk: row.reported_value for row in table.rows}
        stored = {e.indicator_id: e for e in locked.evaluations.all()}
        for indicator_id, entry in entries.items():
            if indicator_id not in reported:
                continue
            if entry.value is None or entry.value == reported[indicator_id]:
                if indicator_id in stored:
                    stored[indicator_id].delete()
                continue
            if not entry.comment.strip():
                raise WorkflowError(str(COMMENT_REQUIRED))
            evaluation = stored.get(indicator_id) or Evaluation(
                assessment=locked, indicator_id=indicator_id
            )
            is_date = isinstance(entry.value, datetime.date)
            evaluation.value_date = entry.value if is_date else None
            evaluation.value_number = None if is_date else entry.value
            evaluation.comment = entry.comment.strip()
            evaluation.updated_by = user
            evaluation.save()
        locked.evaluated_total = document_table(
            plan_id=locked.plan_id, kind=locked.kind, assessment=locked
        ).evaluated_total
        locked.version += 1
        locked.save(update_fields=["evaluated_total", "version", "updated_at"])
        return locked


def assessment_approve(*, assessment: Assessment, user, comment: str = "") -> Assessment:
    """Approve: a half-yearly self-assessment as submitted, an annual one with its evaluation, which
    makes the year final and its evaluated total the office's final marks for the ranking."""
    from reports.tasks import sign_approved_assessment

    with transaction.atomic():
        approved = _review(assessment, workflow.APPROVE, user=user, comment=comment.strip())
        if approved.is_annual:
            table = document_table(
                plan_id=approved.plan_id, kind=approved.kind, assessment=approved
            )
            approved.evaluated_total = approved.ranking_total = table.evaluated_total
            approved.save(update_fields=["evaluated_total", "ranking_total"])
        if settings.SIGN_ON_APPROVAL:
            pk, revision = approved.pk, approved.revision
            transaction.on_commit(lambda: sign_approved_assessment.delay(pk, revision), robust=True)
        return approved


# The table -------------------------------------------------------------------------------------


@dataclass
class DocumentRow:
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
    rows: list[DocumentRow]
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
class DocumentTable:
    plan: ActionPlan
    kind: str
    assessment: Assessment | None
    signatories: list
    areas: list[AreaBlock] = field(default_factory=list)
    evaluator: dict | None = (
        None  # annual: who evaluated (name, office), printed beside the signatories
    )

    @property
    def rows(self) -> list[DocumentRow]:
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


def document_table(
    *, plan_id: int, kind: str, assessment: Assessment | None = None
) -> DocumentTable:
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
    table = DocumentTable(
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
            DocumentRow(row=row, evaluation=evaluation, evaluated=evaluated)
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


def document_deadline(
    *, plan: ActionPlan, kind: str, assessment: Assessment | None
) -> deadlines.ReportDeadline:
    """Due with quarter 2 (half-year) or on the annual date (year); late as a quarterly report is."""
    return deadlines.report_deadline(plan=plan, period=DUE_PERIOD[kind], report=assessment)
