"""Authentication that compares usernames exactly, as the help desk promises parents."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from ouderportaal.accounts import usernames


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
        user = get_user_model()._default_manager.filter(username__iexact=username).first()
        if user is None or user.username != username:
            # Hash once anyway so the response time does not reveal which usernames exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
