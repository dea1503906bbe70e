"""Error pages Django would otherwise answer in English, or with the wrong status.

- A 405 without a body (Django's `require_http_methods`) gets the Bengali page.
- The database out of reach (PostgreSQL restarting, PgBouncer unable to reach it, the connection
  lost mid-request) is a 503 with Retry-After and a Bengali page saying to try again shortly,
  not a 500: nothing is wrong with the request and nothing of it was stored (its transaction did
  not commit). `handler500` in egov_plan/urls.py; every other failure keeps Django's 500 page.

(The CSRF failure page is `templates/403_csrf.html`, which Django's own
CSRF failure view renders instead of its English page.)
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.defaults import server_error as django_server_error

# Seconds a client (the entry page's offline queue, a browser) is asked to wait before trying again.
DATABASE_RETRY_AFTER = 5


class NotAllowedPageMiddleware:
    """Give a 405 without a body (Django's `require_http_methods`) the Bengali page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not getattr(response, "streaming", False)
            and not response.content
        ):
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


def database_unreachable(error: BaseException | None) -> bool:
    """Whether an uncaught exception is the database not answering (on connect or mid-request)."""
    while error is not None:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """Django's 500 page, or the 503 page when the database could not be reached.

    Rendered without a request context (as Django's 500 page is): the context processors would
    ask the database for the user's offices."""
    if database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    return django_server_error(request)
