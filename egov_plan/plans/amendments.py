"""The rule for changing a plan that already has reports in review or approved, shared by the plan
admin and the plan editor: such a change needs a reason, and every such change (or any change made
with a reason) is recorded as a PlanAmendment (who, when, why, what)."""

from django.utils.translation import gettext_noop

from egov_plan.plans.models import ActionPlan, PlanAmendment

REPORTS_IN_REVIEW = ("submitted", "approved")
# Marked for the catalogue; translated where shown (gettext(REASON_NEEDED)).
REASON_NEEDED = gettext_noop(
    "এই কর্মপরিকল্পনার দাখিলকৃত বা অনুমোদিত প্রতিবেদন আছে; কাঠামো, মান বা লক্ষ্যমাত্রা বদলাতে “পরিবর্তনের কারণ” লিখুন।"
)


def has_reports_in_review(plan: ActionPlan) -> bool:
    return plan.pk is not None and plan.reports.filter(status__in=REPORTS_IN_REVIEW).exists()


def reason_missing(*, plan: ActionPlan, summary: list[str], reason: str) -> bool:
    """Whether this change may not be made as asked: it changes a plan in review without a reason."""
    return bool(plan.pk and summary and not (reason or "").strip() and has_reports_in_review(plan))


def record_amendment(
    *, plan: ActionPlan, user, reason: str, summary: list[str]
) -> PlanAmendment | None:
    reason = (reason or "").strip()
    if not summary or not (reason or has_reports_in_review(plan)):
        return None
    return PlanAmendment.objects.create(
        plan=plan, user=user, reason=reason or "—", summary="\n".join(summary)
    )
