"""Events that parents hear about: recorded once, shown as "new", mailed at most once.

Events are recorded from the audit trail (`signals.py`): a release or a closed period
taking effect (recorded by schoolcontrol's task at that very moment), a method result
entered while nothing holds it back, a decided change request, an answered appointment
request and a new document. Whether results became visible is decided by the parents'
own rule (`schoolcontrol.rules.filter_for_parents`) at the moment of the effect, so
nothing is announced before a parent can see it.

Each event gets one `Notification` per parent with gezag (unique per event and
parent). Mail goes out per parent: everything due in one mail, naming every child,
with no results or personal data in it, respecting the parent's preferences, quiet
hours and daily digest.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from ouderportaal.core import queue
from ouderportaal.core.mail import compose_message, queue_messages, render_mail
from ouderportaal.core.models import Custody, GuardianLink, Student
from ouderportaal.core.privacy import account_ref
from ouderportaal.notifications.models import (
    DEFAULT_KINDS,
    Event,
    Kind,
    Mode,
    Notification,
    Preference,
    SchoolNotificationSettings,
)

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "ouderportaal.notifications.unsubscribe"
QUIET_START, QUIET_END = time(21), time(7)
# Limits within which a school chooses its parents' default digest time.
EARLIEST_DIGEST, LATEST_DIGEST = time(7), time(21)


# --- settings and preferences ---------------------------------------------------


def school_settings(school) -> SchoolNotificationSettings:
    found = SchoolNotificationSettings.objects.filter(school=school).first()
    return found or SchoolNotificationSettings(school=school, kinds=[str(k) for k in DEFAULT_KINDS])


def preference_for(user, school=None) -> Preference:
    """The parent's own choices, or the defaults of `school` (else their first school)."""
    found = Preference.objects.filter(user=user).first()
    return found if found is not None else default_preference(user, school)


def default_preference(user, school=None, defaults=None) -> Preference:
    """A parent without choices of their own gets the school's defaults."""
    if defaults is None:
        school_id = school.pk if school is not None else _first_school_id(user)
        defaults = SchoolNotificationSettings.objects.filter(school_id=school_id).first()
    preference = Preference(user=user)
    if defaults is not None and defaults.pk is not None:
        preference.mode = defaults.default_mode
        preference.digest_time = defaults.default_digest_time
    return preference


def _first_school_id(user):
    return (
        Student.objects.filter(
            guardian_links__guardian__user=user, guardian_links__custody=Custody.GEZAG
        )
        .values_list("school", flat=True)
        .order_by("school")
        .first()
    )


def in_quiet_hours(preference: Preference, at: datetime) -> bool:
    now = timezone.localtime(at).time()
    start, end = preference.quiet_start, preference.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def _next_local(at: datetime, moment: time) -> datetime:
    """The first local `moment` at or after `at`."""
    local = timezone.localtime(at)
    candidate = timezone.make_aware(datetime.combine(local.date(), moment))
    if candidate < at:
        candidate = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), moment))
    return candidate


def quiet_hours_end(preference: Preference, at: datetime) -> datetime:
    return _next_local(at, preference.quiet_end)


def unsubscribe_token(user, kinds) -> str:
    return signing.dumps({"u": user.pk, "k": sorted(kinds)}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), list):
        return None
    return data


# --- recording events -------------------------------------------------------------


def _parents_of(student_ids) -> dict[int, set[int]]:
    """user id -> ids of the given pupils over whom that user has gezag."""
    rows = GuardianLink.objects.filter(
        student_id__in=student_ids,
        custody=Custody.GEZAG,
        guardian__user__isnull=False,
        guardian__user__is_active=True,
    ).values_list("student_id", "guardian__user_id")
    found: dict[int, set[int]] = defaultdict(set)
    for student_id, user_id in rows:
        found[student_id].add(user_id)
    return found


def record_events(
    *,
    school,
    kind: str,
    cause: str,
    page: str,
    students,
    at=None,
    own_mail=False,
    closed_period=None,
) -> list[int]:
    """Record `kind` for each pupil in `students` and a notification for each parent
    with gezag; returns the ids of the parents to mail. `cause` makes the events'
    keys: recording the same cause again adds nothing. `own_mail`: the app that caused
    it has mailed the parents itself (the notification is then only shown as new)."""
    at = at or timezone.now()
    students = list(students)
    if not students:
        return []
    keys = {f"{kind}:{cause}:{student.pk}": student for student in students}
    existing = set(Event.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [
        Event(
            school=school,
            student=student,
            kind=kind,
            page=page,
            key=key,
            happened_at=at,
            closed_period=closed_period,
        )
        for key, student in keys.items()
        if key not in existing
    ]
    if not new:
        return []
    try:
        with transaction.atomic():
            Event.objects.bulk_create(new)
    except IntegrityError:  # recorded at the same time by another run
        return []
    events = Event.objects.filter(key__in=[e.key for e in new])
    parents = _parents_of([e.student_id for e in new])
    settings_row = school_settings(school)
    enabled = settings_row.enabled(kind)
    user_ids = {user_id for ids in parents.values() for user_id in ids}
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}
    rows = []
    to_mail = set()
    for event in events:
        for user_id in parents.get(event.student_id, ()):
            state = Notification.State.PENDING
            if own_mail:
                state = Notification.State.OWN_MAIL
            elif not enabled:
                state = Notification.State.OFF
            due = at
            if state == Notification.State.PENDING:
                preference = preferences.get(user_id) or default_preference(
                    None, defaults=settings_row
                )
                if kind in preference.off_kinds:
                    state = Notification.State.OFF
                elif preference.mode == Mode.DIGEST:
                    due = _next_local(at, preference.digest_time)
                if state == Notification.State.PENDING:
                    to_mail.add((user_id, due))
            rows.append(Notification(event=event, user_id=user_id, state=state, due_at=due))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    news_recorded({row.user_id for row in rows})
    by_due: dict[datetime, list[int]] = defaultdict(list)
    for user_id, due in to_mail:
        by_due[due].append(user_id)
    for due, user_ids in by_due.items():
        schedule_delivery(sorted(user_ids), due)
    return sorted({user_id for user_id, _ in to_mail})


def record_school_event(*, school, kind: str, cause: str, page: str, at=None) -> list[int]:
    """An event for every pupil of the school (a new document for parents)."""
    return record_events(
        school=school,
        kind=kind,
        cause=cause,
        page=page,
        students=Student.objects.enrolled().filter(school=school),
        at=at,
    )


def schedule_delivery(user_ids: list[int], due: datetime) -> None:
    from ouderportaal.notifications.tasks import deliver_notifications

    later = due if due > timezone.now() else None
    queue.enqueue(deliver_notifications, user_ids, run_after=later)


# --- results that became visible --------------------------------------------------


def _visible_students(queryset, *, school, kind, at, before) -> list[int]:
    from ouderportaal.schoolcontrol.rules import filter_for_parents

    now = set(
        filter_for_parents(queryset, school=school, kind=kind, at=at).values_list(
            "student_id", flat=True
        )
    )
    if not now:
        return []
    earlier = set(
        filter_for_parents(queryset, school=school, kind=kind, at=before).values_list(
            "student_id", flat=True
        )
    )
    return sorted(now - earlier)


def _enrolled(school, ids):
    return Student.objects.enrolled().filter(school=school, pk__in=ids)


def release_took_effect(release, at=None) -> list[int]:
    """The parents of pupils whose Cito results the release made visible."""
    from ouderportaal.results.models import LvsResult

    at = at or timezone.now()
    if release.release_at > at:
        return []
    results = LvsResult.objects.filter(
        school=release.school,
        school_year=release.school_year_id,
        release_moment=release.moment,
        superseded_by__isnull=True,
    )
    if release.group_id:
        results = results.filter(group_id=release.group_id)
    ids = _visible_students(
        results,
        school=release.school,
        kind="lvs",
        at=at,
        before=release.release_at - timedelta(microseconds=1),
    )
    cause = f"release:{release.pk}:{release.release_at.isoformat()}"
    return record_events(
        school=release.school,
        kind=Kind.RESULTS,
        cause=cause,
        page="results:lvs",
        students=_enrolled(release.school, ids),
        at=release.release_at,
    )


def period_ended(period, at=None) -> list[int]:
    """The parents of pupils whose results, held back by a closed period, are visible."""
    from ouderportaal.results.models import LvsResult, MethodResult

    at = at or timezone.now()
    if period.ends_at > at:
        return []
    mailed = []
    for model, kind, page in (
        (MethodResult, "method_tests", "results:method_tests"),
        (LvsResult, "lvs", "results:lvs"),
    ):
        results = model.objects.filter(
            school=period.school,
            superseded_by__isnull=True,
            entered_at__gte=period.starts_at,
            entered_at__lt=period.ends_at,
        )
        ids = _visible_students(
            results,
            school=period.school,
            kind=kind,
            at=at,
            before=period.ends_at - timedelta(microseconds=1),
        )
        mailed += record_events(
            school=period.school,
            kind=Kind.RESULTS,
            cause=f"period:{period.pk}:{period.ends_at.isoformat()}:{kind}",
            page=page,
            students=_enrolled(period.school, ids),
            at=period.ends_at,
        )
    return mailed


def method_result_entered(result) -> list[int]:
    """A method result visible at once (no closed period holds it back)."""
    from ouderportaal.results.models import MethodResult
    from ouderportaal.schoolcontrol.rules import filter_for_parents

    visible = filter_for_parents(
        MethodResult.objects.filter(pk=result.pk),
        school=result.school,
        kind="method_tests",
        at=timezone.now(),
    ).exists()
    if not visible:
        return []
    return record_events(
        school=result.school,
        kind=Kind.RESULTS,
        cause=f"method:{result.test_id}",
        page="results:method_tests",
        students=_enrolled(result.school, [result.student_id]),
    )


# The page a closure's news links to: that of the first part it closes (whose closure
# message the parent then sees).
CLOSURE_PAGES = [
    ("lvs", "results:lvs"),
    ("method_tests", "results:method_tests"),
    ("change_requests", "changerequests:child_requests"),
    ("appointments", "helpdesk:appointments"),
]


def closure_page(period) -> str:
    return next((page for module, page in CLOSURE_PAGES if period.covers(module)), "results:lvs")


def period_started(period, at=None) -> list[int]:
    """The parents of the school's pupils hear that the portal (or part of it) is closed
    from now until the period's end: an optional kind, off until the school switches it on."""
    at = at or timezone.now()
    if not period.starts_at <= at < period.ends_at:
        return []
    return record_events(
        school=period.school,
        kind=Kind.CLOSURE,
        cause=f"period:{period.pk}:{period.starts_at.isoformat()}",
        page=closure_page(period),
        students=Student.objects.enrolled().filter(school=period.school),
        at=period.starts_at,
        closed_period=period,
    )


# --- mail -------------------------------------------------------------------------


def portal_link(path: str) -> str:
    return f"{settings.PORTAL_URL.rstrip('/')}{path}"


def _children(notifications) -> list[dict]:
    """Per child (first name only), the kinds of thing that are new."""
    children: dict[int, dict] = {}
    for item in notifications:
        event = item.event
        student = event.student
        entry = children.setdefault(
            student.pk if student else 0,
            {"name": student.roepnaam if student else "", "kinds": []},
        )
        label = Kind(event.kind).label
        if label not in entry["kinds"]:
            entry["kinds"].append(label)
    return list(children.values())


def _unsubscribe_url(user, notifications) -> str:
    kinds = sorted({item.event.kind for item in notifications})
    return portal_link(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kinds)]))


def _closures(notifications) -> list:
    """The closed periods announced in these notifications (the same for every parent
    of the school: no personal data)."""
    found = {}
    for item in notifications:
        period = item.event.closed_period
        if item.event.kind == Kind.CLOSURE and period is not None:
            found.setdefault(period.pk, period)
    return sorted(found.values(), key=lambda period: (period.starts_at, period.pk))


def mail_context(user, notifications) -> dict:
    """What the mail says: per child, which kinds of thing are new, and when the portal
    is closed. Nothing more."""
    return {
        "user": user,
        "children": _children(notifications),
        "closures": _closures(notifications),
        "portal_url": portal_link(reverse("portal:home")),
        "preferences_url": portal_link(reverse("notifications:preferences")),
        "unsubscribe_url": _unsubscribe_url(user, notifications),
    }


def unsubscribe_headers(url: str) -> dict:
    """RFC 8058 one-click unsubscribe."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


MAIL_TEMPLATE = "notifications/mail/news"
# Stand-ins for what differs between parents' mails: a mail is rendered once per
# language, school and shape (the kinds per child), then filled in per parent.
NAME_SLOT = "\ue000child-{}\ue000"
UNSUBSCRIBE_SLOT = "\ue000unsubscribe\ue000"


class MailRenderer:
    """Renders the news mail once per language, school and shape of its content.

    What differs per parent (the children's first names and the unsubscribe link) is
    put in afterwards (escaped in the HTML); the result is the same mail as rendering
    the template for that parent.
    """

    def __init__(self):
        self._rendered: dict = {}

    def message(self, user, notifications, school):
        children = _children(notifications)
        closures = _closures(notifications)
        shape = tuple((bool(child["name"]), tuple(child["kinds"])) for child in children)
        key = (user.language, school.pk, shape, tuple(period.pk for period in closures))
        rendered = self._rendered.get(key)
        if rendered is None:
            context = {
                "children": [
                    {"name": NAME_SLOT.format(i) if child["name"] else "", "kinds": child["kinds"]}
                    for i, child in enumerate(children)
                ],
                "closures": closures,
                "portal_url": portal_link(reverse("portal:home")),
                "preferences_url": portal_link(reverse("notifications:preferences")),
                "unsubscribe_url": UNSUBSCRIBE_SLOT,
            }
            rendered = self._rendered[key] = render_mail(
                template=MAIL_TEMPLATE, context=context, language=user.language, school=school
            )
        url = _unsubscribe_url(user, notifications)
        rendered = rendered.fill(UNSUBSCRIBE_SLOT, url)
        for i, child in enumerate(children):
            if child["name"]:
                rendered = rendered.fill(NAME_SLOT.format(i), child["name"])
        return compose_message(
            to=user.email, rendered=rendered, school=school, headers=unsubscribe_headers(url)
        )


# Parents mailed per transaction: one commit per parent would make a school's release
# wait on the disk 1,800 times.
DELIVERY_CHUNK = 200


def deliver_for_user(user, at=None) -> int:
    """Mail what is due for one parent in one mail; returns 1 when a mail was queued."""
    return deliver([user.pk], at)


def deliver(user_ids, at=None) -> int:
    """Mail each of these parents what is due for them, in one mail each; returns the
    number of mails queued. Notifications switched off, held by quiet hours or without
    an address are marked (or moved on) instead; running it again sends nothing twice."""
    at = at or timezone.now()
    user_ids = sorted(user_ids)
    defaults: dict = {}
    renderer = MailRenderer()
    sent = 0
    for start in range(0, len(user_ids), DELIVERY_CHUNK):
        sent += _deliver_chunk(user_ids[start : start + DELIVERY_CHUNK], at, defaults, renderer)
    return sent


def _deliver_chunk(user_ids, at, defaults: dict, renderer: MailRenderer) -> int:
    from django.contrib.auth import get_user_model

    State = Notification.State
    with transaction.atomic():
        users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).in_bulk()
        due_by_user: dict[int, list[Notification]] = defaultdict(list)
        for item in (
            Notification.objects.select_for_update(of=("self",))
            .filter(user_id__in=list(users), state=State.PENDING, due_at__lte=at)
            .select_related("event__student", "event__school", "event__closed_period")
            .order_by("event__happened_at", "pk")
        ):
            due_by_user[item.user_id].append(item)
        if not due_by_user:
            return 0
        preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=due_by_user)}
        switched_off, no_address = [], []
        held: dict[datetime, list[Notification]] = defaultdict(list)
        outgoing = []  # (user, notifications, message, school)
        for user_id, due in due_by_user.items():
            user = users[user_id]
            school = due[0].event.school
            preference = preferences.get(user_id)
            if preference is None:
                if school.pk not in defaults:
                    defaults[school.pk] = school_settings(school)
                preference = default_preference(user, defaults=defaults[school.pk])
            off = [n for n in due if n.event.kind in preference.off_kinds]
            switched_off += off
            due = [n for n in due if n not in off]
            if not due:
                continue
            if in_quiet_hours(preference, at):
                held[quiet_hours_end(preference, at)] += due
            elif not user.email:
                no_address += due
            else:
                outgoing.append((user, due, renderer.message(user, due, school), school))
        if switched_off:
            Notification.objects.filter(pk__in=[n.pk for n in switched_off]).update(state=State.OFF)
        if no_address:
            Notification.objects.filter(pk__in=[n.pk for n in no_address]).update(
                state=State.NO_ADDRESS
            )
        for later, items in held.items():
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(due_at=later)
            schedule_delivery(sorted({n.user_id for n in items}), later)
        if not outgoing:
            return 0
        mails = queue_messages(
            [(message, school) for _user, _due, message, school in outgoing],
            template=MAIL_TEMPLATE,
        )
        sent = []
        for (_user, due, _message, _school), mail in zip(outgoing, mails, strict=True):
            for item in due:
                item.state, item.mail, item.sent_at = State.SENT, mail, at
                sent.append(item)
        Notification.objects.bulk_update(sent, ["state", "mail", "sent_at"], batch_size=500)
    for (user, _due, _message, _school), mail in zip(outgoing, mails, strict=True):
        logger.info("notification mail %s queued for %s", mail.pk, account_ref(user))
    return len(mails)


def deliver_due(at=None) -> int:
    """Every parent with a notification due: for a task backend without delayed tasks."""
    at = at or timezone.now()
    user_ids = set(
        Notification.objects.filter(state=Notification.State.PENDING, due_at__lte=at).values_list(
            "user_id", flat=True
        )
    )
    return deliver(sorted(user_ids), at)


# --- in the portal ----------------------------------------------------------------


def news_recorded(user_ids) -> None:
    """Tell these people's pages that there is unseen news (see `User.news_mark`)."""
    if user_ids:
        get_user_model().objects.filter(pk__in=sorted(user_ids)).update(
            news_mark=F("news_mark") + 1
        )


def unseen_for(user):
    if not user.news_mark:
        return Notification.objects.none()  # nothing recorded since all was seen
    return (
        Notification.objects.filter(user=user, seen_at__isnull=True)
        .select_related("event__student", "event__school")
        .order_by("-event__happened_at", "-pk")
    )


def mark_seen(user, *, page: str, student_public_id=None, school_slug=None, kinds=None) -> int:
    """Mark the news about `page` seen (only of `kinds`, when given)."""
    if not user.news_mark:
        return 0
    items = Notification.objects.filter(user=user, seen_at__isnull=True, event__page=page)
    if kinds is not None:
        items = items.filter(event__kind__in=kinds)
    if student_public_id is not None:
        items = items.filter(event__student__public_id=student_public_id)
    if school_slug is not None:
        items = items.filter(event__school__slug=school_slug)
    seen = items.update(seen_at=timezone.now())
    # Back to 0 when nothing is left unseen, unless news was recorded since this
    # request read the account (its mark then differs, also after waiting for the
    # transaction that recorded it).
    get_user_model().objects.filter(pk=user.pk, news_mark=user.news_mark).exclude(
        Exists(Notification.objects.filter(user=OuterRef("pk"), seen_at__isnull=True))
    ).update(news_mark=0)
    return seen


def notifications_for_user(user) -> list[dict]:
    """What was recorded and sent to this person, as plain data (for an export)."""
    return [
        {
            "kind": item.event.kind,
            "school": item.event.school.name,
            "child": item.event.student.roepnaam if item.event.student else "",
            "happened_at": item.event.happened_at.isoformat(),
            "state": item.state,
            "sent_at": item.sent_at.isoformat() if item.sent_at else None,
            "seen_at": item.seen_at.isoformat() if item.seen_at else None,
        }
        for item in Notification.objects.filter(user=user)
        .select_related("event__school", "event__student")
        .order_by("event__happened_at", "pk")
    ]


# --- preferences -------------------------------------------------------------------

PREFERENCE_FIELDS = ["off_kinds", "mode", "digest_time", "quiet_start", "quiet_end"]


def save_preferences(user, *, kinds_on, mode, digest_time, quiet_start, quiet_end) -> Preference:
    """Store a parent's choices (recorded with the old and new values)."""
    from ouderportaal.core import audit

    with transaction.atomic():
        preference = Preference.objects.select_for_update().filter(user=user).first()
        old = audit.values_of(preference, PREFERENCE_FIELDS) if preference else None
        if preference is None:
            preference = Preference(user=user)
        preference.off_kinds = [k for k in Kind.values if k not in kinds_on]
        preference.mode = mode
        preference.digest_time = digest_time
        preference.quiet_start = quiet_start
        preference.quiet_end = quiet_end
        preference.save()
        new = audit.values_of(preference, PREFERENCE_FIELDS)
        if old is not None:
            old, new = audit.changed(old, new)
        audit.record("notifications.preferences.changed", actor=user, old=old, new=new)
    return preference


def switch_off(user, kinds) -> Preference:
    """The one-click unsubscribe: these kinds no longer mail this parent (logged)."""
    from ouderportaal.core import audit

    with transaction.atomic():
        preference = Preference.objects.select_for_update().filter(user=user).first()
        if preference is None:
            preference = preference_for(user)
            preference.user = user
        old = sorted(preference.off_kinds)
        preference.off_kinds = sorted(set(preference.off_kinds) | set(kinds))
        preference.save()
        audit.record(
            "notifications.unsubscribed",
            actor=user,
            kinds=sorted(kinds),
            old={"off_kinds": old},
            new={"off_kinds": preference.off_kinds},
        )
    logger.info(
        "notifications switched off by one-click unsubscribe for %s",
        account_ref(user),
    )
    return preference


SCHOOL_SETTING_FIELDS = ["kinds", "default_mode", "default_digest_time"]


def save_school_settings(settings, *, actor, kinds, default_mode, default_digest_time):
    """Store which events mail a school's parents and its defaults for them."""
    from ouderportaal.core import audit

    with transaction.atomic():
        old = audit.values_of(settings, SCHOOL_SETTING_FIELDS)
        settings.kinds = sorted(kinds)
        settings.default_mode = default_mode
        settings.default_digest_time = default_digest_time
        settings.save()
        old, new = audit.changed(old, audit.values_of(settings, SCHOOL_SETTING_FIELDS))
        audit.record(
            "notifications.settings.changed",
            actor=actor,
            school=settings.school,
            obj=settings,
            old=old,
            new=new,
        )
    return settings
