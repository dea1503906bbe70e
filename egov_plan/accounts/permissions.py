"""Who may see and act on which office's reports.

- an officer sees and edits the reports of their own office;
- a reviewer sees and acts on the reports of every office below theirs, at any depth;
- an admin (staff) sees everything and configures plans, but neither enters nor reviews.
A user who may not see a report gets 404, so that its existence is not revealed;
one who may see it but not do what was asked gets 403.

Only memberships current today count (a membership has a start and an end date; a transfer ends
one and starts another), and a user may hold several: each grants what its role grants.

"Below" is a prefix match on the office tree's materialised path: checking one office costs no
query (the user's office comes with the membership), and filtering a list is one indexed
condition, never a read of the whole office table.
"""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from egov_plan import rowsql
from egov_plan.accounts.models import Membership, today
from egov_plan.offices.models import Office, OfficeTier
from egov_plan.offices.tree import under_q
from egov_plan.plans.models import ActionPlan

CHOSEN_KEY = "chosen_membership"  # in the session: the membership the user chose to act in


def memberships(user) -> list[Membership]:
    """The user's memberships current today (dated: egov_plan.models.Membership), oldest first;
    the request's user comes with them (`MembershipBackend`), others are read once."""
    cached = getattr(user, "_memberships_cache", None)
    if cached is not None:
        return cached
    found = []
    if user.is_authenticated:
        found = list(
            Membership.objects.current()
            .select_related("office", "office__tier")
            .filter(user=user)
            .order_by("start_date", "pk")
        )
    user._memberships_cache = found
    return found


def membership(user) -> Membership | None:
    """The membership the user acts in on pages that show one office (the index, the dashboard):
    the one they chose (`choose_membership`), else their first current one."""
    found = memberships(user)
    chosen = getattr(user, "_chosen_membership", None)
    for member in found:
        if member.pk == chosen:
            return member
    return found[0] if found else None


def reviewer_membership(user) -> Membership | None:
    """The reviewer's membership whose subtree reviewer pages (dashboard, inbox, bulk print) show:
    the chosen one if it is a reviewer's, else the first reviewer's."""
    chosen = membership(user)
    if chosen is not None and chosen.role == Membership.REVIEWER:
        return chosen
    return next((m for m in memberships(user) if m.role == Membership.REVIEWER), None)


class ChosenOfficeMiddleware:
    """Gives the request's user the membership chosen in their session (no query: the session is read)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.user._chosen_membership = request.session.get(CHOSEN_KEY)
        return self.get_response(request)


class MembershipBackend(ModelBackend):
    """Django's user-and-password backend, whose user of each request comes with its current
    memberships, their offices and tiers in the same query: every page asks who the user is and
    where they work."""

    def get_user(self, user_id):
        query, tail = _user_query()
        on = connections["default"].ops.adapt_datefield_value(today())
        found = query.rows(tail, [on, on, user_id])
        if not found:
            return None
        user = with_memberships(found)
        if not self.user_can_authenticate(user):
            return None
        return user

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's set ("app_label.codename"), kept on the user as it keeps it, read in one
        plain-SQL statement (the user's own and their groups' permissions at once) instead of two
        ORM queries: every page a staff user opens asks `is_plan_admin`. A superuser's (every
        permission) is left to ModelBackend."""
        if (
            not user_obj.is_active
            or user_obj.is_anonymous
            or obj is not None
            or user_obj.is_superuser
        ):
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            query, tail = _permissions_query()
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in query.values(tail, [user_obj.pk, user_obj.pk])
            }
        return user_obj._perm_cache


def with_memberships(found: list[tuple]):
    """The user of rows (…, user, membership, office, tier) read with `memberships_join`, with their
    current memberships cached as `memberships` keeps them (a row each; one with no membership)."""
    user = found[0][-4]
    members = []
    for *_, _user, member, office, tier in found:
        if member is not None:
            rowsql.cache_relation(member, "user", user)
            rowsql.cache_relation(member, "office", office)
            rowsql.cache_relation(office, "tier", tier)
            members.append(member)
    user._memberships_cache = members
    return user


def memberships_join(user_alias: str) -> str:
    """SQL joining the user `user_alias` to their memberships current on a day (two parameters, the
    day twice) as `m`, their offices `o` and tiers `t`: for `with_memberships` (order by `memberships_order`)."""
    col = rowsql.column
    user = get_user_model()
    return (
        f"LEFT JOIN {rowsql.table(Membership)} m ON {col(Membership, 'm', 'user')} = {col(user, user_alias, 'id')} "
        f"AND {col(Membership, 'm', 'start_date')} <= %s "
        f"AND ({col(Membership, 'm', 'end_date')} IS NULL OR {col(Membership, 'm', 'end_date')} > %s) "
        f"LEFT JOIN {rowsql.table(Office)} o ON {col(Office, 'o', 'id')} = {col(Membership, 'm', 'office')} "
        f"LEFT JOIN {rowsql.table(OfficeTier)} t ON {col(OfficeTier, 't', 'id')} = {col(Office, 'o', 'tier')}"
    )


def memberships_order() -> str:
    return f"ORDER BY {rowsql.column(Membership, 'm', 'start_date')}, {rowsql.column(Membership, 'm', 'id')}"


@functools.cache
def _permissions_query() -> tuple[rowsql.Select, str]:
    """(app label, codename) of every permission the user (the parameter, twice) holds directly or
    through a group."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField

    user = get_user_model()
    col = rowsql.column
    direct = user._meta.get_field("user_permissions").remote_field.through
    grouped = user._meta.get_field("groups").remote_field.through
    granted = Group._meta.get_field("permissions").remote_field.through
    return (
        rowsql.Select(
            extra=[
                (col(ContentType, "c", "app_label"), CharField()),
                (col(Permission, "p", "codename"), CharField()),
            ]
        ),
        f"FROM {rowsql.table(Permission)} p "
        f"JOIN {rowsql.table(ContentType)} c ON {col(ContentType, 'c', 'id')} = {col(Permission, 'p', 'content_type')} "
        f"WHERE {col(Permission, 'p', 'id')} IN ("
        f"SELECT {col(direct, 'd', 'permission')} FROM {rowsql.table(direct)} d "
        f"WHERE {col(direct, 'd', 'user')} = %s "
        f"UNION SELECT {col(granted, 'g', 'permission')} FROM {rowsql.table(granted)} g "
        f"JOIN {rowsql.table(grouped)} ug ON {col(grouped, 'ug', 'group')} = {col(granted, 'g', 'group')} "
        f"WHERE {col(grouped, 'ug', 'user')} = %s)",
    )


@functools.cache
def _user_query() -> tuple[rowsql.Select, str]:
    """A user with their current memberships, their offices and the offices' tiers: a row each (one
    with no membership), in plain SQL (every request reads it; through the ORM it cost seven times
    the round trip)."""
    user = get_user_model()
    return (
        rowsql.Select((user, "u"), (Membership, "m"), (Office, "o"), (OfficeTier, "t")),
        f"FROM {rowsql.table(user)} u {memberships_join('u')} "
        f"WHERE {rowsql.column(user, 'u', 'id')} = %s {memberships_order()}",
    )


def is_officer_of(user, office_id: int) -> bool:
    return any(m.role == Membership.OFFICER and m.office_id == office_id for m in memberships(user))


def is_reviewer_above(user, office: Office) -> bool:
    return any(
        m.role == Membership.REVIEWER and office.is_under(m.office) for m in memberships(user)
    )


def is_plan_admin(user) -> bool:
    """Staff who may change plans in the admin: they edit any plan (and templates) in the plan editor."""
    return user.is_staff and user.has_perm("egov_plan.change_actionplan")


def is_reviewer(user) -> bool:
    return any(m.role == Membership.REVIEWER for m in memberships(user))


def may_use_second_factor(user) -> bool:
    """Reviewers and admins (staff) have a second factor (egov_plan/accounts/second_factor.py);
    officers never need one."""
    return user.is_authenticated and (user.is_staff or is_reviewer(user))


def must_use_second_factor(user) -> bool:
    """With REQUIRE_SECOND_FACTOR on, reviewers and admins pass a second factor before approving,
    returning or reopening, and before the admin."""
    return settings.REQUIRE_SECOND_FACTOR and may_use_second_factor(user)


def can_see_office(user, office: Office | None) -> bool:
    if user.is_staff:
        return True
    if office is None:  # templates: admins only
        return False
    return any(
        office.is_under(m.office) if m.role == Membership.REVIEWER else m.office_id == office.pk
        for m in memberships(user)
    )


def visible_offices_q(user, *, prefix: str = "") -> Q:
    """The offices whose reports `user` may see, as a filter (through `prefix`, e.g. "office__"), for
    lists: the rule of `can_see_office` as one indexed condition (a prefix of the office's path)."""
    if user.is_staff:
        return Q()
    visible = Q(**{f"{prefix}pk__in": []})
    for member in memberships(user):
        visible |= (
            under_q(member.office, prefix=prefix)
            if member.role == Membership.REVIEWER
            else Q(**{f"{prefix}pk": member.office_id})
        )
    return visible


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
