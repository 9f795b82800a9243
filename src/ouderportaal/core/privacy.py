"""Keyed pseudonyms for personal values that rate limits and logs need to compare."""

from django.utils.crypto import salted_hmac


def pseudonym(purpose: str, value: str, length: int = 64) -> str:
    """A keyed SHA-256 digest of `value` (trimmed, any case): comparable, not readable.

    `purpose` separates uses, so a digest from one table or log cannot be matched
    against another.
    """
    digest = salted_hmac(purpose, value.strip().lower(), algorithm="sha256")
    return digest.hexdigest()[:length]


def account_ref(user) -> str:
    """How an account appears in log lines: a short pseudonym, the same in every log, so
    that one account's lines can be followed without naming it."""
    return pseudonym("login-log", f"user:{user.pk}", length=12)
