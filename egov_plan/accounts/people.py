"""Managing who is in: office heads (a reviewer's membership marked as the office's user manager)
add, deactivate, transfer and change the role of the people of their office and the offices below
it, at /people/ (egov_plan/accounts/people_views.py); admins do the same anywhere.

- A manager's reach is the subtree of each office they manage (one prefix condition on the office
  tree's path per managed office). Outside it nothing is shown (404).
- Nobody becomes an admin here, and a manager gives the manager's flag only to memberships of offices
  strictly below one they manage: never a reach as wide as their own or wider. They do not change
  themselves, nor a manager whose reach is as wide as theirs.
- Deactivating a user ends their sessions at once (their rows deleted; and an inactive user's next
  request finds nobody, egov_plan/accounts/permissions.py).
- A transfer ends the memberships the person holds on its date and starts the new one that day;
  ended memberships are kept (history names the office acted for at the time).
- Every change is recorded as a PeopleChange (who, when, to whom, where, what).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from egov_plan.accounts.models import Membership, PeopleChange, UserProfile, UserSession
from egov_plan.offices.models import Office
from egov_plan.offices.tree import under_q


class PeopleError(Exception):
    """A change that may not be made, with the reason in Bengali (for the field it concerns)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- reach ------------------------------------------------------------------------------------


def managed(user) -> list[Membership]:
    """The user's current manager memberships (with their offices; read with the request's user)."""
    from egov_plan.accounts.permissions import memberships

    return [m for m in memberships(user) if m.is_manager]


# What an admin needs to manage people anywhere, as for the users' import (egov_plan/accounts/admin.py).
ADMIN_PERMISSIONS = (
    "auth.add_user",
    "auth.change_user",
    "egov_plan.add_membership",
    "egov_plan.change_membership",
)


def is_admin(user) -> bool:
    """An admin who may manage the people of every office: staff with the users' permissions."""
    return user.is_staff and user.is_active and user.has_perms(ADMIN_PERMISSIONS)


def is_people_manager(user) -> bool:
    return is_admin(user) or bool(managed(user))


def in_reach(user, office: Office) -> bool:
    """Whether the user manages the people of `office`: an admin everywhere, a manager in their subtrees."""
    if is_admin(user):
        return True
    return any(m.office_id == office.pk or office.is_under(m.office) for m in managed(user))


def strictly_below_reach(user, office: Office) -> bool:
    """Whether `office` lies strictly below an office the user manages (where they may name managers)."""
    return is_admin(user) or any(office.is_under(m.office) for m in managed(user))


def reach_filter(user, prefix: str = "office__") -> Q:
    """The condition on an office (through `prefix`) that it lies in the user's reach."""
    condition = Q(pk__in=[])
    for m in managed(user):
        condition |= under_q(m.office, prefix=prefix, include_self=True)
    return condition


def people(user, *, under: Office | None = None, search: str = "") -> QuerySet:
    """The current memberships of the offices in the user's reach (under `under`, if given), with their
    users, profiles and offices, by office and username: for a Paginator (a count and a page, each
    one query, whatever the number of people)."""
    members = (
        Membership.objects.current()
        .filter(user__is_active=True)
        .select_related("user", "user__profile", "office", "office__tier")
        .order_by("office__path", "user__username", "pk")
    )
    if not is_admin(user):
        members = members.filter(reach_filter(user))
    if under is not None:
        members = members.filter(under_q(under, prefix="office__", include_self=True))
    if search:
        members = members.filter(
            Q(user__username__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(office__code__iexact=search)
        )
    return members


def changes(user, *, under: Office | None = None) -> QuerySet:
    """The recorded changes of the offices in the user's reach, newest first."""
    found = PeopleChange.objects.select_related("actor", "user", "office").order_by("-at", "-pk")
    if not is_admin(user):
        found = found.filter(reach_filter(user))
    if under is not None:
        found = found.filter(under_q(under, prefix="office__", include_self=True))
    return found


def may_change(actor, member: Membership) -> bool:
    """Whether the actor may change this membership (role, transfer) or its user (deactivate)."""
    if not in_reach(actor, member.office):
        return False
    if (member.user.is_staff or member.user.is_superuser) and not actor.is_superuser:
        return False  # an admin's account is changed by a superuser only
    if is_admin(actor):
        return True
    if member.user_id == actor.pk:
        return False
    return not member.is_manager or strictly_below_reach(actor, member.office)


def _record(
    actor, user, office: Office, action: str, before: str = "", after: str = ""
) -> PeopleChange:
    return PeopleChange.objects.create(
        actor=actor, user=user, office=office, action=action, before=before, after=after
    )


def _refuse_unless_allowed(actor, member: Membership) -> None:
    if not may_change(actor, member):
        raise PeopleError(
            gettext("এই ব্যক্তির তথ্য বদলানোর অধিকার আপনার নেই (নিজেকে বা সমান আওতার ব্যবস্থাপককে বদলানো যায় না)।")
        )


def _check_role(role: str) -> None:
    if role not in dict(Membership.ROLE_CHOICES):
        raise PeopleError(gettext("ভূমিকা হতে পারে শুধু কর্মকর্তা বা পর্যালোচক; কাউকে প্রশাসক করা যায় না।"), "role")


def _check_manager(actor, office: Office, role: str, is_manager: bool) -> None:
    if not is_manager:
        return
    if role != Membership.REVIEWER:
        raise PeopleError(gettext("শুধু পর্যালোচক ব্যবহারকারী ব্যবস্থাপক হতে পারেন।"), "is_manager")
    if not strictly_below_reach(actor, office):
        raise PeopleError(
            gettext("আপনি শুধু আপনার অধীন দপ্তরগুলোর ব্যবস্থাপক ঠিক করতে পারেন।"), "is_manager"
        )


# --- changes ------------------------------------------------------------------------------------


@transaction.atomic
def add_person(
    actor,
    *,
    username: str,
    full_name: str,
    email: str,
    office: Office,
    role: str,
    is_manager: bool = False,
    mobile: str = "",
    designation: str = "",
):
    """A new user (no password: an invitation, sent once the transaction has committed) with a
    membership from today."""
    from egov_plan.accounts.tasks import queue_invitations

    if not in_reach(actor, office):
        raise PeopleError(gettext("এই কোডের কোনো দপ্তর আপনার আওতায় নেই।"), "office_code")
    _check_role(role)
    _check_manager(actor, office, role, is_manager)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise PeopleError(gettext("এই ব্যবহারকারীর নাম আগেই আছে; অন্য একটি দিন।"), "username")
    user = user_model.objects.create(
        username=username, first_name=full_name, email=email, password=make_password(None)
    )
    Membership.objects.create(user=user, office=office, role=role, is_manager=is_manager)
    if mobile or designation:
        UserProfile.objects.create(user=user, mobile=mobile, designation=designation)
    _record(
        actor, user, office, PeopleChange.ADDED, after=role + (" manager" if is_manager else "")
    )
    transaction.on_commit(lambda: queue_invitations([user.pk]), robust=True)
    return user


@transaction.atomic
def change_role(actor, member: Membership, *, role: str, is_manager: bool) -> None:
    _refuse_unless_allowed(actor, member)
    _check_role(role)
    if is_manager != member.is_manager and not strictly_below_reach(actor, member.office):
        raise PeopleError(
            gettext("আপনি শুধু আপনার অধীন দপ্তরগুলোর ব্যবস্থাপক ঠিক করতে পারেন।"), "is_manager"
        )
    _check_manager(actor, member.office, role, is_manager)
    if role != member.role:
        _record(
            actor, member.user, member.office, PeopleChange.ROLE, before=member.role, after=role
        )
    if is_manager != member.is_manager:
        _record(
            actor,
            member.user,
            member.office,
            PeopleChange.MANAGER,
            before=str(int(member.is_manager)),
            after=str(int(is_manager)),
        )
    member.role, member.is_manager = role, is_manager
    member.save(update_fields=["role", "is_manager"])


@transaction.atomic
def deactivate(actor, member: Membership) -> None:
    """Deactivate the member's user (every membership they hold must be the actor's to change) and
    end their sessions at once."""
    user = member.user
    for held in Membership.objects.current().filter(user=user).select_related("office"):
        if not may_change(actor, held):
            raise PeopleError(
                gettext(
                    "এই ব্যক্তির অন্য দপ্তরেও সদস্যপদ আছে যা আপনার আওতার বাইরে; নিষ্ক্রিয় করতে পারেন শুধু প্রশাসক বা উপরের ব্যবস্থাপক।"
                )
            )
    _refuse_unless_allowed(actor, member)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    end_sessions(user)
    _record(actor, user, member.office, PeopleChange.DEACTIVATED)


@transaction.atomic
def transfer(
    actor, member: Membership, *, office: Office, role: str, on: datetime.date
) -> Membership:
    """End the memberships the person holds on `on` (this one among them) that day and start one of
    `office` in `role` the same day."""
    _refuse_unless_allowed(actor, member)
    _check_role(role)
    if not in_reach(actor, office):
        raise PeopleError(gettext("এই কোডের কোনো দপ্তর আপনার আওতায় নেই।"), "office_code")
    if office.pk == member.office_id:
        raise PeopleError(
            gettext("নতুন দপ্তর বর্তমান দপ্তরই; ভূমিকা বদলাতে ওপরের ফর্মটি ব্যবহার করুন।"), "office_code"
        )
    if on <= member.start_date:
        raise PeopleError(
            gettext("বদলির তারিখ সদস্যপদ শুরুর তারিখের ({date}) পরে হতে হবে।").format(
                date=_date(member.start_date)
            ),
            "on",
        )
    if member.end_date is not None and member.end_date <= on:
        raise PeopleError(gettext("এই সদস্যপদ বদলির তারিখের আগেই শেষ হচ্ছে।"), "on")
    # The person's other memberships on that day end too, those the actor may change (another
    # office's, out of the actor's reach, goes on).
    ending = [
        held
        for held in Membership.objects.current(on).filter(user=member.user).select_related("office")
        if held.pk == member.pk or may_change(actor, held)
    ]
    if (
        any(held.start_date >= on for held in ending)
        or Membership.objects.filter(user=member.user, start_date__gt=on).exists()
    ):
        # A membership that starts that day or later (an earlier transfer dated ahead): it is not
        # ended by this one; correct or end it first (or by the users' file, which corrects in place).
        raise PeopleError(
            gettext("এই ব্যক্তির একটি সদস্যপদ বদলির তারিখে বা তার পরে শুরু হচ্ছে; আগে সেটি ঠিক করুন।"), "on"
        )
    for held in ending:
        held.end_date = on
        held.save(update_fields=["end_date"])
        _record(
            actor,
            member.user,
            held.office,
            PeopleChange.TRANSFERRED,
            before=held.office.code,
            after=f"{office.code} {on.isoformat()}",
        )
    return Membership.objects.create(user=member.user, office=office, role=role, start_date=on)


def _date(day: datetime.date) -> str:
    from egov_plan.core import bangla

    return bangla.format_date(day)


# --- sessions -----------------------------------------------------------------------------------


def end_sessions(user) -> int:
    """Delete every session of the user that the app knows (all made since UserSession was kept)."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    return UserSession.objects.filter(user=user).delete()[0]


@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="egov_plan.accounts.people.deactivated_elsewhere",
)
def _deactivated_elsewhere(sender, instance, raw=False, **kwargs):
    """A user made inactive anywhere else (the admin's user page) loses their sessions too."""
    if not raw and not instance.is_active:
        end_sessions(instance)


@receiver(user_logged_in, dispatch_uid="egov_plan.accounts.people.session_owned")
def _session_owned(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return
    # The user's rows of sessions that have ended since (logged out elsewhere, expired) go first.
    UserSession.objects.filter(user=user).exclude(
        session_key__in=Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    ).delete()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


@receiver(user_logged_out, dispatch_uid="egov_plan.accounts.people.session_ended")
def _session_ended(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()
