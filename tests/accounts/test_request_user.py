"""Who the request's user is: read with their current memberships, offices and tiers in one plain-SQL
query after the session's, fresh on every request (no copy kept between requests)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov_plan.accounts import permissions
from egov_plan.accounts.models import Membership
from egov_plan.accounts.permissions import MembershipBackend
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_membership_office_and_tier_in_one_query(people):
    with CaptureQueriesContext(connection) as queries:
        user = MembershipBackend().get_user(people.reviewer.pk)
        member = permissions.membership(user)
        assert (user.username, member.role, member.office.code) == (
            "reviewer",
            Membership.REVIEWER,
            "LGD",
        )
        assert member.office.tier.code == "ministry"
        assert permissions.memberships(user) == [member] and member.user is user
        assert permissions.is_reviewer_above(user, people.office)
    assert len(queries) == 1


def test_its_fields_hold_what_the_orm_reads(people):
    fresh = MembershipBackend().get_user(people.officer.pk)
    orm = get_user_model().objects.get(pk=people.officer.pk)
    orm_member = Membership.objects.select_related("office__tier").get(user=orm)
    ours_member = permissions.membership(fresh)
    for ours, theirs in (
        (fresh, orm),
        (ours_member, orm_member),
        (ours_member.office, orm_member.office),
        (ours_member.office.tier, orm_member.office.tier),
    ):
        assert type(ours) is type(theirs)
        for field in theirs._meta.concrete_fields:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
    assert not fresh._state.adding and fresh._state.db == "default"


def test_a_user_without_a_membership_has_none():
    staff = make_user("admin", is_staff=True)
    user = MembershipBackend().get_user(staff.pk)
    with CaptureQueriesContext(connection) as queries:
        assert permissions.membership(user) is None and permissions.memberships(user) == []
    assert len(queries) == 0  # known with the user: nothing to read


def test_an_unknown_or_deactivated_user_is_nobody(people):
    assert MembershipBackend().get_user(999_999) is None
    get_user_model().objects.filter(pk=people.officer.pk).update(is_active=False)
    assert MembershipBackend().get_user(people.officer.pk) is None


def test_a_deactivated_user_is_signed_out_at_their_next_request(client, people):
    client.force_login(people.officer)
    assert client.get("/").status_code == 200
    get_user_model().objects.filter(pk=people.officer.pk).update(is_active=False)
    assert client.get("/").status_code == 302  # to the login page


def test_a_change_of_office_or_role_counts_from_the_next_request(client, people, seed_plan):
    client.force_login(people.officer)
    edit = f"/plans/{seed_plan.pk}/quarters/1/edit/"
    assert client.get(edit).status_code == 200
    Membership.objects.filter(user=people.officer).update(office=people.other_office)
    assert client.get(edit).status_code == 404  # no longer sees the seed office's plan


def test_an_expired_or_unknown_session_is_not_read(client, people):
    client.force_login(people.officer)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get("/").status_code == 302
    client.cookies["sessionid"] = "no-such-session-key-at-all-00000"
    assert client.get("/").status_code == 302


def test_a_password_change_elsewhere_signs_the_session_out(client, people):
    client.force_login(people.officer)
    assert client.get("/").status_code == 200
    people.officer.set_password("another-long-secret")
    people.officer.save()
    assert client.get("/").status_code == 302
