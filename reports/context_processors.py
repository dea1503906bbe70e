from egov_plan.accounts import permissions


def navigation(request):
    """What the navigation needs to know about the user (their membership, read once)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from egov_plan.accounts.people import is_people_manager

    reviewer = permissions.is_reviewer(user)
    return {
        "nav_is_reviewer": user.is_staff or reviewer,
        "nav_bulk_print": reviewer,
        "nav_people": is_people_manager(user),
    }
