"""The JSON API, version 1, at /api/v1/ (django-ninja): OpenAPI 3 schema at /api/v1/openapi.json,
its documentation at /api/v1/docs (Swagger UI from ninja's own static files: the
Content-Security-Policy allows no CDN and no inline script).

Routers by feature: offices.py (offices, fiscal years), plans.py, quarters.py (quarterly reports,
their PDF and the writes), documents.py (half-yearly and annual documents, ranking, verification).
Authentication: auth.py (personal access tokens). Errors: problems.py (RFC 9457)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from reports.api import documents, offices, plans, problems, quarters
from reports.api.auth import TokenAuth
from reports.api.problems import Problem, field_error
from reports.pdf import signing
from reports.quarters.services import EditConflict, WorkflowError, field_token

DESCRIPTION = """The APA e-governance action-plan reports as JSON: the same rules as the pages.

**Authentication.** A personal access token from your profile page (`/accounts/tokens/`), sent as
`Authorization: Bearer apa_…`. A read-only token may only read. Sessions (cookies) are not accepted.

**Paging.** Lists return `items` and `next`: the URL of the next page (with an opaque `cursor`),
null on the last page. `limit` is at most 200.

**Errors** are `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail` and
`errors` (each failing `field` with its `detail`). Bengali by default; send `Accept-Language: en`
for English. Anything you may not see is a 404.

**Writes** send, for each field, the value last read (`seen_value`, `seen_remarks`) or the GET's
`ETag` as `If-Match`: a field changed by someone else meanwhile is a 409 with both values.
An `Idempotency-Key` header makes a retried write apply once (the retry gets the first answer).

**Rate limit:** per token; over it, 429 with `Retry-After`."""


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Error answers are `application/problem+json`, as they are sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        content[problems.CONTENT_TYPE] = content.pop("application/json")
        return schema


api = Api(
    title="APA e-governance reports API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
for module in (offices, plans, quarters, documents):
    api.add_router("/", module.router)


@api.exception_handler(Problem)
def _problem(request, exc):
    return problems.of(exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problems.response(
        401,
        gettext(
            "Authorization: Bearer হেডারে একটি বৈধ প্রবেশাধিকার টোকেন দিন (মেয়াদোত্তীর্ণ "
            "বা বাতিল টোকেন চলবে না)।"
        ),
        headers={"WWW-Authenticate": "Bearer"},
    )


def _field(location: tuple) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in ("query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = []
    for error in exc.errors:
        missing = error.get("type") == "missing"
        errors.append(
            field_error(
                _field(tuple(error.get("loc", ()))),
                gettext("এই ঘরটি পূরণ করুন।") if missing else gettext("মানটি এই ঘরের ধরনের নয়।"),
            )
        )
    return problems.response(422, gettext("অনুরোধের কিছু ঘর সঠিক নয়; errors দেখুন।"), errors=errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:
        return problems.response(
            400,
            gettext("অনুরোধের JSON পড়া যায়নি।"),
            errors=[field_error("body", gettext("JSON সঠিক নয়।"))],
        )
    return problems.response(exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problems.response(404, str(exc) or gettext("পাওয়া যায়নি"))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problems.response(403, str(exc) or gettext("এই কাজের অনুমতি নেই"))


@api.exception_handler(EditConflict)
def _conflict(request, exc):
    conflicts = [
        {
            "indicator": c.indicator.pk,
            "field": c.field,
            "yours": field_token(c.yours),
            "theirs": field_token(c.theirs),
            "by": (c.by.get_full_name() or c.by.get_username()) if c.by else None,
            "at": c.at.isoformat() if c.at else None,
        }
        for c in exc.conflicts
    ]
    return problems.response(
        409,
        str(exc),
        conflicts=conflicts,
        errors=[
            {**field_error(c["field"], str(exc)), "indicator": c["indicator"]} for c in conflicts
        ],
    )


@api.exception_handler(WorkflowError)
def _workflow(request, exc):
    return problems.response(409, str(exc))


@api.exception_handler(signing.SigningNotConfigured)
def _no_signing(request, exc):
    return problems.response(
        503, gettext("স্বাক্ষরের চাবি এখনও যুক্ত হয়নি; স্বাক্ষরিত PDF এখন দেওয়া যাচ্ছে না।")
    )


@api.exception_handler(signing.TimestampUnavailable)
def _no_timestamp(request, exc):
    return problems.response(
        503,
        gettext("সময়-মুদ্রা সেবা এখন সাড়া দিচ্ছে না; পরে আবার চেষ্টা করুন।"),
        headers={"Retry-After": "300"},
    )


def _language(request) -> str:
    """The answer's language: by `Accept-Language` alone (a token client has no language cookie)."""
    for code, _ in parse_accept_lang_header(request.headers.get("Accept-Language", "")[:500]):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return "bn"


def _api_view(view):
    """Every API URL: no login page (the token authenticates), in the request's language, and a
    405 as a problem document (the pages' 405 page is HTML)."""

    def wrapped(request, *args, **kwargs):
        with translation.override(_language(request)):
            if "\x00" in request.path or any("\x00" in value for value in request.GET.values()):
                # No text the API reads may hold a NUL (PostgreSQL refuses it in a query: a 500).
                return problems.response(422, gettext("ঠিকানায় অচল অক্ষর (NUL) আছে।"))
            answer = view(request, *args, **kwargs)
            if answer.status_code == 405:
                allowed = answer.get("Allow", "")
                answer = problems.response(
                    405,
                    gettext("এই ঠিকানায় এই পদ্ধতি চলে না; চলে: {allowed}।").format(allowed=allowed),
                    headers={"Allow": allowed},
                )
            answer["Content-Language"] = translation.get_language()
            return answer

    wrapped.csrf_exempt = True
    return login_not_required(wrapped)


def not_found(request, rest=""):
    return problems.response(404, gettext("এই ঠিকানায় API তে কিছু নেই।"))


def urlpatterns():
    from django.urls import re_path

    patterns, _, _ = api.urls
    for pattern in patterns:
        pattern.callback = _api_view(pattern.callback)
    return patterns + [re_path(r"^(?P<rest>.*)$", _api_view(not_found))]
