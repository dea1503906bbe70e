"""The year's documents of a plan (half-yearly self-assessment, annual evaluation), the annual
ranking among sibling offices, and the verification state of a signed PDF."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext
from ninja import Path, Router

from reports.api.common import READ_PROBLEMS, PlanId, office_ref, plan_for
from reports.api.problems import Problem
from reports.api.schemas import (
    DocumentOut,
    ProblemOut,
    RankingOut,
    VerificationOut,
    VerifyResultOut,
)
from reports.dashboard import ranking as rankings
from reports.pdf.verification import verify_document
from reports.quarters import selectors
from reports.quarters.forms import VerifyForm
from reports.quarters.services import field_token
from reports.year import services as assessments
from reports.year import table as year_table
from reports.year.models import Assessment

router = Router(tags=["documents"])


def _value(value) -> str | None:
    return None if value is None else field_token(value)


def _document(request, plan_id: int, kind: str) -> dict:
    plan = plan_for(request.user, plan_id, template_ok=False)
    assessment = assessments.assessment_of(plan, kind)
    table = year_table.assessment_table(plan_id=plan.pk, kind=kind, assessment=assessment)
    deadline = year_table.assessment_deadline(plan=table.plan, kind=kind, assessment=assessment)
    return {
        "plan": plan.pk,
        "kind": kind,
        "status": assessment.status if assessment else "not_started",
        "due": deadline.due,
        "late": deadline.late,
        "reported_total": table.reported_total,
        "evaluated_total": table.evaluated_total if table.is_annual else None,
        "narratives": [
            {"area": block.area.pk, "done": block.done, "obstacles": block.obstacles}
            for block in table.areas
        ],
        "rows": [
            {
                "indicator": r.indicator.pk,
                "code": r.indicator.code,
                "reported": _value(r.reported_value),
                "reported_tier": r.row.tier_percent,
                "reported_score": r.row.score,
                "evaluated": _value(
                    r.evaluation.value if r.evaluation is not None else r.reported_value
                ),
                "evaluated_score": r.evaluated.score,
            }
            for r in table.rows
        ],
    }


@router.get(
    "/plans/{plan_id}/half-year",
    response={200: DocumentOut, **READ_PROBLEMS},
    summary="The half-yearly self-assessment (to quarter 2)",
)
def half_year(request, plan_id: int = PlanId):
    return _document(request, plan_id, Assessment.HALF_YEAR)


@router.get(
    "/plans/{plan_id}/annual",
    response={200: DocumentOut, **READ_PROBLEMS},
    summary="The annual self-assessment and evaluation (reported and evaluated)",
)
def annual(request, plan_id: int = PlanId):
    return _document(request, plan_id, Assessment.ANNUAL)


@router.get(
    "/plans/{plan_id}/ranking",
    response={200: RankingOut, **READ_PROBLEMS},
    summary="The office's rank among its siblings for the year (as the annual page shows it)",
)
def ranking(request, plan_id: int = PlanId):
    plan = plan_for(request.user, plan_id, template_ok=False)
    found = rankings.ranking(plan, assessments.assessment_of(plan, Assessment.ANNUAL))
    return {
        "count": found.count,
        "rank": found.rank,
        "total": found.total,
        "final": found.final,
        "rows": [
            {
                "rank": row.rank,
                "office": office_ref(row.assessment.plan.office),
                "total": row.assessment.ranking_total,
                "final": row.final,
                "is_self": row.is_self,
            }
            for row in found.rows
            if row.assessment is not None
        ],
    }


@router.get(
    "/verify/{token}",
    response={200: VerificationOut, **READ_PROBLEMS},
    summary="A signed PDF's registry entry, by the verification token of its QR code (as /verify/?token=)",
)
def verify(request, token: str = Path(..., max_length=64)):
    document = selectors.signed_document_by_token(token)
    if document is None:
        raise Http404(gettext("এই যাচাই টোকেনের কোনো নথি নেই।"))
    return _registered(document)


@router.post(
    "/verify",
    response={200: VerifyResultOut, **READ_PROBLEMS, 413: ProblemOut},
    summary="Check a PDF (the request's body, application/pdf) as /verify/ does",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def verify_upload(request):
    """Whether the signature is intact, valid and trusted, and which registered document it is."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > settings.VERIFY_MAX_BYTES:
        raise Problem(413, VerifyForm.too_large_message())
    result = verify_document(request.body)
    return {
        "verdict": result.verdict,
        "ok": result.ok,
        "superseded": result.superseded,
        "document": _registered(result.document) if result.document is not None else None,
    }


def _registered(document) -> dict:
    report, assessment = document.report, document.assessment
    return {
        "registered": True,
        "document": document.label,
        "plan": document.plan.pk,
        "quarter": report.quarter if report is not None else None,
        "kind": "quarter" if report is not None else assessment.kind,
        "revision": document.revision,
        "sha256": document.sha256,
        "level": document.level,
        "approved_by": document.approved_by,
        "approved_at": document.approved_at,
        "signed_at": document.signed_at,
    }
