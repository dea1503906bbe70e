"""What the API's routers share: the problem responses each operation may answer, typed
parameters that cannot reach the database out of range, and the plan a user may see."""

from django.http import Http404
from django.utils.translation import gettext
from ninja import Path, Query

from egov_plan.accounts import permissions
from egov_plan.core.fiscal import QUARTERS
from reports.api import cursors
from reports.api.schemas import MAX_ID, ProblemOut

READ_PROBLEMS = {
    400: ProblemOut,
    401: ProblemOut,
    404: ProblemOut,
    422: ProblemOut,
    429: ProblemOut,
}
WRITE_PROBLEMS = {
    **READ_PROBLEMS,
    403: ProblemOut,
    409: ProblemOut,
    412: ProblemOut,
    428: ProblemOut,
}

PlanId = Path(..., ge=1, le=MAX_ID)
# Any quarter number up to the database's range; one outside 1–4 is a 404, as on the pages.
QuarterNumber = Path(..., ge=-MAX_ID, le=MAX_ID)
Limit = Query(
    cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT, description="rows a page (at most 200)"
)
Cursor = Query(None, max_length=2000, description="the `next` link's cursor (opaque)")


def plan_for(user, plan_id: int, *, template_ok: bool = True):
    """The plan if the user may see it (templates: admins only), else 404 as the pages answer."""
    plan = permissions.get_plan_for_user(user, plan_id)
    if plan.is_template and not template_ok:
        raise Http404(gettext("কর্মপরিকল্পনাটি পাওয়া যায়নি"))
    return plan


def check_quarter(quarter: int) -> None:
    if quarter not in QUARTERS:
        raise Http404(gettext("ত্রৈমাসিক ১ থেকে ৪ এর মধ্যে হতে হবে"))


def office_ref(office) -> dict | None:
    if office is None:
        return None
    return {"id": office.pk, "code": office.code, "name": office.name, "location": office.location}
