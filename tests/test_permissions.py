"""Every route of the project with every role: the status code of each (method, URL, role).

The matrix is complete, and checks that it is: a walk of Django's URL resolver (through every
include, the JSON API's under /api/v1/ too) finds every route, and each needs a GET row and a POST
row here, and an API route a row for the method its operation takes; every row's URL must resolve
to a route that exists. The admin's pages are one rule instead (and a few rows): no /admin/ URL
is served to anyone but staff, checked over every admin route. There are no static or media
routes: WhiteNoise serves static files, media files come only through the views that check who asks.

A user who may not see a report gets 404 (its existence is not revealed); one who may see it but
not do what was asked gets 403; anonymous users are sent to the login page (L below), the API
answers them 401. A refused request that is not a GET (a 4xx, or the way to the login page)
changes nothing in the database but bookkeeping (sessions, rate-limit counters). No page or API
answer names the seed office to anyone outside (anonymous, the other tree) but the public registry
of its signed PDF. Nothing answers 500 (the test client raises what would be one).

The world is built once for the module, in a transaction rolled back at its end, and every request
runs in a savepoint rolled back after it. The signed PDFs and the drafts are made while the world is
built (signed documents, the draft cache), so a PDF row costs a file read; the rows marked RENDERS
render a PDF per allowed role (the English translation is never cached).
"""

import contextlib
import datetime
import functools
import json
import re
import uuid
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.utils import timezone, translation

from egov_plan import media
from egov_plan.accounts.models import ApiToken, Membership
from egov_plan.plans.models import ActionPlan
from reports.api import api
from reports.bulk.models import BulkPrintJob
from reports.pdf.models import SignedDocument
from reports.plans.files import load_plan_file
from reports.plans.rollout import template_from_plan
from reports.quarters.models import QuarterlyReport
from reports.quarters.selectors import plan_structure
from reports.year.models import Assessment
from tests.api_world import token_for
from tests.conftest import (
    IN_MEMORY_STORAGE,
    MEDIA_IN_MEMORY,
    SEED_DOCUMENT,
    SIGNING_PASSPHRASE,
    current_membership,
    make_people,
    make_user,
)
from tests.factories import make_plan
from tests.helpers import PDF_BYTES, add_evidence, indicator_by_code

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "officer",  # the seed office's officer
    "other_officer",  # an officer of an office in another tree
    "reviewer",  # the reviewer of the office above the seed office
    "top_reviewer",  # the reviewer of the ministry two levels above
    "other_reviewer",  # the reviewer of the other tree's ministry
    "manager",  # a reviewer of the office above who also manages its people
    "plan_admin",  # staff who may change plans (egov_plan.change_actionplan), not a superuser
    "admin",  # a superuser
]

# Who sees the seed office's reports (everyone with the office above it, and staff), for a page,
# and for the API (the same, anonymous 401); a template's (staff only); nobody (404 for all).
SEEN = "L 200 404 200 200 404 200 200 200"
API_SEEN = "401 200 404 200 200 404 200 200 200"
STAFF_ONLY = "L 404 404 404 404 404 404 200 200"
NOBODY = "L 404 404 404 404 404 404 404 404"
API_NOBODY = "401 404 404 404 404 404 404 404 404"
EVERYONE = "L 200 200 200 200 200 200 200 200"
API_EVERYONE = "401 200 200 200 200 200 200 200 200"
# A method the route does not take: 405 once past the login page (the API answers it as a problem).
NOT_ALLOWED = "L 405 405 405 405 405 405 405 405"
API_NOT_ALLOWED = "405 405 405 405 405 405 405 405 405"
PUBLIC_NOT_ALLOWED = "405 405 405 405 405 405 405 405 405"

DEFAULT_POST = {"action": "approve", "version": "0"}

# (method, url template, expected answer per role in ROLES order, data). The placeholders are the
# world's: {plan} the seed office's plan (quarter 1 approved and signed, 2 submitted, 3 a draft with
# {evidence}), {template} a template made from it, {office}/{outside} the seed office and one in the
# other tree, {member}/{outside_member} the seed officer's and the other officer's memberships, {job}
# the reviewer's finished bulk print, {token} the reviewer's API token's id, {signed} the
# verification token of the approved quarter's signed PDF.
MATRIX = [
    # health check, language, sign-in and accounts
    ("get", "/healthz", "200 200 200 200 200 200 200 200 200"),
    ("post", "/healthz", PUBLIC_NOT_ALLOWED),
    ("get", "/i18n/setlang/", "302 302 302 302 302 302 302 302 302"),
    ("post", "/i18n/setlang/", "302 302 302 302 302 302 302 302 302", {"language": "en"}),
    ("get", "/accounts/login/", "200 302 302 302 302 302 302 302 302"),
    (
        "post",
        "/accounts/login/",
        "200 302 302 302 302 302 302 302 302",
        {"username": "officer", "password": "wrong"},
    ),
    ("get", "/accounts/sso/start/", "404 404 404 404 404 404 404 404 404"),  # not configured
    ("post", "/accounts/sso/start/", "405 405 405 405 405 405 405 405 405"),
    ("get", "/accounts/sso/callback/", "404 404 404 404 404 404 404 404 404"),
    ("post", "/accounts/sso/callback/", "405 405 405 405 405 405 405 405 405"),
    ("get", "/accounts/logout/", NOT_ALLOWED),
    ("post", "/accounts/logout/", "L L L L L L L L L"),  # out, and on to the login page
    ("get", "/accounts/password/reset/", "200 200 200 200 200 200 200 200 200"),
    (
        "post",
        "/accounts/password/reset/",
        "302 302 302 302 302 302 302 302 302",
        {"email": "nobody@example.org"},
    ),
    ("get", "/accounts/password/reset/sent/", "200 200 200 200 200 200 200 200 200"),
    ("post", "/accounts/password/reset/sent/", PUBLIC_NOT_ALLOWED),
    ("get", "/accounts/password/reset/{uid}/wrong-token/", "200 200 200 200 200 200 200 200 200"),
    ("post", "/accounts/password/reset/{uid}/wrong-token/", "200 200 200 200 200 200 200 200 200"),
    ("get", "/accounts/invitation/{uid}/wrong-token/", "200 200 200 200 200 200 200 200 200"),
    ("post", "/accounts/invitation/{uid}/wrong-token/", "200 200 200 200 200 200 200 200 200"),
    ("get", "/accounts/password/done/", "200 200 200 200 200 200 200 200 200"),
    ("post", "/accounts/password/done/", PUBLIC_NOT_ALLOWED),
    ("get", "/accounts/tokens/", EVERYONE),
    # revoking someone else's token: only its holder finds it
    (
        "post",
        "/accounts/tokens/",
        "L 404 404 302 404 404 404 404 404",
        {"action": "revoke", "token": "{token}"},
    ),
    # the second factor (REQUIRE_SECOND_FACTOR is off here): enrolment for reviewers and admins,
    # officers sent back; a POST without a code is a Bengali fault beside the field
    ("get", "/accounts/second-factor/setup/", "L 302 302 200 200 200 200 200 200"),
    ("post", "/accounts/second-factor/setup/", "L 302 302 400 400 400 400 400 400"),
    ("get", "/accounts/second-factor/", "L 302 302 302 302 302 302 302 302"),
    ("post", "/accounts/second-factor/", "L 302 302 302 302 302 302 302 302"),
    ("put", "/accounts/second-factor/", NOT_ALLOWED),
    # the index, the offline entry's service worker, the reviewers' pages
    ("get", "/", EVERYONE),
    ("post", "/", NOT_ALLOWED),
    ("get", "/entry-sw.js", "200 200 200 200 200 200 200 200 200"),  # a script, nothing private
    ("post", "/entry-sw.js", PUBLIC_NOT_ALLOWED),
    ("get", "/inbox/", "L 403 403 200 200 200 200 200 200"),
    ("post", "/inbox/", NOT_ALLOWED),
    ("get", "/dashboard/", "L 404 404 200 200 200 200 200 200"),
    # an office outside one's reach is a message beside the filter, the page one's own offices
    ("get", "/dashboard/?under={office}", "L 404 404 200 200 200 200 200 200"),
    ("get", "/dashboard/export.xlsx", "L 404 404 200 200 200 200 200 200"),
    ("post", "/dashboard/", NOT_ALLOWED),
    ("post", "/dashboard/export.xlsx", NOT_ALLOWED),
    # targets: the office's officer adjusts them, a reviewer above approves them; a plan admin gets
    # the plan editor instead; a plan without a template ({final}) has no targets page
    ("get", "/plans/{plan}/targets/", "L 200 404 200 200 404 200 200 200"),
    ("post", "/plans/{plan}/targets/", "L 403 404 302 302 404 302 403 403"),
    # (a plan admin's POST without an operation shows the editor again, nothing saved)
    ("post", "/plans/{plan}/targets/", "L 400 404 403 403 404 403 200 200", {"action": "save"}),
    ("delete", "/plans/{plan}/targets/", NOT_ALLOWED),
    ("get", "/plans/{final}/targets/", "L 404 404 404 404 404 404 200 200"),
    ("get", "/plans/{template}/targets/", STAFF_ONLY),
    # a quarter's table, its history, exports and PDFs
    ("get", "/plans/{plan}/quarters/1/", SEEN),
    ("get", "/plans/{plan}/quarters/1/?scores=1", SEEN),
    ("post", "/plans/{plan}/quarters/1/", NOT_ALLOWED),
    ("get", "/plans/999/quarters/1/", NOBODY),
    ("get", "/plans/{plan}/quarters/5/", NOBODY),
    ("get", "/plans/{plan}/quarters/1/history/", SEEN),
    ("post", "/plans/{plan}/quarters/1/history/", NOT_ALLOWED),
    ("get", "/plans/{plan}/quarters/1/pdf", SEEN),  # signed
    ("get", "/plans/{plan}/quarters/3/pdf", SEEN),  # a draft
    ("get", "/plans/{plan}/quarters/5/pdf", NOBODY),
    ("post", "/plans/{plan}/quarters/1/pdf", NOT_ALLOWED),
    ("get", "/plans/{plan}/quarters/1/export.xlsx", SEEN),
    ("get", "/plans/{plan}/quarters/2/export.txt", SEEN),
    ("get", "/plans/{plan}/quarters/1/export.doc", NOBODY),
    ("post", "/plans/{plan}/quarters/1/export.xlsx", NOT_ALLOWED),
    # the English translation (RENDERS: its PDF)
    ("get", "/plans/{plan}/quarters/1/en/", SEEN),
    ("post", "/plans/{plan}/quarters/1/en/", NOT_ALLOWED),
    ("get", "/plans/{plan}/quarters/1/en/pdf", SEEN),  # RENDERS
    ("get", "/plans/{plan}/quarters/5/en/pdf", NOBODY),
    ("get", "/plans/999/quarters/1/en/pdf", NOBODY),
    ("post", "/plans/{plan}/quarters/1/en/pdf", NOT_ALLOWED),
    # entering values: the office's officer only; reviewing: a reviewer above only
    ("get", "/plans/{plan}/quarters/3/edit/", "L 200 404 403 403 404 403 403 403"),
    ("post", "/plans/{plan}/quarters/3/edit/", "L 302 404 403 403 404 403 403 403"),
    ("get", "/plans/{plan}/quarters/0/edit/", NOBODY),
    ("get", "/plans/{plan}/quarters/2/review/", NOT_ALLOWED),
    ("post", "/plans/{plan}/quarters/2/review/", "L 403 404 302 302 404 302 403 403"),
    # the half-yearly self-assessment and the annual evaluation: of the seed plan, nothing
    # submitted yet (a reviewer's POST finds nothing to act on: 409); of {final}, the office's next
    # year, both approved and signed (and the year closed to entry)
    ("get", "/plans/{plan}/half-year/", SEEN),
    ("post", "/plans/{plan}/half-year/", "L 403 404 409 409 404 409 403 403"),
    ("put", "/plans/{plan}/half-year/", NOT_ALLOWED),
    ("get", "/plans/{plan}/annual/", SEEN),
    ("post", "/plans/{plan}/annual/", "L 403 404 409 409 404 409 403 403"),
    ("post", "/plans/{plan}/annual/pdf", NOT_ALLOWED),
    ("get", "/plans/{final}/half-year/", SEEN),
    ("post", "/plans/{final}/half-year/", "L 403 404 409 409 404 409 403 403"),
    ("get", "/plans/{final}/half-year/pdf", SEEN),
    ("post", "/plans/{final}/half-year/pdf", NOT_ALLOWED),
    ("get", "/plans/{final}/annual/pdf", SEEN),
    ("post", "/plans/{final}/annual/pdf", NOT_ALLOWED),
    ("post", "/plans/{final}/quarters/1/edit/", "L 409 404 403 403 404 403 403 403"),
    ("get", "/plans/999/half-year/", NOBODY),
    ("get", "/plans/999/annual/pdf", NOBODY),
    # a template plan (no office): staff see its table, exports and editor; nobody else learns it
    # exists; nobody enters, reviews or assesses a template's reports
    ("get", "/plans/{template}/quarters/1/", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/1/?scores=1", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/2/", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/2/?scores=1", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/1/export.xlsx", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/2/export.xlsx", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/1/export.txt", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/2/export.txt", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/1/pdf", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/1/history/", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/1/en/", STAFF_ONLY),
    ("get", "/plans/{template}/quarters/1/en/pdf", STAFF_ONLY),  # RENDERS
    ("get", "/plans/{template}/quarters/1/edit/", "L 404 404 404 404 404 404 403 403"),
    ("post", "/plans/{template}/quarters/1/edit/", "L 404 404 404 404 404 404 403 403"),
    ("post", "/plans/{template}/quarters/2/review/", "L 404 404 404 404 404 404 403 403"),
    ("get", "/plans/{template}/half-year/", NOBODY),
    ("get", "/plans/{template}/annual/", NOBODY),
    ("get", "/plans/{template}/half-year/pdf", NOBODY),
    ("get", "/plans/{template}/annual/pdf", NOBODY),
    ("post", "/plans/{template}/quarters/1/", NOT_ALLOWED),
    # checking a signed PDF: public
    ("get", "/verify/", "200 200 200 200 200 200 200 200 200"),
    ("get", "/verify/?token={signed}", "200 200 200 200 200 200 200 200 200"),
    ("post", "/verify/", "400 400 400 400 400 400 400 400 400"),
    ("put", "/verify/", PUBLIC_NOT_ALLOWED),
    # bulk print: for reviewers, of an office at or below theirs; a job is its requester's only
    ("get", "/bulk-print/", "L 403 403 200 200 200 200 403 403"),
    (
        "post",
        "/bulk-print/",
        "L 403 403 302 302 400 302 403 403",
        {"office": "{supervising}", "year": "2022", "quarter": "1"},
    ),
    ("get", "/bulk-print/{job}/", "L 404 404 200 404 404 404 404 404"),
    ("post", "/bulk-print/{job}/", NOT_ALLOWED),
    ("get", "/bulk-print/{job}/download", "L 404 404 200 404 404 404 404 404"),
    ("post", "/bulk-print/{job}/download", NOT_ALLOWED),
    ("get", "/bulk-print/{no_job}/", NOBODY),
    # people: their managers (an office head, for the offices at and below theirs) and admins
    ("get", "/people/", "L 403 403 403 403 403 200 403 200"),
    ("post", "/people/", NOT_ALLOWED),
    ("get", "/people/add/", "L 403 403 403 403 403 200 403 200"),
    ("post", "/people/add/", "L 403 403 403 403 403 400 403 400", {"username": ""}),
    ("get", "/people/{member}/", "L 403 403 403 403 403 200 403 200"),
    ("get", "/people/{outside_member}/", "L 403 403 403 403 403 404 403 200"),
    ("get", "/people/999999/", "L 403 403 403 403 403 404 403 404"),
    ("post", "/people/{member}/", NOT_ALLOWED),
    ("get", "/people/{member}/role/", NOT_ALLOWED),
    (
        "post",
        "/people/{member}/role/",
        "L 403 403 403 403 403 302 403 302",
        {"role": Membership.REVIEWER},
    ),
    ("post", "/people/{outside_member}/role/", "L 403 403 403 403 403 404 403 400", {"role": ""}),
    ("get", "/people/{member}/transfer/", NOT_ALLOWED),
    ("post", "/people/{member}/transfer/", "L 403 403 403 403 403 400 403 400", {"office": ""}),
    (
        "post",
        "/people/{outside_member}/transfer/",
        "L 403 403 403 403 403 404 403 400",
        {"office": ""},
    ),
    ("get", "/people/{member}/deactivate/", NOT_ALLOWED),
    ("post", "/people/{member}/deactivate/", "L 403 403 403 403 403 302 403 302"),
    ("post", "/people/{outside_member}/deactivate/", "L 403 403 403 403 403 404 403 302"),
    # acting for another of one's memberships: one's own only (else a Bengali message)
    ("get", "/office/", NOT_ALLOWED),
    ("post", "/office/", "L 302 302 302 302 302 302 302 302", {"membership": "{member}"}),
    # evidence: seen with its report; removed by the office's officer only
    ("get", "/evidence/{evidence}/", SEEN),
    ("post", "/evidence/{evidence}/", NOT_ALLOWED),
    ("get", "/evidence/999/", NOBODY),
    ("get", "/evidence/{evidence}/delete/", NOT_ALLOWED),
    ("post", "/evidence/{evidence}/delete/", "L 302 404 403 403 404 403 403 403"),
    # a few admin pages for every role (the rule for all of them: test_admin_pages_are_for_staff_only)
    ("get", "/admin/", "L L L L L L L 200 200"),
    ("get", "/admin/egov_plan/actionplan/", "L L L L L L L 200 200"),
    ("get", "/admin/egov_plan/actionplan/{plan}/change/", "L L L L L L L 200 200"),
    # importing adds plans: a plan admin without egov_plan.add_actionplan is sent to the index
    ("get", "/admin/egov_plan/actionplan/import/", "L L L L L L L 302 200"),
    # the JSON API: a token for each role (anonymous: none); sessions are not read
    # the root only names the docs (django-ninja's); the schema and the docs are public, any method
    ("get", "/api/v1/", "404 404 404 404 404 404 404 404 404"),
    ("post", "/api/v1/", "404 404 404 404 404 404 404 404 404"),
    ("get", "/api/v1/openapi.json", "200 200 200 200 200 200 200 200 200"),
    ("post", "/api/v1/openapi.json", "200 200 200 200 200 200 200 200 200"),
    ("get", "/api/v1/docs", "200 200 200 200 200 200 200 200 200"),
    ("post", "/api/v1/docs", "200 200 200 200 200 200 200 200 200"),
    ("get", "/api/v1/no-such-thing", "404 404 404 404 404 404 404 404 404"),
    ("post", "/api/v1/no-such-thing", "404 404 404 404 404 404 404 404 404"),
    (
        "get",
        "/api/v1/offices",
        API_EVERYONE,
    ),  # each sees its own (tests/api/test_api_permissions.py)
    ("post", "/api/v1/offices", API_NOT_ALLOWED),
    ("get", "/api/v1/offices/{office}", API_SEEN),
    ("get", "/api/v1/offices/{outside}", "401 404 200 404 404 200 404 200 200"),
    ("post", "/api/v1/offices/{office}", API_NOT_ALLOWED),
    ("get", "/api/v1/fiscal-years", API_EVERYONE),
    ("post", "/api/v1/fiscal-years", API_NOT_ALLOWED),
    ("get", "/api/v1/plans", API_EVERYONE),
    ("post", "/api/v1/plans", API_NOT_ALLOWED),
    ("get", "/api/v1/plans/{plan}", API_SEEN),
    ("get", "/api/v1/plans/{template}", "401 404 404 404 404 404 404 200 200"),
    ("post", "/api/v1/plans/{plan}", API_NOT_ALLOWED),
    ("get", "/api/v1/plans/{plan}/quarters/1", API_SEEN),
    ("get", "/api/v1/plans/{plan}/quarters/5", API_NOBODY),
    ("post", "/api/v1/plans/{plan}/quarters/1", API_NOT_ALLOWED),
    ("get", "/api/v1/plans/{plan}/quarters/1/pdf", API_SEEN),
    ("post", "/api/v1/plans/{plan}/quarters/1/pdf", API_NOT_ALLOWED),
    ("get", "/api/v1/evidence/{evidence}", API_SEEN),
    ("post", "/api/v1/evidence/{evidence}", API_NOT_ALLOWED),
    ("get", "/api/v1/reports?year=2022&quarter=1", API_EVERYONE),
    ("post", "/api/v1/reports", API_NOT_ALLOWED),
    (
        "patch",
        "/api/v1/plans/{plan}/quarters/3/achievements",
        "401 200 404 403 403 404 403 403 403",
        {"achievements": []},
    ),
    ("get", "/api/v1/plans/{plan}/quarters/3/achievements", API_NOT_ALLOWED),
    ("post", "/api/v1/plans/{plan}/quarters/3/achievements", API_NOT_ALLOWED),
    ("post", "/api/v1/plans/{plan}/quarters/3/submit", "401 200 404 403 403 404 403 403 403", {}),
    ("get", "/api/v1/plans/{plan}/quarters/3/submit", API_NOT_ALLOWED),
    (
        "post",
        "/api/v1/plans/{plan}/quarters/2/approve",
        "401 403 404 200 200 404 200 403 403",
        {"comment": "ঠিক আছে"},
    ),
    ("get", "/api/v1/plans/{plan}/quarters/2/approve", API_NOT_ALLOWED),
    (
        "post",
        "/api/v1/plans/{plan}/quarters/2/return",
        "401 403 404 200 200 404 200 403 403",
        {"comment": "কারণ"},
    ),
    ("get", "/api/v1/plans/{plan}/quarters/2/return", API_NOT_ALLOWED),
    ("get", "/api/v1/plans/{plan}/half-year", API_SEEN),
    ("post", "/api/v1/plans/{plan}/half-year", API_NOT_ALLOWED),
    ("get", "/api/v1/plans/{plan}/annual", API_SEEN),
    ("post", "/api/v1/plans/{plan}/annual", API_NOT_ALLOWED),
    ("get", "/api/v1/plans/{plan}/ranking", API_SEEN),
    ("post", "/api/v1/plans/{plan}/ranking", API_NOT_ALLOWED),
    ("get", "/api/v1/verify/{signed}", API_EVERYONE),
    ("post", "/api/v1/verify/{signed}", API_NOT_ALLOWED),
    ("post", "/api/v1/verify", API_EVERYONE, PDF_BYTES),
    ("get", "/api/v1/verify", API_NOT_ALLOWED),
]

# Routes a row may reach only through a URL meant for them: a catch-all also answers a stale row.
CATCH_ALLS = {"api/v1/(?P<rest>.*)$": {"/api/v1/no-such-thing"}}

# Bookkeeping a refused request may write: sessions, the login and rate-limit counters, the time
# a token was last used.
BOOKKEEPING = {
    "sessions.session",
    "egov_plan.usersession",
    "egov_plan.ratelimithit",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accesslog",
    "axes.accessfailurelog",
}
BOOKKEEPING_FIELDS = {"egov_plan.apitoken": {"last_used_at"}, "auth.user": {"last_login"}}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


@contextlib.contextmanager
def rolled_back():
    """A transaction undone at the end, as Django's TestCase keeps its class's data."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # durable blocks inside it behave as in a TestCase
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def build_world() -> SimpleNamespace:
    """The people of conftest.people, a manager and a plan admin, and what the rows ask for."""
    seed_plan = load_plan_file(document=json.loads(SEED_DOCUMENT.read_text(encoding="utf-8")))
    world = make_people(seed_plan)
    world.manager = make_user("manager", world.supervising, Membership.REVIEWER)
    Membership.objects.filter(user=world.manager).update(is_manager=True)
    world.plan_admin = make_user("plan_admin", is_staff=True)
    world.plan_admin.user_permissions.set(
        apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="egov_plan",
            codename__in=["view_actionplan", "change_actionplan"],
        )
    )
    plan = world.plan
    QuarterlyReport.objects.create(plan=plan, quarter=2, status=QuarterlyReport.SUBMITTED)
    draft = QuarterlyReport.objects.create(plan=plan, quarter=3)
    world.evidence = add_evidence(draft, indicator_by_code(plan, "1.3.1"))
    # The seed office's next year, final: its half-yearly and annual documents approved.
    world.final = make_plan(indicators=3, office_name=world.office.name, start_year=2023)
    for kind in (Assessment.HALF_YEAR, Assessment.ANNUAL):
        Assessment.objects.create(
            plan=world.final, kind=kind, status=Assessment.APPROVED, revision=1
        )
    # The seed plan is re-made from an adjustable template: its office sets its own targets.
    world.template = template_from_plan(plan=plan)
    world.template.targets_adjustable = True
    world.template.save()
    ActionPlan.objects.filter(pk=plan.pk).update(template=world.template)
    job = BulkPrintJob(
        requested_by=world.reviewer,
        root_office=world.supervising,
        start_year=2022,
        quarter=1,
        status=BulkPrintJob.DONE,
        total=1,
        done=1,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    job.file.save("bulk.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    job.save()
    world.job = job
    users = {role: getattr(world, role) for role in ROLES if role != "anonymous"}
    world.sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        # Reviewers and staff have seen their second factor's enrolment page (and its secret) once.
        client.get("/accounts/second-factor/setup/")
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    world.api_headers = {"anonymous": {}}
    for role, user in users.items():
        world.api_headers[role] = {"Authorization": f"Bearer {token_for(user, ApiToken.WRITE)}"}
    world.client = Client()
    admin = Client()
    admin.force_login(world.admin)
    # Sign the approved documents and fill the draft cache now, once: a PDF row then reads a file.
    for url in (
        f"/plans/{plan.pk}/quarters/1/pdf",
        f"/plans/{plan.pk}/quarters/3/pdf",
        f"/plans/{world.final.pk}/half-year/pdf",
        f"/plans/{world.final.pk}/annual/pdf",
        f"/plans/{world.template.pk}/quarters/1/pdf",
    ):
        assert admin.get(url).status_code == 200, url
    world.signed = SignedDocument.objects.get(report__plan=plan, report__quarter=1).token
    world.values = {
        "plan": plan.pk,
        "template": world.template.pk,
        "final": world.final.pk,
        "office": world.office.pk,
        "supervising": world.supervising.pk,
        "outside": world.other_office.pk,
        "evidence": world.evidence.pk,
        "member": current_membership(world.officer).pk,
        "outside_member": current_membership(world.other_officer).pk,
        "job": job.pk,
        "no_job": uuid.UUID(int=1),
        "token": ApiToken.objects.filter(user=world.reviewer).get().pk,
        "signed": world.signed,
        "uid": "MQ",
    }
    world.files = {name: _read(name) for name in media.files_under("")}
    return world


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, signing_key, tmp_path_factory):
    """The world, built once for the module and undone at its end (with the tests' settings)."""
    storages = {**settings.STORAGES}
    if MEDIA_IN_MEMORY:
        storages["default"] = {"BACKEND": IN_MEMORY_STORAGE}
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=tmp_path_factory.mktemp("world-media"),
            STORAGES=storages,
            SIGNING_PKCS12_PATH=signing_key,
            SIGNING_PKCS12_PASSPHRASE=SIGNING_PASSPHRASE,
        ),
        rolled_back(),
    ):
        cache.clear()
        plan_structure.cache_clear()
        translation.activate(settings.LANGUAGE_CODE)
        yield build_world()
        plan_structure.cache_clear()


@pytest.fixture
def media_of_the_world(world):
    """This test's (fresh) media storage holds the world's files: evidence, signed PDFs, drafts."""
    for name, data in world.files.items():
        assert default_storage.save(name, ContentFile(data)) == name


def fill(template: str, values: dict) -> str:
    return template.format(**values)


def answer(world, role: str, method: str, url: str, data=None, *, before=None):
    """The response to one request of `role`, undone afterwards (a savepoint rolled back), and, given
    the database's state `before`, the tables a refused request changed."""
    api_call = url.startswith("/api/")
    # One client for every request: a new one loads the middleware again (WhiteNoise scans its files).
    client = world.client
    client.cookies = SimpleCookie()
    if role != "anonymous" and not api_call:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    kwargs = {"headers": world.api_headers[role] if api_call else {}}
    if method != "get":
        if isinstance(data, bytes):
            kwargs["content_type"] = "application/pdf"
        elif api_call:
            data, kwargs["content_type"] = json.dumps(data or {}), "application/json"
        elif data is None:
            data = DEFAULT_POST
        else:
            data = {key: fill(str(value), world.values) for key, value in data.items()}
    changed = []
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data, **kwargs)
            if before is not None and refused(response):
                after = database_state()
                changed = [table for table in before if after[table] != before[table]]
            transaction.set_rollback(True)
    finally:
        cache.clear()
        plan_structure.cache_clear()
        translation.activate(settings.LANGUAGE_CODE)
    return response, changed


@functools.cache
def _table_queries() -> dict[str, str]:
    """SELECTs of every row of every table but the bookkeeping ones (and their bookkeeping columns)."""
    queries = {}
    quote = connection.ops.quote_name
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in BOOKKEEPING:
            continue
        skip = BOOKKEEPING_FIELDS.get(meta.label_lower, set())
        columns = ", ".join(quote(f.column) for f in meta.concrete_fields if f.name not in skip)
        queries[meta.label_lower] = (
            f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}"
        )
    return queries


def database_state() -> dict[str, list]:
    """Every row of every table but the bookkeeping ones."""
    state = {}
    with connection.cursor() as cursor:
        for table, query in _table_queries().items():
            cursor.execute(query)
            state[table] = cursor.fetchall()
    return state


# Those who must never read the seed office's name or code, and the rows that may show it to them:
# the registry entry of its signed PDF, by the token printed on the PDF (whoever holds the paper).
OUTSIDERS = ("anonymous", "other_officer", "other_reviewer")
PUBLIC_RECORDS = {"/verify/?token={signed}", "/api/v1/verify/{signed}"}


def names_the_office(world, response) -> bool:
    kind = response.get("Content-Type", "")
    if response.streaming or not kind.startswith(
        ("text/", "application/json", "application/problem")
    ):
        return False
    text = response.content.decode()
    return world.office.code in text or world.office.name in text


def shown(response) -> str:
    """The answer as the matrix writes it: L for the way to a login page, else the status code."""
    if response.status_code == 302 and response["Location"].startswith(LOGIN_PAGES):
        return "L"
    return str(response.status_code)


def refused(response) -> bool:
    return response.status_code >= 400 or shown(response) == "L"


ROWS = [(row[0], row[1], row[2].split(), row[3] if len(row) > 3 else None) for row in MATRIX]


@pytest.mark.parametrize(
    "method, url, expected, data", ROWS, ids=[f"{m} {u}" for m, u, _, _ in ROWS]
)
def test_every_role_gets_its_answer(world, media_of_the_world, method, url, expected, data):
    assert len(expected) == len(ROLES)
    path = fill(url, world.values)
    before = database_state() if method != "get" else None
    got, changes, told = [], {}, []
    for role in ROLES:
        response, changed = answer(world, role, method, path, data, before=before)
        got.append(shown(response))
        if changed:
            changes[role] = changed
        if role in OUTSIDERS and url not in PUBLIC_RECORDS and names_the_office(world, response):
            told.append(role)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))
    assert not changes, f"refused, yet the database changed: {changes}"
    assert not told, f"the seed office named to outsiders: {told}"


def test_the_api_reads_no_session(world, media_of_the_world):
    """A signed-in browser's cookie is no API token: every API row anonymous users get 401 from
    answers the officer's session 401 too (so no page can be made to write through the API)."""
    client, answers = world.client, {}
    for method, url, expected, data in ROWS:
        if not url.startswith("/api/") or expected[0] != "401":
            continue
        client.cookies = SimpleCookie()
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["officer"]
        path = fill(url, world.values)
        body = data if isinstance(data, bytes) else json.dumps(data or {})
        kwargs = {} if method == "get" else {"data": body, "content_type": "application/json"}
        answers[f"{method} {url}"] = getattr(client, method)(path, **kwargs).status_code
    assert len(answers) > 20 and set(answers.values()) == {401}, answers


# --- the matrix is complete --------------------------------------------------------------------


def walk(resolver=None, prefix: str = ""):
    """The route of every URL pattern, through every include, as `resolve(...).route` names it."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = URLResolver._join_route(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from walk(entry, route)
        else:
            yield route


ROUTES = sorted(set(walk()))
ADMIN_ROUTES = [route for route in ROUTES if route.startswith("admin/")]
APP_ROUTES = [route for route in ROUTES if not route.startswith("admin/")]


def api_operations() -> dict[str, set[str]]:
    """The API's routes (as the resolver names them) and the methods of their operations."""
    paths = api.get_openapi_schema()["paths"]
    return {
        re.sub(r"\{(\w+)\}", r"<\1>", path.lstrip("/")): set(operations)
        for path, operations in paths.items()
    }


class _Sample(dict):
    """Placeholder values that resolve as the world's would (without building it)."""

    def __missing__(self, key):
        return "1"


SAMPLE = _Sample(job=uuid.UUID(int=2), no_job=uuid.UUID(int=1), signed="token")


def row_route(url: str) -> str:
    return resolve(urlsplit(url.format_map(SAMPLE)).path).route


def test_the_walk_reaches_into_every_include():
    assert "healthz" in ROUTES and "admin/" in ROUTES
    assert "plans/<id:plan_id>/quarters/<id:quarter>/en/pdf" in APP_ROUTES  # reports.urls
    assert "api/v1/plans/<plan_id>/quarters/<quarter>/achievements" in APP_ROUTES  # the API
    assert set(api_operations()) <= set(APP_ROUTES)


def test_every_route_has_a_row_for_get_post_and_each_api_method():
    operations = api_operations()
    wanted = {
        (route, method)
        for route in APP_ROUTES
        for method in {"get", "post"} | operations.get(route, set())
    }
    rows = {(row_route(url), method) for method, url, *_ in MATRIX}
    assert sorted(wanted - rows) == []


def test_every_row_names_a_route_that_exists():
    stale = []
    for _, url, *_ in MATRIX:
        try:
            route = row_route(url)
        except Resolver404:
            stale.append(url)
            continue
        if route in CATCH_ALLS and url not in CATCH_ALLS[route]:
            stale.append(url)  # answered only by the catch-all: its route is gone
    assert stale == []


# --- the admin: staff only ---------------------------------------------------------------------

ADMIN_VALUES = {
    "object_id": "1",
    "content_type_id": "1",
    "app_label": "egov_plan",
    "url": "no-such-page/",
    "plan_id": "1",
    "job_id": "1",
    "id": "1",
}


def admin_url(route: str) -> str:
    """The admin route with its parameters filled in."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: ADMIN_VALUES[m.group(1)], route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ADMIN_VALUES[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")


# The login page is the one admin page for anybody (a signed-in non-staff user is told to sign in
# as staff); the logout sends a signed-in non-staff user to the admin's index (Django's admin_view),
# which sends them on to the login page.
ADMIN_LOGIN, ADMIN_LOGOUT = "admin/login/", "admin/logout/"


@pytest.mark.parametrize("role", ["anonymous", "officer", "reviewer"])
def test_admin_pages_are_for_staff_only(world, media_of_the_world, role):
    """Anonymous users go to the login page, signed-in non-staff to the admin's (which asks for a
    staff account), with the page asked for as `next`; a POST as a GET, and nothing changes."""
    before = database_state()
    wrong = {}
    for route in ADMIN_ROUTES:
        path = admin_url(route)
        for method in ("get", "post"):
            response, changed = answer(world, role, method, path, {}, before=before)
            if route == ADMIN_LOGIN:  # the form, or a failed sign-in shown again
                ok = response.status_code == 200
            elif route == ADMIN_LOGOUT and role != "anonymous":
                ok = response.status_code == 302 and response["Location"] == "/admin/"
            else:
                ok = shown(response) == "L" and parse_qs(urlsplit(response["Location"]).query) == {
                    "next": [path]
                }
            if not ok or changed:
                wrong[f"{method} {path}"] = (shown(response), changed)
    assert len(ADMIN_ROUTES) > 50  # every model's pages, the import and rollout pages
    assert wrong == {}


# --- /healthz ----------------------------------------------------------------------------------


def test_healthz_answers_without_a_session_and_tells_nothing_but_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert "Set-Cookie" not in response and not client.cookies  # no session started
    assert "no-cache" in response["Cache-Control"]
    assert media.files_under("") == []  # its probe file is gone
