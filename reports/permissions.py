"""Who may see and act on which office's reports.

- an officer sees and edits the reports of their own office;
- a reviewer sees and acts on the reports of every office below theirs, at any depth;
- an admin (staff) sees everything and configures plans, but neither enters nor reviews.
A user who may not see a report gets 404, so that its existence is not revealed;
one who may see it but not do what was asked gets 403.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.http import Http404

from egov_plan.models import ActionPlan, Membership, Office


def offices_below(office_id: int) -> set[int]:
    """Ids of every office under `office_id` (children, their children, …), one query."""
    children = defaultdict(list)
    for pk, parent_id in Office.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found: set[int] = set()
    stack = list(children[office_id])
    while stack:
        pk = stack.pop()
        if pk not in found:  # a cycle in bad data must not loop forever
            found.add(pk)
            stack.extend(children[pk])
    return found


def _offices_below_user(user, member: Membership) -> set[int]:
    # A page asks more than once (may they see it? are they its reviewer?); read the tree once.
    cached = getattr(user, "_offices_below", None)
    if cached is None:
        cached = user._offices_below = offices_below(member.office_id)
    return cached


def membership(user) -> Membership | None:
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def visible_office_ids(user) -> set[int] | None:
    """The offices whose reports `user` may see; None means all of them."""
    if user.is_staff:
        return None
    member = membership(user)
    if member is None:
        return set()
    if member.role == Membership.REVIEWER:
        return _offices_below_user(user, member)
    return {member.office_id}


def is_officer_of(user, office_id: int) -> bool:
    member = membership(user)
    return member is not None and member.role == Membership.OFFICER and member.office_id == office_id


def is_reviewer_above(user, office_id: int) -> bool:
    member = membership(user)
    return (member is not None and member.role == Membership.REVIEWER
            and office_id in _offices_below_user(user, member))


def is_reviewer(user) -> bool:
    member = membership(user)
    return member is not None and member.role == Membership.REVIEWER


def can_see_office(user, office_id: int) -> bool:
    visible = visible_office_ids(user)
    return visible is None or office_id in visible


def get_plan_for_user(user, plan_id: int) -> ActionPlan:
    plan = ActionPlan.objects.select_related("office", "fiscal_year").filter(pk=plan_id).first()
    if plan is None or not can_see_office(user, plan.office_id):
        raise Http404("কর্মপরিকল্পনাটি পাওয়া যায়নি")
    return plan


def require_officer(user, plan: ActionPlan) -> None:
    if not is_officer_of(user, plan.office_id):
        raise PermissionDenied("শুধু দপ্তরের কর্মকর্তা অর্জন লিখতে পারেন")


def require_reviewer(user, plan: ActionPlan) -> None:
    if not is_reviewer_above(user, plan.office_id):
        raise PermissionDenied("শুধু নিয়ন্ত্রণকারী দপ্তরের পর্যালোচক এটি করতে পারেন")
