"""Background work: account mail and reminder mail, run by `ouderportaal db_worker`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.tasks import task
from django.urls import reverse

from ouderportaal.accounts import services
from ouderportaal.core.mail import send_templated_mail


@task()
def send_account_mail_item(item_id: int) -> str:
    return services.deliver_item(item_id)


@task()
def send_password_reset(user_id: int, address: str, base_url: str) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    link = services.new_link(user, valid_for=services.reset_timeout(), base_url=base_url)
    school = _school_of(user)
    return send_templated_mail(
        to=address,
        template="accounts/mail/password_reset",
        context={
            "user": user,
            "username": user.username,
            "link": link,
            "hours": int(services.reset_timeout().total_seconds() // 3600),
        },
        language=user.language,
        school=school,
    )


@task()
def send_username_reminder(address: str, base_url: str) -> bool:
    users = list(services.users_for_address(address).order_by("username"))
    if not users:
        return False
    return send_templated_mail(
        to=address,
        template="accounts/mail/username_reminder",
        context={
            "usernames": [user.username for user in users],
            "login_url": base_url.rstrip("/") + reverse("accounts:login"),
            "forgot_url": base_url.rstrip("/") + reverse("accounts:forgot_password"),
        },
        language=users[0].language,
        school=_school_of(users[0]),
    )


def _school_of(user):
    record = user.guardian_records.select_related("school").order_by("pk").first()
    if record is not None:
        return record.school
    membership = user.staff_memberships.select_related("school").order_by("pk").first()
    return membership.school if membership is not None else None
