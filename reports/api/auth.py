"""Who calls the API: a personal access token (`Authorization: Bearer apa_…`), never a session.

A session cookie is not read at all, so a page in a browser cannot be made to write through the
API (no CSRF hole). The token's user becomes `request.user`, so the services and the audit
history name them as the pages do. A read-only token may only read (`require_write_scope`: 403).
Each token is rate limited (`API_RATE_LIMIT` per `API_RATE_WINDOW` seconds, counted in the
database: egov_plan/rate_limit.py), answered 429 with `Retry-After`."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from ninja.security import HttpBearer

from egov_plan import i18n, rate_limit
from egov_plan.accounts.api_tokens import api_token_check
from egov_plan.accounts.models import ApiToken
from reports.api.problems import Problem

LAST_USED_EVERY = datetime.timedelta(hours=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = api_token_check(token.strip())
        if found is None:
            return None  # 401
        if not rate_limit.hit(
            f"api:{found.pk}", limit=settings.API_RATE_LIMIT, window=settings.API_RATE_WINDOW
        ):
            raise Problem(
                429,
                gettext(
                    "এই টোকেন দিয়ে অল্প সময়ে অনেক অনুরোধ করা হয়েছে; {seconds} সেকেন্ড পরে আবার চেষ্টা করুন।"
                ).format(seconds=i18n.number(settings.API_RATE_WINDOW)),
                headers={"Retry-After": str(settings.API_RATE_WINDOW)},
            )
        if found.last_used_at is None or timezone.now() - found.last_used_at > LAST_USED_EVERY:
            # When it was last used, for its holder's page and the admin: one write an hour at most.
            found.last_used_at = timezone.now()
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=found.last_used_at)
        user = found.user
        # The user's memberships came with the token (api_token_check): permissions read them without a query.
        request.user = user
        request.api_token = found
        return found


def require_write_scope(request) -> None:
    """Every write calls this (reports/api/quarters.py): a read-only token may not write."""
    if request.api_token.scope != ApiToken.WRITE:
        raise Problem(403, gettext("এই টোকেনটি শুধু পড়ার; লেখার জন্য “পড়া ও লেখা” অনুমতির টোকেন তৈরি করুন।"))
