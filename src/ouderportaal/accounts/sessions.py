"""Sessions in the database, written once when a login starts one.

Django's database sessions write a new session three times on the way to a login: a
check that the new key is free, an insert when the login gives the session a new key
(`cycle_key`), and an update with the login's data when the response goes out. Here a
session that has nothing stored yet (a browser's first login) keeps its data in memory
until the response, where it is inserted once; the insert fails on a key already in use
and Django's `create()` then draws another, so no check beforehand is needed. A session
that was stored before still gets a new key at the login, as Django does it, so a key
planted in the browser beforehand never becomes a logged-in session.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        # `create()` inserts with must_create and draws again when the key is taken.
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self) -> None:
        data = self._session  # loads the stored session; its key is None when there is none
        if self.session_key is None:
            # Nothing stored under any key: the response stores the data under a new one.
            self._session_cache = data
            self.modified = True
            return
        super().cycle_key()
