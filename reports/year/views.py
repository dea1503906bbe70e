"""Pages of the half-yearly self-assessment (/plans/<id>/half-year/) and the annual
self-assessment and evaluation (/plans/<id>/annual/), and their PDFs."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from egov_plan.accounts import permissions, second_factor
from reports import workflow
from reports.dashboard import ranking
from reports.quarters import selectors
from reports.quarters.forms import ReviewForm
from reports.quarters.services import year_locked
from reports.quarters.views import pdf_response
from reports.workflow import WorkflowError
from reports.year import pdf as assessment_pdf
from reports.year.forms import EvaluationForm, NarrativeForm
from reports.year.models import Assessment
from reports.year.services import (
    NOT_YET,
    assessment_approve,
    assessment_evaluate,
    assessment_of,
    assessment_reopen,
    assessment_return,
    assessment_save,
    assessment_submit,
    available,
)
from reports.year.table import assessment_deadline, assessment_table

URL_NAMES = {Assessment.HALF_YEAR: "half-year", Assessment.ANNUAL: "annual"}
OFFICER_ACTIONS = ("save", "submit")
REVIEWER_ACTIONS = ("approve", "return", "reopen", "evaluate")


def _plan(user, plan_id: int):
    plan = permissions.get_plan_for_user(user, plan_id)
    if plan.office is None:
        raise Http404(_("কর্মপরিকল্পনাটি পাওয়া যায়নি"))
    return plan


def _render(
    request, plan, kind, *, narrative_form=None, evaluation_form=None, review_form=None, status=200
):
    assessment = assessment_of(plan, kind)
    table = assessment_table(plan_id=plan.pk, kind=kind, assessment=assessment)
    is_officer = permissions.is_officer_of(request.user, plan.office_id)
    is_reviewer = permissions.is_reviewer_above(request.user, plan.office)
    locked = year_locked(plan.pk)
    editable = is_officer and workflow.can_edit(assessment, year_final=locked)
    areas = [block.area for block in table.areas]
    if narrative_form is None:
        narrative_form = NarrativeForm(
            areas=areas,
            initial={
                f"{part}_{block.area.pk}": getattr(block, part)
                for block in table.areas
                for part in ("done", "obstacles")
            },
        )
    evaluating = (
        is_reviewer
        and not locked
        and assessment is not None
        and workflow.allows(assessment, workflow.EVALUATE)
    )
    if evaluating and evaluation_form is None:
        evaluation_form = EvaluationForm(rows=table.rows, start_year=plan.fiscal_year.start_year)
    last = (
        assessment.transitions.select_related("actor").order_by("-at", "-pk").first()
        if assessment
        else None
    )
    selectors.with_offices_at_the_time(plan.office, ([last] if last else [], "actor_id", "at"))
    return render(
        request,
        "reports/assessment.html",
        {
            "table": table,
            "plan": plan,
            "assessment": assessment,
            "kind": kind,
            "url_name": URL_NAMES[kind],
            "is_officer": is_officer,
            "is_reviewer": is_reviewer,
            "year_locked": locked,
            "editable": editable,
            "available": available(plan, kind),
            "not_yet": NOT_YET[kind],
            "narrative_form": narrative_form,
            "narrative_fields": narrative_form.area_fields(),
            "evaluating": evaluating,
            "evaluation_fields": evaluation_form.row_fields() if evaluating else [],
            "evaluation_form": evaluation_form,
            "review_form": review_form or ReviewForm(),
            "second_factor_first": is_reviewer and second_factor.pending(request),
            "last_transition": last,
            "deadline": assessment_deadline(plan=plan, kind=kind, assessment=assessment),
            "ranking": ranking.ranking(plan, assessment) if table.is_annual else None,
        },
        status=status,
    )


def _page(request, plan_id: int, kind: str):
    plan = _plan(request.user, plan_id)
    if request.method == "GET":
        return _render(request, plan, kind)
    action = request.POST.get("action", "")
    if action in OFFICER_ACTIONS:
        permissions.require_officer(request.user, plan)
        return _officer_post(request, plan, kind, action)
    if action in REVIEWER_ACTIONS:
        permissions.require_reviewer(request.user, plan)
        if (
            prompt := second_factor.ask(request, reverse(URL_NAMES[kind], args=[plan.pk]))
        ) is not None:
            return prompt
        return _reviewer_post(request, plan, kind, action)
    messages.error(request, _("অজানা কাজ।"))
    return _render(request, plan, kind, status=400)


def _officer_post(request, plan, kind, action):
    areas = [block.area for block in assessment_table(plan_id=plan.pk, kind=kind).areas]
    form = NarrativeForm(request.POST, areas=areas, submitting=action == "submit")
    if not form.is_valid():
        messages.error(
            request,
            _("কিছু ঘরে ভুল আছে; লাল বার্তা দেখে সংশোধন করুন। আপনার লেখা রাখা আছে, তবে এখনও সংরক্ষিত হয়নি।"),
        )
        return _render(request, plan, kind, narrative_form=form, status=400)
    try:
        if action == "submit":
            assessment_submit(plan=plan, kind=kind, user=request.user, narratives=form.narratives())
            messages.success(request, _("দাখিল করা হয়েছে।"))
        else:
            assessment_save(plan=plan, kind=kind, user=request.user, narratives=form.narratives())
            messages.success(request, _("সংরক্ষিত হয়েছে।"))
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _render(request, plan, kind, narrative_form=form, status=409)
    return redirect(reverse(URL_NAMES[kind], args=[plan.pk]))


def _reviewer_post(request, plan, kind, action):
    assessment = assessment_of(plan, kind)
    if assessment is None:
        messages.error(request, _("এটি এখনও দাখিল হয়নি।"))
        return _render(request, plan, kind, status=409)
    review_form = ReviewForm(
        {
            "action": "approve" if action == "evaluate" else action,
            "comment": request.POST.get("comment", ""),
        }
    )
    if not review_form.is_valid():
        return _render(request, plan, kind, review_form=review_form, status=400)
    comment = review_form.cleaned_data["comment"]
    try:
        if action == "evaluate":
            workflow.require_action(assessment.flow, workflow.EVALUATE)
        if action in ("evaluate", "approve") and workflow.allows(assessment, workflow.EVALUATE):
            table = assessment_table(plan_id=plan.pk, kind=kind, assessment=assessment)
            form = EvaluationForm(
                request.POST, rows=table.rows, start_year=plan.fiscal_year.start_year
            )
            if not form.is_valid():
                messages.error(
                    request,
                    _(
                        "কিছু ঘরে ভুল আছে; লাল বার্তা দেখে সংশোধন করুন। আপনার লেখা রাখা আছে, "
                        "তবে এখনও সংরক্ষিত হয়নি।"
                    ),
                )
                return _render(
                    request, plan, kind, evaluation_form=form, review_form=review_form, status=400
                )
            assessment = assessment_evaluate(
                assessment=assessment, user=request.user, entries=form.entries()
            )
        if action == "evaluate":
            messages.success(request, _("মূল্যায়ন সংরক্ষিত হয়েছে।"))
        elif action == "approve":
            assessment_approve(assessment=assessment, user=request.user, comment=comment)
            messages.success(
                request,
                _("অনুমোদিত হয়েছে।")
                + (" " + _("বছরের মূল্যায়ন চূড়ান্ত হয়েছে।") if assessment.is_annual else ""),
            )
        elif action == "return":
            assessment_return(assessment=assessment, user=request.user, comment=comment)
            messages.success(request, _("মন্তব্যসহ ফেরত পাঠানো হয়েছে।"))
        else:
            assessment_reopen(assessment=assessment, user=request.user, reason=comment)
            messages.success(request, _("সংশোধনের জন্য পুনরায় খোলা হয়েছে।"))
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _render(request, plan, kind, review_form=review_form, status=409)
    return redirect(reverse(URL_NAMES[kind], args=[plan.pk]))


@require_http_methods(["GET", "POST"])
def half_year(request, plan_id: int):
    return _page(request, plan_id, Assessment.HALF_YEAR)


@require_http_methods(["GET", "POST"])
def annual(request, plan_id: int):
    return _page(request, plan_id, Assessment.ANNUAL)


def _pdf(request, plan_id: int, kind: str):
    plan = _plan(request.user, plan_id)
    table = assessment_table(plan_id=plan.pk, kind=kind)
    return pdf_response(request, lambda: assessment_pdf.document_pdf(table=table))


@require_GET
def half_year_pdf(request, plan_id: int):
    return _pdf(request, plan_id, Assessment.HALF_YEAR)


@require_GET
def annual_pdf(request, plan_id: int):
    return _pdf(request, plan_id, Assessment.ANNUAL)
