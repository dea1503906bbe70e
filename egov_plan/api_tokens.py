"""Personal access tokens for the JSON API: made, checked and revoked here, nowhere else.

A token is 32 random bytes (URL-safe base64, prefixed `apa_` so that a leaked one is recognisable
in logs); only its SHA-256 is stored, so checking a presented token is one indexed lookup by hash."""

import datetime
import hashlib
import secrets

from django.db.models import Q
from django.utils import timezone

from egov_plan.account_models import ApiToken
from egov_plan.models import Membership

PREFIX = "apa_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, user, name: str, scope: str, expires_at: datetime.datetime,
                     second_factor: bool = False) -> tuple[ApiToken, str]:
    """The new token and its plain text, which is never stored: the caller shows it once.
    `second_factor`: made in a session that passed the second factor (recorded with the time)."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, scope=scope, expires_at=expires_at,
                                    token_hash=token_digest(raw), prefix=raw[:12],
                                    second_factor_at=timezone.now() if second_factor else None)
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_check(raw: str) -> ApiToken | None:
    """The live token (not expired, not revoked, of an active user) that `raw` is, with its user and
    the user's current memberships, their offices and tiers (every API request asks where its user works); else None."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    now = timezone.now()
    token = (ApiToken.objects.select_related("user")
             .filter(Q(revoked_at__isnull=True), token_hash=token_digest(raw), expires_at__gt=now,
                     user__is_active=True).first())
    if token is not None:
        # The memberships current today, as reports.permissions.memberships keeps them.
        token.user._memberships_cache = list(
            Membership.objects.current().select_related("office__tier").filter(user=token.user)
            .order_by("start_date", "pk"))
    return token


def api_tokens_revoke_all(*, user) -> int:
    """Revoke every live token of `user` (their second factor was reset: tokens made with the old
    device must not outlive it). How many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
