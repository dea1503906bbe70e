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
  calendar's annual date (15 July); lateness as for quarterly reports (reports/calendar/deadlines.py).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy

from egov_plan.plans.models import ActionPlan, PerformanceArea
from reports import workflow
from reports.quarters.models import QuarterlyReport
from reports.quarters.services import year_locked
from reports.workflow import WorkflowError
from reports.year.models import Assessment, Evaluation
from reports.year.table import assessment_table

NARRATIVE_MAX = (
    2000  # characters per field: a short narrative, as the official form leaves room for
)
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
        workflow.require_editable(locked, year_final=year_locked(locked.plan_id))
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
        total = assessment_table(plan_id=plan.pk, kind=kind, assessment=locked).reported_total
        locked.reported_total = total
        fields = ["reported_total"]
        if locked.is_annual:
            locked.ranking_total = total
            fields.append("ranking_total")
        locked.save(update_fields=fields)
        return locked


def _review(assessment: Assessment, action: str, *, user, comment: str) -> Assessment:
    locked = _lock(assessment.pk)
    workflow.require_year_open(year_final=year_locked(locked.plan_id))
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
        workflow.require_year_open(year_final=year_locked(locked.plan_id))
        workflow.require(locked, workflow.EVALUATE)
        table = assessment_table(plan_id=locked.plan_id, kind=locked.kind, assessment=locked)
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
        locked.evaluated_total = assessment_table(
            plan_id=locked.plan_id, kind=locked.kind, assessment=locked
        ).evaluated_total
        locked.version += 1
        locked.save(update_fields=["evaluated_total", "version", "updated_at"])
        return locked


def assessment_approve(*, assessment: Assessment, user, comment: str = "") -> Assessment:
    """Approve: a half-yearly self-assessment as submitted, an annual one with its evaluation, which
    makes the year final and its evaluated total the office's final marks for the ranking."""
    from reports.pdf.tasks import sign_approved_assessment

    with transaction.atomic():
        approved = _review(assessment, workflow.APPROVE, user=user, comment=comment.strip())
        if approved.is_annual:
            table = assessment_table(
                plan_id=approved.plan_id, kind=approved.kind, assessment=approved
            )
            approved.evaluated_total = approved.ranking_total = table.evaluated_total
            approved.save(update_fields=["evaluated_total", "ranking_total"])
        if settings.SIGN_ON_APPROVAL:
            pk, revision = approved.pk, approved.revision
            transaction.on_commit(lambda: sign_approved_assessment.delay(pk, revision), robust=True)
        return approved
