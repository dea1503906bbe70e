"""A user's permissions are read in one statement, and are the set Django's ModelBackend gives."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov_plan.accounts.permissions import MembershipBackend, is_plan_admin

pytestmark = pytest.mark.django_db


def permission(codename):
    return Permission.objects.get(codename=codename)


def fresh(user):
    """The user as a new request reads it: nothing cached."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def users():
    make = get_user_model().objects.create_user
    editors = Group.objects.create(name="plan editors")
    editors.permissions.add(permission("change_actionplan"), permission("add_indicator"))
    readers = Group.objects.create(name="readers")
    readers.permissions.add(permission("view_actionplan"), permission("add_indicator"))
    direct = make("direct", is_staff=True)
    direct.user_permissions.add(permission("change_actionplan"))
    grouped = make("grouped", is_staff=True)
    grouped.groups.add(editors, readers)
    both = make("both", is_staff=True)
    both.user_permissions.add(permission("delete_indicator"), permission("add_indicator"))
    both.groups.add(readers)
    inactive = make("inactive", is_staff=True, is_active=False)
    inactive.user_permissions.add(permission("change_actionplan"))
    return {
        "direct": direct,
        "grouped": grouped,
        "both": both,
        "none": make("none", is_staff=True),
        "inactive": inactive,
        "superuser": get_user_model().objects.create_superuser("root", password="x" * 20),
    }


def test_each_kind_of_user_gets_the_set_model_backend_gives(users):
    for name, user in users.items():
        ours = MembershipBackend().get_all_permissions(fresh(user))
        django = ModelBackend().get_all_permissions(fresh(user))
        assert ours == django, name
    assert MembershipBackend().get_all_permissions(fresh(users["both"])) == {
        "egov_plan.delete_indicator",
        "egov_plan.add_indicator",
        "egov_plan.view_actionplan",
    }
    assert MembershipBackend().get_all_permissions(fresh(users["none"])) == set()


def test_a_staff_users_permissions_cost_one_statement_however_they_are_granted(users):
    user = fresh(users["grouped"])
    with CaptureQueriesContext(connection) as queries:
        assert is_plan_admin(user)
        assert user.has_perm("egov_plan.view_actionplan")
        assert not user.has_perm("egov_plan.delete_actionplan")
    assert len(queries) == 1
    assert not is_plan_admin(fresh(users["none"]))
    assert not is_plan_admin(fresh(users["inactive"]))
    assert is_plan_admin(fresh(users["superuser"]))


def test_a_permission_granted_counts_from_the_users_next_request(users):
    user = users["none"]
    assert not is_plan_admin(fresh(user))
    user.user_permissions.add(permission("change_actionplan"))
    assert is_plan_admin(fresh(user))
