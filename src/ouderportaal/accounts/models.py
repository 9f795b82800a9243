"""The user account. Parents and staff use the same account type and the same login."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who can log in.

    Usernames are case-sensitive at login (JdeVries is not jdevries) but unique
    regardless of case, so that two accounts never differ only in capitals.
    """

    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("nl", _("Dutch")), ("en", _("English"))],
        default="nl",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
