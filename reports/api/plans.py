"""Plans: the list a user may see, and one plan's areas, activities, indicators and targets."""

from ninja import Query, Router

from egov_plan.accounts import permissions
from egov_plan.core import scoring
from egov_plan.plans.models import ActionPlan
from reports.api import cursors
from reports.api.common import READ_PROBLEMS, Cursor, Limit, PlanId, office_ref, plan_for
from reports.api.schemas import MAX_ID, PlanOut, PlanPage
from reports.quarters.selectors import plan_structure
from reports.quarters.services import field_token

router = Router(tags=["plans"])


def _summary(plan: ActionPlan) -> dict:
    return {
        "id": plan.pk,
        "title": plan.title,
        "fiscal_year": plan.fiscal_year.start_year,
        "office": office_ref(plan.office),
        "total_marks": plan.total_marks,
        "revision": plan.revision,
    }


@router.get("/plans", response={200: PlanPage, **READ_PROBLEMS}, summary="Plans the caller may see")
def plans(
    request,
    year: int | None = Query(None, ge=1900, le=3000, description="the fiscal year's first year"),
    office: int | None = Query(None, ge=1, le=MAX_ID, description="one office's plans"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """Every office's plans for admins (templates too, with a null office), the plans of the offices
    below a reviewer's, an officer's own office's; by id."""
    rows = ActionPlan.objects.select_related("office", "fiscal_year")
    if not request.user.is_staff:  # admins: every plan, templates too
        rows = rows.filter(permissions.visible_offices_q(request.user, prefix="office__"))
    if year is not None:
        rows = rows.filter(fiscal_year__start_year=year)
    if office is not None:
        rows = rows.filter(office_id=office)
    after = cursors.decode("plans", cursor)
    if after is not None:
        rows = rows.filter(pk__gt=int(after[0]))
    page = cursors.page(
        request, list(rows.order_by("pk")[: limit + 1]), limit, "plans", lambda p: [p.pk]
    )
    page["items"] = [_summary(plan) for plan in page["items"]]
    return page


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, **READ_PROBLEMS},
    summary="A plan: areas, activities, indicators and their five tier targets",
)
def plan(request, plan_id: int = PlanId):
    found = plan_for(request.user, plan_id)
    structure = plan_structure(found.pk, found.revision)
    areas, activities = [], {}
    for row in structure.rows:
        if not areas or areas[-1]["id"] != row.area.pk:
            areas.append(
                {
                    "id": row.area.pk,
                    "code": row.area.code,
                    "title": row.area.title,
                    "title_en": row.area.title_en,
                    "weight": row.area.weight,
                    "activities": [],
                }
            )
        if row.activity.pk not in activities:
            activities[row.activity.pk] = {
                "id": row.activity.pk,
                "code": row.activity.code,
                "title": row.activity.title,
                "title_en": row.activity.title_en,
                "indicators": [],
            }
            areas[-1]["activities"].append(activities[row.activity.pk])
        indicator = row.indicator
        unknown = set(indicator.unknown_tier_indexes)
        activities[row.activity.pk]["indicators"].append(
            {
                "id": indicator.pk,
                "code": indicator.code,
                "number": indicator.number,
                "title": indicator.title,
                "title_en": indicator.title_en,
                "unit": indicator.unit,
                "unit_label": indicator.unit_label,
                "weight": indicator.weight,
                "calculation_method": indicator.calculation_method,
                "targets": [
                    {
                        "tier": tier,
                        "value": None if value is None else field_token(value),
                        "unknown": k in unknown,
                    }
                    for k, (tier, value) in enumerate(zip(scoring.TIER_PERCENTS, indicator.targets))
                ],
            }
        )
    return {
        **_summary(found),
        "scoring_method": found.scoring_method,
        "template": found.template_id,
        "areas": areas,
    }
