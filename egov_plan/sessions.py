"""Sessions end after SESSION_IDLE_HOURS without a request.

A session's expiry moves on whenever it is saved. Saving it on every request
(SESSION_SAVE_EVERY_REQUEST) would cost a write per page, so a request saves
it only when the last renewal is RENEW_EVERY old: the idle limit then holds
to within that margin.
"""

import functools
import time

from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.dispatch import receiver
from django.utils import timezone

from egov_plan import rowsql

RENEW_EVERY = 5 * 60  # seconds
KEY = "renewed_at"


class SessionStore(db.SessionStore):
    """Django's database sessions (SESSION_ENGINE "egov_plan.sessions"), read in plain SQL: every
    signed-in request reads its session, and the ORM's query cost three times the round trip."""

    def _get_session_from_db(self):
        query, tail = _session_query(self.model)
        using = router.db_for_read(self.model)
        now = connections[using].ops.adapt_datetimefield_value(timezone.now())
        found = query.rows(tail, [self.session_key, now], using=using)
        if not found:
            self._session_key = None
            return None
        return found[0][0]


@functools.cache
def _session_query(model) -> tuple[rowsql.Select, str]:
    col = rowsql.column
    return (
        rowsql.Select((model, "s")),
        f"FROM {rowsql.table(model)} s WHERE {col(model, 's', 'session_key')} = %s "
        f"AND {col(model, 's', 'expire_date')} > %s",
    )


class IdleExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(KEY, 0) >= RENEW_EVERY:
                request.session[KEY] = now  # modified: saved with a fresh expiry and cookie
        return self.get_response(request)


@receiver(user_logged_in)
def _renewed_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[KEY] = int(time.time())
