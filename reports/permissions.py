"""Who may see and act on which office's reports.

- an officer sees and edits the reports of their own office;
- a reviewer sees and acts on the reports of every office below theirs, at any depth;
- an admin (staff) sees everything and configures plans, but neither enters nor reviews.
A user who may not see a report gets 404, so that its existence is not revealed;
one who may see it but not do what was asked gets 403.

"Below" is a prefix match on the office tree's materialised path: checking one office costs no
query (the user's office comes with the membership), and filtering a list is one indexed
condition, never a read of the whole office table.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from egov_plan import rowsql
from egov_plan.models import ActionPlan, Membership, Office, OfficeTier
from egov_plan.offices import under_q


def membership(user) -> Membership | None:
    cached = getattr(user, "_membership_cache", False)
    if cached is not False:
        return cached
    member = None
    if user.is_authenticated:
        member = Membership.objects.select_related("office", "office__tier").filter(user=user).first()
    user._membership_cache = member
    return member


class MembershipBackend(ModelBackend):
    """Django's user-and-password backend, whose user of each request comes with its membership,
    office and tier in the same query: every page asks who the user is and where they work."""

    def get_user(self, user_id):
        query, tail = _user_query()
        found = query.rows(tail, [user_id])
        if not found:
            return None
        user, member, office, tier = found[0]
        if not self.user_can_authenticate(user):
            return None
        if member is not None:
            rowsql.cache_relation(member, "user", user)
            rowsql.cache_relation(member, "office", office)
            rowsql.cache_relation(office, "tier", tier)
        rowsql.cache_relation(user, "membership", member)  # None: `user.membership` raises, as the ORM's would
        user._membership_cache = member
        return user


@functools.cache
def _user_query() -> tuple[rowsql.Select, str]:
    """A user with their membership, its office and the office's tier: one row, in plain SQL (every
    request reads it; through `select_related` it cost seven times the round trip)."""
    user = get_user_model()
    col = rowsql.column
    return (rowsql.Select((user, "u"), (Membership, "m"), (Office, "o"), (OfficeTier, "t")),
            f"FROM {rowsql.table(user)} u "
            f"LEFT JOIN {rowsql.table(Membership)} m ON {col(Membership, 'm', 'user')} = {col(user, 'u', 'id')} "
            f"LEFT JOIN {rowsql.table(Office)} o ON {col(Office, 'o', 'id')} = {col(Membership, 'm', 'office')} "
            f"LEFT JOIN {rowsql.table(OfficeTier)} t ON {col(OfficeTier, 't', 'id')} = {col(Office, 'o', 'tier')} "
            f"WHERE {col(user, 'u', 'id')} = %s")


def is_officer_of(user, office_id: int) -> bool:
    member = membership(user)
    return member is not None and member.role == Membership.OFFICER and member.office_id == office_id


def is_reviewer_above(user, office: Office) -> bool:
    member = membership(user)
    return member is not None and member.role == Membership.REVIEWER and office.is_under(member.office)


def is_plan_admin(user) -> bool:
    """Staff who may change plans in the admin: they edit any plan (and templates) in the plan editor."""
    return user.is_staff and user.has_perm("egov_plan.change_actionplan")


def is_reviewer(user) -> bool:
    member = membership(user)
    return member is not None and member.role == Membership.REVIEWER


def can_see_office(user, office: Office | None) -> bool:
    if user.is_staff:
        return True
    if office is None:  # templates: admins only
        return False
    member = membership(user)
    if member is None:
        return False
    if member.role == Membership.REVIEWER:
        return office.is_under(member.office)
    return member.office_id == office.pk


def visible_offices_q(user, *, prefix: str = "") -> Q:
    """The offices whose reports `user` may see, as a filter (through `prefix`, e.g. "office__"), for
    lists: the rule of `can_see_office` as one indexed condition (a prefix of the office's path)."""
    if user.is_staff:
        return Q()
    member = membership(user)
    if member is None:
        return Q(pk__in=[])
    if member.role == Membership.REVIEWER:
        return under_q(member.office, prefix=prefix)
    return Q(**{f"{prefix}pk": member.office_id})


def get_plan_for_user(user, plan_id: int) -> ActionPlan:
    plan = ActionPlan.objects.select_related("office", "fiscal_year").filter(pk=plan_id).first()
    if plan is None or not can_see_office(user, plan.office):
        raise Http404(gettext("কর্মপরিকল্পনাটি পাওয়া যায়নি"))
    return plan


def require_officer(user, plan: ActionPlan) -> None:
    if not is_officer_of(user, plan.office_id):
        raise PermissionDenied(gettext("শুধু দপ্তরের কর্মকর্তা অর্জন লিখতে পারেন"))


def require_reviewer(user, plan: ActionPlan) -> None:
    if plan.office is None or not is_reviewer_above(user, plan.office):
        raise PermissionDenied(gettext("শুধু নিয়ন্ত্রণকারী দপ্তরের পর্যালোচক এটি করতে পারেন"))

