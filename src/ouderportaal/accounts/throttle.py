"""Slowing down password guessing without locking a parent out for long.

Failures are counted per account (any capitals), per account from one address, and per
address. Past a threshold each further failure doubles the wait, up to a short maximum;
a successful login clears the account's count. Every failure and lock is logged.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from ouderportaal.accounts.models import LoginFailure
from ouderportaal.core import audit
from ouderportaal.core.net import client_ip
from ouderportaal.core.privacy import pseudonym

logger = logging.getLogger("ouderportaal.accounts.security")

WINDOW = timedelta(hours=1)
FIRST_WAIT = timedelta(seconds=30)


@dataclass(frozen=True)
class Rule:
    name: str
    threshold: int
    max_wait: timedelta


ACCOUNT_FROM_ADDRESS = Rule("account+address", 5, timedelta(minutes=15))
ACCOUNT = Rule("account", 20, timedelta(minutes=15))
ADDRESS = Rule("address", 50, timedelta(hours=1))


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _wait(rule: Rule, failures: int) -> timedelta:
    over = failures - rule.threshold
    if over < 0:
        return timedelta(0)
    seconds = FIRST_WAIT.total_seconds() * math.pow(2, min(over, 20))
    return min(timedelta(seconds=seconds), rule.max_wait)


def _checks(username: str, ip: str | None):
    since = timezone.now() - WINDOW
    recent = LoginFailure.objects.filter(at__gte=since)
    key = _key(username)
    checks = [(ACCOUNT, recent.filter(username_key=key))]
    if ip:
        checks.append((ACCOUNT_FROM_ADDRESS, recent.filter(username_key=key, ip=ip)))
        checks.append((ADDRESS, recent.filter(ip=ip)))
    return checks


def _log_id(username: str) -> str:
    """A short keyed digest of the username: log lines can be correlated, not read."""
    return pseudonym("login-log", _key(username), length=12)


def locked_for(username: str, ip: str | None) -> timedelta | None:
    """How long this login must wait, or None when it may try now."""
    now = timezone.now()
    longest = None
    for rule, failures in _checks(username, ip):
        count = failures.count()
        if count < rule.threshold:
            continue
        last = failures.order_by("-at").values_list("at", flat=True).first()
        remaining = last + _wait(rule, count) - now
        if remaining > timedelta(0) and (longest is None or remaining > longest):
            longest = remaining
    return longest


def record_failure(request, username: str) -> None:
    ip = client_ip(request)
    LoginFailure.objects.create(username_key=_key(username), ip=ip)
    logger.warning("login failed for account %s from %s", _log_id(username), ip)
    wait = locked_for(username, ip)
    if wait is not None:
        logger.warning(
            "login locked for account %s from %s for %d s",
            _log_id(username),
            ip,
            wait.total_seconds(),
        )
        audit.record(
            "account.login.locked",
            username=_key(username),
            ip=ip or "",
            seconds=int(wait.total_seconds()),
        )
    # Keep the table small: older failures no longer count.
    LoginFailure.objects.filter(at__lt=timezone.now() - 2 * WINDOW).delete()


def record_blocked(request, username: str) -> None:
    logger.warning(
        "login attempt while locked for account %s from %s", _log_id(username), client_ip(request)
    )


def clear_account(username: str) -> None:
    LoginFailure.objects.filter(username_key=_key(username)).delete()
