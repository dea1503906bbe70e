"""The floor experiment's pages (tests/load/floor.py), served beside the app's own.

Each is a save cycle (a GET that shows a form, a POST of it that answers with a redirect) that does
less than the app's, through the same middleware, session, user and database:
- `bare`: nothing but the request handling every signed-in page has (session, user, CSRF);
- `least`: also what no save can skip: the plan and report read (the app's own statement, and its
  kept structure; a missing plan is a 404), whether the user may see the office, and one
  transaction writing a row per indicator (one INSERT … ON CONFLICT UPDATE of the remarks); not the
  officer, editable-status and deadline checks, validation, history, concurrency tokens, rescore,
  messages or templates.
Nothing here is part of the app: egov_plan's URLs never include it.
"""

from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path
from django.utils import timezone
from django.utils.html import escape

from egov_plan import rowsql
from egov_plan.accounts import permissions
from egov_plan.urls import urlpatterns as app_urlpatterns
from reports.quarters import selectors
from reports.quarters.models import Achievement
from reports.quarters.services import report_for_quarter


def _form(request, inputs: str = "") -> HttpResponse:
    token = escape(get_token(request))
    return HttpResponse(
        f'<form id="entry-form" method="post"><input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{token}">{inputs}</form>'
    )


def bare(request, plan_id: int, quarter: int):
    if request.method == "GET":
        return _form(request)
    return HttpResponseRedirect(request.path)


def least(request, plan_id: int, quarter: int):
    plan, report = selectors.plan_with_report(plan_id, quarter)
    if not permissions.can_see_office(request.user, plan.office):
        raise Http404()
    rows = selectors.plan_structure(plan.pk, plan.revision).rows
    if request.method == "GET":
        return _form(
            request, "".join(f'<input name="value_{row.indicator.pk}" value="">' for row in rows)
        )
    report = report or report_for_quarter(plan=plan, quarter=quarter)
    now = timezone.now()
    written = [
        [
            report.pk,
            row.indicator.pk,
            request.POST.get(f"value_{row.indicator.pk}", ""),
            request.user.pk,
            now,
            report.version,
        ]
        for row in rows
    ]
    with transaction.atomic():
        rowsql.insert(
            Achievement,
            ["report", "indicator", "remarks", "updated_by", "updated_at", "updated_in_version"],
            written,
            conflict=["report", "indicator"],
            update=["remarks", "updated_by", "updated_at"],
        )
    return HttpResponseRedirect(request.path)


urlpatterns = [
    path("floor/bare/<int:plan_id>/<int:quarter>/", bare),
    path("floor/least/<int:plan_id>/<int:quarter>/", least),
    *app_urlpatterns,
]
