"""Offices (the tree, by code, under an office) and fiscal years with their reporting calendars."""

from django.http import Http404
from django.utils.translation import gettext
from ninja import Path, Query, Router

from egov_plan.accounts import permissions
from egov_plan.offices.models import Office
from egov_plan.offices.tree import under_q
from egov_plan.plans.models import FiscalYear
from reports.api import cursors
from reports.api.common import READ_PROBLEMS, Cursor, Limit
from reports.api.schemas import MAX_ID, FiscalYearPage, OfficeOut, OfficePage

router = Router(tags=["offices"])


def _office_out(office: Office, parents: dict[str, str]) -> dict:
    return {
        "id": office.pk,
        "code": office.code,
        "name": office.name,
        "location": office.location,
        "tier": office.tier.code,
        "parent": parents.get(office.path[: -Office.steplen]),
        "depth": office.depth,
    }


def _with_parents(offices: list[Office]) -> list[dict]:
    """The offices with their parents' codes: one query for the page, whatever its size."""
    paths = {o.path[: -Office.steplen] for o in offices if o.depth > 1}
    parents = (
        dict(Office.objects.filter(path__in=paths).values_list("path", "code")) if paths else {}
    )
    return [_office_out(o, parents) for o in offices]


def _under(user, office_id: int) -> Office:
    """The office whose subtree is asked for: one the user may see, or a reviewer's own office."""
    office = Office.objects.filter(pk=office_id).first()
    own = office is not None and any(
        m.office_id == office.pk for m in permissions.memberships(user)
    )
    if office is None or not (own or permissions.can_see_office(user, office)):
        raise Http404(gettext("দপ্তরটি পাওয়া যায়নি।"))
    return office


@router.get(
    "/offices", response={200: OfficePage, **READ_PROBLEMS}, summary="Offices in tree order"
)
def offices(
    request,
    code: str | None = Query(None, max_length=40),
    under: int | None = Query(None, ge=1, le=MAX_ID),
    tier: str | None = Query(None, max_length=20),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """The offices whose reports the caller may see, in the tree's order (a parent before its
    children): everything for admins, the offices below a reviewer's, an officer's own office.
    `under`: only the offices below that one; `code`: the office with that code; `tier`: of that tier."""
    rows = Office.objects.select_related("tier").filter(permissions.visible_offices_q(request.user))
    if under is not None:
        rows = rows.filter(under_q(_under(request.user, under)))
    if code:
        rows = rows.filter(code=code)
    if tier:
        rows = rows.filter(tier__code=tier)
    after = cursors.decode("offices", cursor)
    if after is not None:
        rows = rows.filter(path__gt=str(after[0]))
    found = list(rows.order_by("path")[: limit + 1])
    page = cursors.page(request, found, limit, "offices", lambda o: [o.path])
    page["items"] = _with_parents(page["items"])
    return page


@router.get(
    "/offices/{office_id}", response={200: OfficeOut, **READ_PROBLEMS}, summary="One office"
)
def office(request, office_id: int = Path(..., ge=1, le=MAX_ID)):
    found = Office.objects.select_related("tier").filter(pk=office_id).first()
    if found is None or not permissions.can_see_office(request.user, found):
        raise Http404(gettext("দপ্তরটি পাওয়া যায়নি।"))
    return _with_parents([found])[0]


@router.get(
    "/fiscal-years",
    response={200: FiscalYearPage, **READ_PROBLEMS},
    summary="Fiscal years with their reporting calendars",
)
def fiscal_years(request, cursor: str | None = Cursor, limit: int = Limit):
    """Newest first, each with its calendar: grace days, whether entry closes after them, and the
    due date of each period (for every tier, or a tier's own)."""
    rows = (
        FiscalYear.objects.select_related("reporting_calendar")
        .prefetch_related("reporting_calendar__deadlines__tier")
        .order_by("-start_year")
    )
    after = cursors.decode("fiscal-years", cursor)
    if after is not None:
        rows = rows.filter(start_year__lt=int(after[0]))
    page = cursors.page(
        request, list(rows[: limit + 1]), limit, "fiscal-years", lambda y: [y.start_year]
    )
    page["items"] = [_year_out(year) for year in page["items"]]
    return page


def _year_out(year: FiscalYear) -> dict:
    calendar = getattr(year, "reporting_calendar", None)
    return {
        "start_year": year.start_year,
        "label": year.label,
        "start": year.start,
        "end": year.end,
        "calendar": None
        if calendar is None
        else {
            "closes_after_grace": calendar.closes_after_grace,
            "grace_days": calendar.grace_days,
            "remind_days_before": calendar.remind_days_before,
            "deadlines": [
                {"period": d.period, "tier": d.tier.code if d.tier else None, "due": d.due}
                for d in calendar.deadlines.all()
            ],
        },
    }
