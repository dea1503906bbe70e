"""Personal access tokens: made with a name, scope and expiry, kept only as a hash, refused once
expired or revoked."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from egov_plan.accounts import permissions
from egov_plan.accounts.api_tokens import api_token_check, api_token_create, api_token_revoke
from egov_plan.accounts.models import ApiToken, Membership
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _token(user, days=30, scope=ApiToken.READ):
    return api_token_create(
        user=user,
        name="বিআই",
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )


def test_it_stores_only_the_hash_of_the_token():
    token, raw = _token(make_user("u"))
    row = ApiToken.objects.get(pk=token.pk)
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(v) for v in ApiToken.objects.values().get(pk=token.pk).values()}
    assert raw.startswith(row.prefix) and len(row.prefix) < len(raw)


def test_it_accepts_a_live_token_and_names_its_user():
    user = make_user("u")
    token, raw = _token(user)
    assert api_token_check(raw) == token and api_token_check(raw).user == user


def test_it_refuses_expired_revoked_malformed_and_inactive_users_tokens():
    user = make_user("u")
    _expired, expired = _token(user, days=-1)
    revoked_token, revoked = _token(user)
    api_token_revoke(token=revoked_token)
    assert api_token_check(expired) is None
    assert api_token_check(revoked) is None
    assert api_token_check("apa_not-a-token") is None and api_token_check("x" * 500) is None
    _live, live = _token(user)
    user.is_active = False
    user.save()
    assert api_token_check(live) is None


def test_a_token_comes_with_its_users_current_memberships_in_one_query(
    people, django_assert_num_queries
):
    """Ended and future memberships do not count; the offices and tiers need no further query."""
    today = timezone.localdate()
    Membership.objects.create(
        user=people.officer,
        office=people.other_office,
        role=Membership.REVIEWER,
        start_date=today - datetime.timedelta(days=90),
        end_date=today,
    )
    Membership.objects.create(
        user=people.officer,
        office=people.supervising,
        role=Membership.REVIEWER,
        start_date=today + datetime.timedelta(days=1),
    )
    _token_, raw = _token(people.officer)
    expected = [(people.office.code, people.office.tier.code, Membership.OFFICER)]
    with django_assert_num_queries(1):
        found = api_token_check(raw)
        assert [
            (m.office.code, m.office.tier.code, m.role) for m in permissions.memberships(found.user)
        ] == expected
    _none, alone = _token(make_user("nobody"))
    assert permissions.memberships(api_token_check(alone).user) == []


def test_two_tokens_never_share_a_text():
    user = make_user("u")
    assert _token(user)[1] != _token(user)[1]
