"""Login in steps, set-password links, forgotten passwords and usernames, the profile."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from ouderportaal.accounts import flow, passkeys, recovery, services, throttle, totp
from ouderportaal.accounts.forms import (
    CodeForm,
    ConfirmPasswordForm,
    ForgotPasswordForm,
    ForgotUsernameForm,
    LoginForm,
    PasswordChangeForm,
    RecoveryAddressForm,
    SetPasswordForm,
    UsernameForm,
)
from ouderportaal.accounts.models import (
    AccountState,
    LoginFailure,
    RecoveryAddressChange,
    email_key,
)
from ouderportaal.accounts.tasks import (
    send_password_changed_notice,
    send_password_reset,
    send_username_reminder,
)
from ouderportaal.core import audit, queue
from ouderportaal.core.access import parent_view, public_view
from ouderportaal.core.models import AuditEvent, School
from ouderportaal.core.privacy import pseudonym


def _outbox_url():
    if not settings.DEBUG:
        return None
    try:
        return reverse("accounts:outbox")
    except NoReverseMatch:
        return None


# A small installation lists every school's mailbox and closures on the login page.
SMALL_INSTALLATION = 10
_LOGIN_PAGE_FIELDS = ("name", "portal_email", "slug", "settings_version")


def _login_page_schools():
    """The schools of a small installation by name (one more: the installation is not
    small), with what the login page shows of them."""
    schools = School.objects.order_by("name").only(*_LOGIN_PAGE_FIELDS)
    return list(schools[: SMALL_INSTALLATION + 1])


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True
    attempt = None
    lock = None

    def post(self, request, *args, **kwargs):
        self.attempt = throttle.attempt_for_name(request, request.POST.get("username", ""))
        self.lock = throttle.lock_for(self.attempt)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.lock is not None:
            form.locked_message = locked_message(self.lock)
        return form

    def form_invalid(self, form):
        if self.lock is not None:
            throttle.record_blocked(self.request, self.attempt)
        elif self.request.POST.get("username") and self.request.POST.get("password"):
            throttle.record_failure(self.request, self.attempt)
        return super().form_invalid(form)

    def form_valid(self, form):
        return flow.begin_login(
            self.request, form.get_user(), self.get_success_url(), attempt=self.attempt
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        schools = _login_page_schools()
        small = len(schools) <= SMALL_INSTALLATION
        context.update(
            {
                "outbox_url": _outbox_url(),
                "school_mailboxes": schools if small else [],
                "failed": self.request.method == "POST",
                "passkeys_enabled": passkeys.enabled(),
                "closures": _closures(self.request, schools if small else []),
            }
        )
        return context


def _closures(request, small_installation: list) -> list:
    """Closed periods running now, for the school the visitor chose on the help pages
    (remembered in a cookie), or for every school of a small installation. Login keeps
    working during a closure; the page says what is closed and until when.

    The periods come from each school's kept rules (core.schoolcache), so the page
    costs no query for them once a school's rules are kept.
    """
    from ouderportaal.helpdesk.views import SCHOOL_COOKIE
    from ouderportaal.schoolcontrol.gates import active_closed_periods

    chosen = request.COOKIES.get(SCHOOL_COOKIE, "")
    schools = small_installation
    if chosen:
        schools = [school for school in small_installation if school.slug == chosen]
        if not schools:
            schools = list(School.objects.filter(slug=chosen).only(*_LOGIN_PAGE_FIELDS))
    now = timezone.now()
    closures = []
    for school in schools:
        for period in active_closed_periods(school, now):
            period.school = school  # the page names the school: no query for it
            closures.append(period)
    return closures


def locked_message(lock) -> str:
    minutes = max(1, math.ceil(lock.remaining.total_seconds() / 60))
    return ngettext(
        "Too many failed attempts. Wait %(minutes)d minute and try again. On a device "
        "where you have logged in before, you can usually log in right away.",
        "Too many failed attempts. Wait %(minutes)d minutes and try again. On a device "
        "where you have logged in before, you can usually log in right away.",
        minutes,
    ) % {"minutes": minutes}


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit.record("account.logout", actor=request.user, obj=request.user)
        return super().post(request, *args, **kwargs)


login = public_view(LoginView.as_view())
logout = public_view(LogoutView.as_view())


# -- The second step -------------------------------------------------------------------


@public_view
@never_cache
def login_code(request):
    user = flow.pending_user(request)
    if user is None:
        return redirect("accounts:login")
    state = AccountState.objects.filter(user=user).first()
    if state is None or not state.has_totp:
        return redirect("accounts:login_totp_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = throttle.attempt_for_user(request, user)
        lock = throttle.lock_for(attempt)
        if lock is not None:
            throttle.record_blocked(request, attempt)
            form.add_error(None, locked_message(lock))
        elif totp.verify(state, form.cleaned_data["code"]):
            return flow.complete_login(request, user)
        else:
            throttle.record_failure(request, attempt, kind=LoginFailure.Kind.CODE)
            if flow.count_wrong_code(request):
                messages.error(request, _("Too many wrong codes. Log in again."))
                return redirect("accounts:login")
            form.add_error("code", _("This code is not right. Use the newest code in your app."))
    return render(request, "accounts/login_code.html", {"form": form})


def _totp_setup(request, user, *, session_key, template, on_confirmed, extra=None):
    secret = request.session.get(session_key)
    if not secret:
        secret = totp.new_secret()
        request.session[session_key] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = totp.matching_step(secret, form.cleaned_data["code"])
        if step is not None:
            with transaction.atomic():
                state, _created = AccountState.objects.get_or_create(user=user)
                state.totp_secret = secret
                state.totp_confirmed_at = timezone.now()
                state.totp_last_step = step
                state.save()
            del request.session[session_key]
            audit.record(
                "account.totp.enabled",
                actor=user if request.user.is_authenticated else None,
                obj=user,
            )
            return on_confirmed()
        form.add_error(
            "code",
            _("This code is not right. Check the time on your phone and use the newest code."),
        )
    uri = totp.provisioning_uri(secret, user.username)
    grouped_secret = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    context = {"form": form, "qr": totp.qr_data_uri(uri), "secret": grouped_secret, **(extra or {})}
    return render(request, template, context)


@public_view
@never_cache
def login_totp_setup(request):
    user = flow.pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if flow.has_totp(user):
        return redirect("accounts:login_code")
    return _totp_setup(
        request,
        user,
        session_key="accounts_login_totp_secret",
        template="accounts/login_totp_setup.html",
        on_confirmed=lambda: flow.complete_login(request, user),
    )


# -- Set-password links --------------------------------------------------------------


class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/set_password.html"
    form_class = SetPasswordForm
    token_generator = services.link_tokens
    reset_url_token = "instellen"  # noqa: S105 - the URL word, not a secret

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        had_password = self.user.has_usable_password()
        with transaction.atomic():
            user = form.save()
            services.end_links(user)
            # A first password (from the account mail) is "set"; replacing one is a reset.
            action = "account.password.reset" if had_password else "account.password.set"
            audit.record(action, actor=user, obj=user)
            if had_password:
                base_url = self.request.build_absolute_uri("/")
                queue.enqueue(send_password_changed_notice, user.pk, "reset", base_url)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        if not had_password and passkeys.enabled():
            # Offered once, right after the first password; the message goes by itself.
            messages.info(
                self.request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Your password is set. Next time, log in without typing it?"),
                    reverse("accounts:passkeys"),
                    _("Add a passkey"),
                ),
            )
        return flow.begin_login(self.request, user, resolve_url(settings.LOGIN_REDIRECT_URL))


set_password = public_view(SetPasswordView.as_view())


# -- Forgotten password or username -------------------------------------------------------


@public_view
def forgot_password(request):
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["login"].strip()
        base_url = request.build_absolute_uri("/")
        if "@" in typed:
            users = list(services.users_for_address(typed))
        else:
            user = (
                get_user_model()
                .objects.filter(username__iexact=typed, is_active=True)
                .exclude(email="")
                .first()
            )
            users = [user] if user is not None else []
        # The link goes to the account's own recovery address, never to what was typed.
        for user in users:
            if may_mail_address(user.email):
                queue.enqueue(send_password_reset, user.pk, base_url)
        return redirect("accounts:forgot_password_sent")
    return render(request, "accounts/forgot_password.html", {"form": form})


MAILS_PER_ADDRESS_PER_HOUR = 3


def may_mail_address(address: str) -> bool:
    """At most a few reset and username mails per address per hour.

    Someone typing another person's address again and again must not flood their
    mailbox. The answer on screen stays the same either way. Addresses count as the
    same when they are the same in email_key form.
    """
    key = pseudonym("account-mail-request", email_key(address), length=32)
    recent = AuditEvent.objects.filter(
        action="account.mail.requested",
        object_id=key,
        at__gte=timezone.now() - timedelta(hours=1),
    )
    if recent.count() >= MAILS_PER_ADDRESS_PER_HOUR:
        return False
    AuditEvent.objects.create(action="account.mail.requested", object_type="address", object_id=key)
    return True


@public_view
def forgot_password_sent(request):
    return render(request, "accounts/forgot_sent.html", {"what": "password"})


@public_view
def forgot_username(request):
    form = ForgotUsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = email_key(form.cleaned_data["email"])
        if services.users_for_address(key).exists() and may_mail_address(key):
            queue.enqueue(send_username_reminder, key, request.build_absolute_uri("/"))
        return redirect("accounts:forgot_username_sent")
    return render(request, "accounts/forgot_username.html", {"form": form})


@public_view
def forgot_username_sent(request):
    return render(request, "accounts/forgot_sent.html", {"what": "username"})


# -- The profile ---------------------------------------------------------------------


@parent_view
def profile(request):
    user = request.user
    form = UsernameForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        old = get_user_model().objects.get(pk=user.pk).username
        try:
            with transaction.atomic():
                form.save()
                audit.record(
                    "account.username.changed", actor=user, obj=user, old=old, new=user.username
                )
        except IntegrityError:
            # Someone took the same (or a look-alike) name at the same moment.
            user.username = old
            form.add_error("username", _("This username is already in use. Choose another one."))
            return render(
                request,
                "accounts/profile.html",
                {
                    "form": form,
                    "has_totp": flow.has_totp(user),
                    "totp_required": flow.must_use_totp(user),
                },
            )
        messages.success(
            request,
            _("Your username is now %(username)s. Use exactly these capitals when you log in.")
            % {"username": user.username},
        )
        return redirect("accounts:profile")
    if request.method == "POST":
        user.refresh_from_db(fields=["username"])
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "has_totp": flow.has_totp(user),
            "totp_required": flow.must_use_totp(user),
            "pending_address": recovery.pending_change(user),
        },
    )


@parent_view
def email_change(request):
    """A new recovery address: confirmed through a link mailed to it, before it is used."""
    user = request.user
    form = RecoveryAddressForm(user, request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and not may_mail_address(form.cleaned_data["email"])
    ):
        # The same hourly limit as for reset mail: no flooding someone else's mailbox.
        form.add_error(
            "email",
            _("Several links went to this address in the past hour. Try again later."),
        )
    if request.method == "POST" and form.is_valid():
        change = recovery.request_change(
            user,
            form.cleaned_data["email"],
            source=RecoveryAddressChange.Source.PROFILE,
            actor=user,
            base_url=request.build_absolute_uri("/"),
        )
        if change is not None:
            hours = settings.RECOVERY_CONFIRM_HOURS
            messages.success(
                request,
                ngettext(
                    "We sent a link to %(new)s. Open it within %(hours)d hour to confirm the new "
                    "address. Until then, mail keeps going to your current address.",
                    "We sent a link to %(new)s. Open it within %(hours)d hours to confirm the "
                    "new address. Until then, mail keeps going to your current address.",
                    hours,
                )
                % {"new": change.new_email, "hours": hours},
            )
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/email_change.html",
        {"form": form, "pending_address": recovery.pending_change(user)},
    )


@parent_view
@never_cache
def recovery_confirm(request, token):
    """The link from the confirmation mail. Only the account's owner, logged in, can use it;
    a GET shows the address and a button, so that a mail scanner opening the link
    changes nothing."""
    change = recovery.change_for_link(token, request.user)
    if change is None:
        return render(request, "accounts/recovery_confirm.html", {"change": None})
    if request.method == "POST":
        if recovery.confirm(change, request.user):
            messages.success(
                request,
                _("From now on, mail about your account goes to %(address)s.")
                % {"address": change.new_email},
            )
            return redirect("accounts:profile")
        return render(request, "accounts/recovery_confirm.html", {"change": None})
    return render(request, "accounts/recovery_confirm.html", {"change": change})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        user = self.request.user
        with transaction.atomic():
            response = super().form_valid(form)  # keeps this session; the others end
            services.end_links(user)
            audit.record("account.password.changed", actor=user, obj=user)
            base_url = self.request.build_absolute_uri("/")
            queue.enqueue(send_password_changed_notice, user.pk, "changed", base_url)
        messages.success(
            self.request,
            _(
                "Your password has been changed. Other devices where you were logged in are "
                "logged out."
            ),
        )
        return response


password_change = parent_view(PasswordChangeView.as_view())


@parent_view
@never_cache
def totp_setup(request):
    if flow.has_totp(request.user):
        return redirect("accounts:profile")

    def confirmed():
        messages.success(
            request,
            _(
                "Two-step verification is on. From now on you log in with a code from your app "
                "as well."
            ),
        )
        return redirect("accounts:profile")

    return _totp_setup(
        request,
        request.user,
        session_key="accounts_profile_totp_secret",
        template="accounts/totp_setup.html",
        on_confirmed=confirmed,
    )


@parent_view
def totp_disable(request):
    user = request.user
    if flow.must_use_totp(user) or not flow.has_totp(user):
        return redirect("accounts:profile")
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        AccountState.objects.filter(user=user).update(
            totp_secret="", totp_confirmed_at=None, totp_last_step=0
        )
        audit.record("account.totp.disabled", actor=user, obj=user)
        messages.success(request, _("Two-step verification is off."))
        return redirect("accounts:profile")
    return render(request, "accounts/totp_disable.html", {"form": form})


# -- The demo mailbox (DEBUG only) ---------------------------------------------------------


def _require_debug():
    if not settings.DEBUG:
        raise Http404


@public_view
def outbox(request):
    _require_debug()
    from ouderportaal.accounts import outbox as store

    return render(request, "accounts/outbox.html", {"mails": store.list_messages()})


@public_view
def outbox_message(request, name):
    _require_debug()
    from ouderportaal.accounts import outbox as store

    mail = store.read_message(name)
    if mail is None:
        raise Http404
    return render(request, "accounts/outbox_message.html", {"mail": mail})
