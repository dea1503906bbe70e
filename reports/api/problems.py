"""Errors of the JSON API as RFC 9457 problem details (`application/problem+json`): `type`,
`title`, `status`, `detail`, and `errors` naming each failing field; the texts in the request's
language (Bengali, or English by `Accept-Language`)."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext, gettext_noop

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

# status → (type slug, title msgid)
KINDS = {
    400: ("bad-request", gettext_noop("অনুরোধটি সঠিক নয়")),
    401: ("unauthenticated", gettext_noop("প্রবেশাধিকার টোকেন প্রয়োজন")),
    403: ("forbidden", gettext_noop("এই কাজের অনুমতি নেই")),
    404: ("not-found", gettext_noop("পাওয়া যায়নি")),
    405: ("method-not-allowed", gettext_noop("এই পদ্ধতি এখানে চলে না")),
    428: ("precondition-required", gettext_noop("আগে পড়া মান প্রয়োজন")),
    409: ("conflict", gettext_noop("প্রতিবেদনের বর্তমান অবস্থায় এটি করা যায় না")),
    412: ("precondition-failed", gettext_noop("ETag মেলেনি")),
    413: ("too-large", gettext_noop("অনুরোধটি অনেক বড়")),
    422: ("invalid-values", gettext_noop("কিছু মান সঠিক নয়")),
    429: ("rate-limited", gettext_noop("অল্প সময়ে অনেক অনুরোধ")),
    503: ("unavailable", gettext_noop("এখন পাওয়া যাচ্ছে না")),
}


class Problem(Exception):
    """Raised anywhere under the API: answered as a problem document (see `response`)."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        *,
        errors: list[dict] | None = None,
        headers: dict | None = None,
        **extra,
    ):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []
        self.headers, self.extra = headers or {}, extra


def body(status: int, detail: str = "", *, errors: list[dict] | None = None, **extra) -> dict:
    slug, title = KINDS.get(status, ("error", gettext_noop("ত্রুটি")))
    document = {
        "type": TYPE_BASE + slug,
        "title": gettext(title),
        "status": status,
        "detail": detail or gettext(title),
        "errors": errors or [],
    }
    document.update(extra)
    return document


def response(
    status: int,
    detail: str = "",
    *,
    errors: list[dict] | None = None,
    headers: dict | None = None,
    **extra,
) -> HttpResponse:
    answer = HttpResponse(
        json.dumps(body(status, detail, errors=errors, **extra), ensure_ascii=False, default=str),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def of(problem: Problem) -> HttpResponse:
    return response(
        problem.status,
        problem.detail,
        errors=problem.errors,
        headers=problem.headers,
        **problem.extra,
    )


def field_error(field: str, detail: str) -> dict:
    return {"field": field, "detail": detail}
