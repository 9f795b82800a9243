"""Authentication that compares usernames exactly, as the help desk promises parents."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from ouderportaal.accounts import usernames

REQUEST_MEMO = "_accounts_by_name"


@cache
def _active_staff_member():
    """Whether an account belongs to active staff, for an annotation (built once)."""
    from ouderportaal.core.models import StaffMember

    return Exists(StaffMember.objects.filter(user=OuterRef("pk"), is_active=True))


def account_named(request, name: str):
    """The account whose username is `name` in any capitals, or None.

    Usernames are unique regardless of case, so at most one account matches. The
    account comes with what the login needs next: its state (second factor, lifted
    lock) and whether it belongs to active staff (`is_active_staff_member`), in the
    same query. Within one request the answer is kept, so the throttle and the
    password check share one lookup.
    """
    if not name:
        return None
    memo = request.__dict__.setdefault(REQUEST_MEMO, {}) if request is not None else {}
    if name not in memo:
        memo[name] = (
            get_user_model()
            ._default_manager.filter(username__iexact=name)
            .select_related("account_state")
            .annotate(is_active_staff_member=_active_staff_member())
            .first()
        )
    return memo[name]


class CaseSensitiveBackend(ModelBackend):
    """Django's ModelBackend with an exact, byte-for-byte username comparison.

    Usernames are unique regardless of case, so at most one account matches
    case-insensitively; it is used only when the capitals match too. That way the
    behaviour does not depend on the database's collation (SQLite or PostgreSQL).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        # The stored form (NFKC), as the login form also gives it: capitals still count.
        username = usernames.normalise(username)
        user = account_named(request, username)
        if user is None or user.username != username:
            # Hash once anyway so the response time does not reveal which usernames exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
