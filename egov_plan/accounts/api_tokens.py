"""Personal access tokens for the JSON API: made, checked and revoked here, nowhere else.

A token is 32 random bytes (URL-safe base64, prefixed `apa_` so that a leaked one is recognisable
in logs); only its SHA-256 is stored, so checking a presented token is one indexed lookup by hash."""

import datetime
import functools
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from egov_plan import rowsql
from egov_plan.accounts.models import ApiToken, Membership, today
from egov_plan.offices.models import Office, OfficeTier

PREFIX = "apa_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(
    *, user, name: str, scope: str, expires_at: datetime.datetime, second_factor: bool = False
) -> tuple[ApiToken, str]:
    """The new token and its plain text, which is never stored: the caller shows it once.
    `second_factor`: made in a session that passed the second factor (recorded with the time)."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        expires_at=expires_at,
        token_hash=token_digest(raw),
        prefix=raw[:12],
        second_factor_at=timezone.now() if second_factor else None,
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def api_token_check(raw: str) -> ApiToken | None:
    """The live token (not expired, not revoked, of an active user) that `raw` is, with its user and
    the user's current memberships, their offices and tiers (every API request asks where its user
    works): one query, in plain SQL (egov_plan/rowsql.py; through the ORM, the token and the
    memberships took two, and most of the request's time); else None."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    from egov_plan.accounts.permissions import with_memberships

    connection = connections["default"]
    on = connection.ops.adapt_datefield_value(today())
    query, tail = _token_query()
    found = query.rows(
        tail,
        [
            on,
            on,
            token_digest(raw),
            rowsql.prepared(ApiToken, "expires_at", timezone.now(), connection),
            rowsql.prepared(get_user_model(), "is_active", True, connection),
        ],
    )
    if not found:
        return None
    token = found[0][0]
    rowsql.cache_relation(token, "user", with_memberships(found))
    return token


def api_tokens_revoke_all(*, user) -> int:
    """Revoke every live token of `user` (their second factor was reset: tokens made with the old
    device must not outlive it). How many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@functools.cache
def _token_query() -> tuple[rowsql.Select, str]:
    """A token by its hash, live, with its active user and their current memberships (as
    egov_plan.accounts.permissions.MembershipBackend reads the user of a page's request): a row each."""
    from egov_plan.accounts.permissions import memberships_join, memberships_order

    user = get_user_model()
    col = rowsql.column
    return (
        rowsql.Select(
            (ApiToken, "k"), (user, "u"), (Membership, "m"), (Office, "o"), (OfficeTier, "t")
        ),
        f"FROM {rowsql.table(ApiToken)} k JOIN {rowsql.table(user)} u ON {col(user, 'u', 'id')} = "
        f"{col(ApiToken, 'k', 'user')} "
        f"{memberships_join('u')} "
        f"WHERE {col(ApiToken, 'k', 'token_hash')} = %s AND {col(ApiToken, 'k', 'revoked_at')} IS NULL "
        f"AND {col(ApiToken, 'k', 'expires_at')} > %s AND {col(user, 'u', 'is_active')} = %s {memberships_order()}",
    )
