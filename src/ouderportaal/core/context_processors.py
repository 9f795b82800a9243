from ouderportaal.core.access import active_memberships


def portal(request):
    """What the page frame needs: the staff schools for the back-office menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"staff_memberships": active_memberships(user)}
