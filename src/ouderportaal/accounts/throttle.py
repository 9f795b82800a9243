"""Slowing down password and code guessing without locking out the rightful parent.

Failures are keyed on what authenticates: the account (found by its normalised name,
any capitals; a name without an account by its NFKC + casefolded form) and the
visitor's address (core.net.client_ip). Browsers are split in two (OWASP device
cookies, see accounts/devices.py):

- A browser with a valid device cookie for the account has its own allowance: only
  its own failures count, and only it has to wait when it uses them up.
- Unknown browsers share the account's allowance (per address and in total), and the
  per-address allowance over all accounts.

Past an allowance each further failure doubles the wait, from 30 seconds up to 15
minutes. Wrong codes from the authenticator app and refused passkeys count like wrong
passwords. Every failure and lock is logged with pseudonyms; locks go into the audit
trail, and staff of the parent's school can lift an account's lock (`lift`).
"""

from __future__ import annotations

import logging
import math
import operator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.accounts import devices, usernames
from ouderportaal.accounts.backends import account_named
from ouderportaal.accounts.models import AccountState, LoginFailure
from ouderportaal.core import audit
from ouderportaal.core.models import AuditEvent
from ouderportaal.core.net import client_ip
from ouderportaal.core.privacy import account_ref, pseudonym

logger = logging.getLogger("ouderportaal.accounts.security")

WINDOW = timedelta(hours=1)
FIRST_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=15)


@dataclass(frozen=True)
class Rule:
    name: str
    threshold: int
    description: str


# A browser that logged in to the account before: its own failures only.
DEVICE = Rule("device", 5, _("too many failed attempts from one known device"))
# Unknown browsers, per account from one address, per account, and per address.
ACCOUNT_FROM_ADDRESS = Rule(
    "account+address", 5, _("too many failed attempts from one address on unknown devices")
)
ACCOUNT = Rule("account", 10, _("too many failed attempts on unknown devices"))
ADDRESS = Rule("address", 50, _("too many failed attempts for any account from one address"))
RULES = {rule.name: rule for rule in (DEVICE, ACCOUNT_FROM_ADDRESS, ACCOUNT, ADDRESS)}
# Up to this many recent failures are read and counted here; with more (an attack), the
# database counts them.
READ_LIMIT = 100


@dataclass
class Attempt:
    """One login attempt: whose account, from where, from which browser.

    `own_failures` is what `lock_for` counted against this browser (the failures a
    successful login clears), or None before that.
    """

    user: object | None
    username_key: str
    address_key: str
    device: str
    own_failures: int | None = field(default=None, compare=False)

    @property
    def trusted(self) -> bool:
        return bool(self.device)

    def log_id(self) -> str:
        if self.user is not None:
            return account_ref(self.user)
        return pseudonym("login-log", f"name:{self.username_key}", length=12)


@dataclass(frozen=True)
class Lock:
    rule: Rule
    remaining: timedelta
    until: datetime


def _address_key(request) -> str:
    ip = client_ip(request)
    return pseudonym("login-throttle-address", ip) if ip else ""


def log_address(request) -> str:
    """The visitor's address as log lines and audit rows show it: a short pseudonym."""
    ip = client_ip(request)
    return pseudonym("login-log-address", ip, length=12) if ip else "-"


def attempt_for_name(request, typed: str) -> Attempt:
    """The attempt for a typed username: the account it names (any capitals), if any."""
    name = usernames.normalise(typed)[: usernames.MAX_LENGTH]
    return _attempt(request, account_named(request, name), name)


def attempt_for_user(request, user) -> Attempt:
    return _attempt(request, user, user.username)


def attempt_for_unknown_key(request, credential_id: str) -> Attempt:
    """A passkey this portal does not know: its failures count against the address."""
    return _attempt(request, None, f"passkey:{credential_id}")


def _attempt(request, user, name: str) -> Attempt:
    return Attempt(
        user=user,
        username_key=pseudonym("login-throttle-name", name.casefold()),
        address_key=_address_key(request),
        device=devices.nonce_for(request, user.pk if user is not None else None),
    )


def _wait(rule: Rule, failures: int) -> timedelta:
    over = failures - rule.threshold
    if over < 0:
        return timedelta(0)
    seconds = FIRST_WAIT.total_seconds() * math.pow(2, min(over, 20))
    return min(timedelta(seconds=seconds), MAX_WAIT)


def _lifted_at(user):
    if user is None:
        return None
    state = AccountState.of(user)
    return state.lock_lifted_at if state is not None else None


def _account_condition(attempt: Attempt) -> Q:
    """The failures that count against the attempt's account (or name without one)."""
    if attempt.user is None:
        return Q(user__isnull=True, username_key=attempt.username_key)
    lifted = _lifted_at(attempt.user)
    account = Q(user=attempt.user)
    return account & Q(at__gt=lifted) if lifted is not None else account


def _account_failures(attempt: Attempt, since):
    return LoginFailure.objects.filter(_account_condition(attempt), at__gte=since)


def _checks(attempt: Attempt) -> list[tuple[Rule, Q]]:
    """The rules that apply to the attempt, each with the failures it counts."""
    account = _account_condition(attempt)
    if attempt.trusted:
        return [(DEVICE, account & Q(device=attempt.device))]
    unknown = account & Q(device="")
    checks = [(ACCOUNT, unknown)]
    if attempt.address_key:
        checks.append((ACCOUNT_FROM_ADDRESS, unknown & Q(address_key=attempt.address_key)))
        checks.append((ADDRESS, Q(address_key=attempt.address_key, device="")))
    return checks


def _own_rule(attempt: Attempt) -> Rule:
    """The rule that counts this browser's own failures: those a successful login clears
    (`record_success`)."""
    if attempt.trusted:
        return DEVICE
    return ACCOUNT_FROM_ADDRESS if attempt.address_key else ACCOUNT


def _lock(rule: Rule, count: int, last, now) -> Lock | None:
    if count < rule.threshold:
        return None
    until = last + _wait(rule, count)
    if until <= now:
        return None
    return Lock(rule=rule, remaining=until - now, until=until)


def _lock_of(rule: Rule, failures, now) -> Lock | None:
    figures = failures.aggregate(count=Count("pk"), last=Max("at"))
    return _lock(rule, figures["count"], figures["last"], now)


def _figures(checks: list[tuple[Rule, Q]], since) -> list[tuple[int, datetime | None]]:
    """Per rule, how many failures since `since` count and the latest one's moment.

    One query: the recent failures of any of the rules, each with a flag per rule, as
    long as there are fewer than READ_LIMIT; otherwise the database counts per rule.
    """
    conditions = [condition for _rule, condition in checks]
    recent = LoginFailure.objects.filter(reduce(operator.or_, conditions), at__gte=since)
    flags = {
        f"rule_{index}": ExpressionWrapper(condition, output_field=BooleanField())
        for index, condition in enumerate(conditions)
    }
    rows = list(recent.annotate(**flags).values_list("at", *flags)[:READ_LIMIT])
    if len(rows) < READ_LIMIT:
        figures = []
        for index in range(len(conditions)):
            moments = [row[0] for row in rows if row[index + 1]]
            figures.append((len(moments), max(moments, default=None)))
        return figures
    aggregates = {}
    for index, condition in enumerate(conditions):
        aggregates[f"count_{index}"] = Count("pk", filter=condition)
        aggregates[f"last_{index}"] = Max("at", filter=condition)
    totals = recent.aggregate(**aggregates)
    return [(totals[f"count_{i}"], totals[f"last_{i}"]) for i in range(len(conditions))]


def lock_for(attempt: Attempt) -> Lock | None:
    """The longest wait this attempt must sit out, or None when it may try now."""
    now = timezone.now()
    checks = _checks(attempt)
    figures = _figures(checks, now - WINDOW)
    longest = None
    for (rule, _condition), (count, last) in zip(checks, figures, strict=True):
        if rule is _own_rule(attempt):
            attempt.own_failures = count
        lock = _lock(rule, count, last, now)
        if lock is not None and (longest is None or lock.remaining > longest.remaining):
            longest = lock
    return longest


def record_failure(request, attempt: Attempt, kind=LoginFailure.Kind.PASSWORD) -> None:
    LoginFailure.objects.create(
        user=attempt.user,
        username_key=attempt.username_key,
        address_key=attempt.address_key,
        device=attempt.device,
        kind=kind,
    )
    address = log_address(request)
    logger.warning(
        "login failed (%s) for account %s from %s on a %s device",
        kind,
        attempt.log_id(),
        address,
        "known" if attempt.trusted else "unknown",
    )
    lock = lock_for(attempt)
    if lock is not None:
        seconds = int(lock.remaining.total_seconds())
        logger.warning(
            "login locked (%s) for account %s from %s for %d s",
            lock.rule.name,
            attempt.log_id(),
            address,
            seconds,
        )
        audit.record(
            "account.login.locked",
            obj=attempt.user,
            reason=lock.rule.name,
            seconds=seconds,
            account=attempt.log_id(),
            address=address,
            known_device=attempt.trusted,
        )
    # Keep the table small: older failures no longer count.
    LoginFailure.objects.filter(at__lt=timezone.now() - 2 * WINDOW).delete()


def record_blocked(request, attempt: Attempt) -> None:
    logger.warning(
        "login attempt while locked for account %s from %s",
        attempt.log_id(),
        log_address(request),
    )


def record_success(attempt: Attempt) -> None:
    """The whole login succeeded: this browser's and this address's failures are done.

    Failures from other unknown browsers keep counting until they age out, so that an
    attacker does not get a fresh allowance each time the parent logs in.
    """
    if attempt.user is None:
        return
    if attempt.own_failures == 0:
        # None counted when the attempt was checked: older ones no longer count.
        return
    mine = Q(device=attempt.device) if attempt.trusted else Q(device="")
    if attempt.address_key and not attempt.trusted:
        mine &= Q(address_key=attempt.address_key)
    LoginFailure.objects.filter(mine, user=attempt.user).delete()


# -- For staff ------------------------------------------------------------------------


def account_lock(user) -> Lock | None:
    """The lock unknown devices face on this account (any address), or None."""
    since = timezone.now() - WINDOW
    now = timezone.now()
    attempt = Attempt(user=user, username_key="", address_key="", device="")
    unknown = _account_failures(attempt, since).filter(device="")
    locks = [_lock_of(ACCOUNT, unknown, now)]
    crowded = (
        unknown.exclude(address_key="")
        .values("address_key")
        .annotate(count=Count("pk"))
        .filter(count__gte=ACCOUNT_FROM_ADDRESS.threshold)
        .values_list("address_key", flat=True)
    )
    locks += [
        _lock_of(ACCOUNT_FROM_ADDRESS, unknown.filter(address_key=key), now) for key in crowded
    ]
    active = [lock for lock in locks if lock is not None]
    return max(active, key=lambda lock: lock.remaining) if active else None


def locked_user_ids(user_ids) -> list[int]:
    """Which of these accounts have enough recent failures to be locked right now."""
    since = timezone.now() - WINDOW
    candidates = (
        LoginFailure.objects.filter(user_id__in=user_ids, at__gte=since, device="")
        .values("user_id")
        .annotate(count=Count("pk"))
        .filter(count__gte=min(ACCOUNT.threshold, ACCOUNT_FROM_ADDRESS.threshold))
        .values_list("user_id", flat=True)
    )
    users = get_user_model().objects.filter(pk__in=list(candidates))
    return [user.pk for user in users if account_lock(user) is not None]


def lift(user, *, actor, school) -> None:
    """Staff lift the account's lock: earlier failures no longer count against it."""
    state, _created = AccountState.objects.get_or_create(user=user)
    state.lock_lifted_at = timezone.now()
    state.save(update_fields=["lock_lifted_at"])
    audit.record("account.login.lock_lifted", actor=actor, school=school, obj=user)
    logger.info(
        "login lock lifted for account %s",
        account_ref(user),
    )


def lock_history(user) -> list[tuple]:
    """The account's locks and lifts of the last week (audit trail), newest first."""
    events = (
        AuditEvent.objects.filter(
            action__in=["account.login.locked", "account.login.lock_lifted"],
            object_type=user._meta.label_lower,
            object_id=str(user.pk),
            at__gte=timezone.now() - timedelta(days=7),
        )
        .select_related("actor")
        .order_by("-at")[:20]
    )
    rows = []
    for event in events:
        if event.action == "account.login.lock_lifted":
            name = event.actor.display_name if event.actor else "—"
            rows.append((event.at, _("lock lifted by %(name)s") % {"name": name}))
        else:
            rule = RULES.get(event.data.get("reason"))
            reason = str(rule.description) if rule else event.data.get("reason", "")
            rows.append((event.at, _("locked: %(reason)s") % {"reason": reason}))
    return rows
