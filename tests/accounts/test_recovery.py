"""Account recovery goes only to the account's verified address, which only its owner changes.

Mail is sent from background tasks queued when the transaction commits; the tests run
those callbacks with `committed()` around each step.
"""

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts.models import AccountState, RecoveryAddressChange
from ouderportaal.changerequests import services as requests
from ouderportaal.core.models import AuditEvent
from ouderportaal.imports import services as imports
from tests.accounts.helpers import mails_to, path_of, set_password_links
from tests.factories import (
    PASSWORD,
    GroupFactory,
    GuardianFactory,
    LinkFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
)
from tests.oncommit import committing

CONFIRM_LINK = re.compile(r"https?://[^\s<>\"]+/account/e-mailadres-bevestigen/[^\s<>\"]+/")
NEW = "nieuw.adres@example.nl"
ATTACKER = "overname@example.org"


@pytest.fixture
def committed():
    """Run what is queued for after the commit (the mail tasks) at the end of the block."""
    return committing


@pytest.fixture(autouse=True)
def _portal_url(settings):
    settings.PORTAL_URL = "http://testserver"


def ask_reset(client, typed):
    return client.post(reverse("accounts:forgot_password"), {"login": typed})


def ask_username(client, typed):
    return client.post(reverse("accounts:forgot_username"), {"email": typed})


def confirm_links(address):
    return [link for m in mails_to(address) for link in CONFIRM_LINK.findall(m.body)]


def recipients():
    return [address for message in mail.outbox for address in message.to]


def set_address(user, address):
    user.email = address
    user.save()
    user.guardian_records.update(email=address)


# -- 1. Never to a look-alike of the stored address -----------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("jan@gmail.com", "jan@gmaıl.com"),  # dotless ı (U+0131): UPPER() makes it I
        ("jan@school.nl", "jan@ſchool.nl"),  # long ſ (U+017F): UPPER() makes it S
        ("kim@example.nl", "\u212aim@example.nl"),  # Kelvin sign K (U+212A)
    ],
)
def test_reset_and_reminder_never_go_to_a_look_alike_address(world, client, stored, typed):
    set_address(world.parent, stored)
    assert ask_reset(client, typed).status_code == 302
    assert ask_username(client, typed).status_code == 302
    assert typed not in recipients()
    # Whatever matched, the mail can only go to the address the account has.
    assert set(recipients()) <= {stored}


def test_reset_by_address_goes_to_the_stored_spelling(world, client):
    ask_reset(client, "  " + world.parent.email.upper() + " ")
    (message,) = mail.outbox
    assert message.to == [world.parent.email]


# -- 2. A school's record of the parent never drives recovery -------------------------------


@pytest.fixture
def two_schools(world):
    """The parent of `child` (school A) also has a child at school B, with one account."""
    group_b = GroupFactory(school=world.other_school, name="3B", jaargroep="3")
    child_b = StudentFactory(school=world.other_school, group=group_b, external_key="L-B1")
    record_b = GuardianFactory(
        school=world.other_school,
        user=world.parent,
        email=world.parent.email,
        external_key="O-B1",
        roepnaam="Jan",
        achternaam="Vries",
        voorvoegsel="de",
    )
    LinkFactory(guardian=record_b, student=child_b)
    return record_b


def test_another_schools_record_of_the_parent_is_never_a_recovery_address(
    world, client, two_schools
):
    # School B's administration edits its record of the parent, bypassing every check.
    two_schools.email = ATTACKER
    two_schools.save()
    ask_reset(client, ATTACKER)
    ask_username(client, ATTACKER)
    assert mail.outbox == []
    ask_reset(client, "JdeVries")
    assert recipients() == [world.parent.email]


def _import_guardians_at_school_b(world, email):
    admin = UserFactory(username="admin.b")
    content = (
        "Leerlingkey;Ouderkey;Voorletters;Roepnaam;Voorvoegsel;Achternaam;Relatie;Gezag;"
        "Informatierecht;E-mail\n"
        f"L-B1;O-B1;J;Jan;de;Vries;vader;ja;;{email}\n"
    ).encode()
    run = imports.import_now("guardians", world.other_school, content, "ouders.csv", user=admin)
    assert run.status == "applied", run.problems
    return admin


def test_an_import_at_another_school_cannot_take_over_the_account(
    world, client, two_schools, committed
):
    old = world.parent.email
    with committed():
        admin = _import_guardians_at_school_b(world, ATTACKER)
    (link,) = confirm_links(ATTACKER)
    assert "JdeVries" not in mails_to(ATTACKER)[0].body
    (notice,) = mails_to(old)
    assert "nieuw e-mailadres" in notice.subject and ATTACKER not in notice.body
    assert AuditEvent.objects.filter(
        action="account.recovery_address.requested", actor=admin, school=world.other_school
    ).exists()

    # Whoever reads the new mailbox cannot use the link without the account's password.
    response = client.get(path_of(link))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(world.other_parent)
    assert "Deze link werkt niet meer" in client.get(path_of(link)).content.decode()
    client.post(path_of(link))
    world.parent.refresh_from_db()
    assert world.parent.email == old

    client.logout()
    mail.outbox.clear()
    ask_reset(client, ATTACKER)
    ask_reset(client, "JdeVries")
    assert recipients() == [old]


# -- 3. The address follows the school's data once the owner confirms it ---------------------


def _approve_own_address(world, guardian, new):
    request = requests.submit(
        user=world.parent, student=world.child, guardian=guardian, changes={"email": new}
    )
    token = requests.values_token(requests.current_values(request))
    requests.decide(
        request_id=request.pk,
        school=world.school,
        actor=world.staff,
        accept={"email"},
        reason="",
        token=token,
    )


def test_an_approved_change_request_moves_recovery_after_the_owner_confirms(
    world, client, committed
):
    old = world.parent.email
    guardian = world.parent.guardian_records.get()
    with committed():
        _approve_own_address(world, guardian, NEW)
    (link,) = confirm_links(NEW)
    assert mails_to(old), "the old address is told about the change"

    # Until the confirmation everything still goes to the old address.
    mail.outbox.clear()
    ask_reset(client, "JdeVries")
    ask_reset(client, NEW)
    assert recipients() == [old]

    # The owner opens the link, logs in, and lands on the confirmation page.
    response = client.get(path_of(link))
    assert response.status_code == 302
    page = client.post(
        response["Location"], {"username": "JdeVries", "password": PASSWORD}, follow=True
    ).content.decode()
    assert NEW in page and "Dit adres bevestigen" in page
    assert client.post(path_of(link)).status_code == 302
    world.parent.refresh_from_db()
    assert world.parent.email == NEW
    assert AuditEvent.objects.filter(
        action="account.recovery_address.confirmed", actor=world.parent
    ).exists()
    # The link worked once.
    client.post(path_of(link))
    assert "Deze link werkt niet meer" in client.get(path_of(link)).content.decode()

    client.logout()
    mail.outbox.clear()
    ask_reset(client, "JdeVries")
    ask_reset(client, old)
    assert recipients() == [NEW]


def test_a_reset_link_sent_to_the_old_address_stops_when_the_new_one_is_confirmed(
    world, client, committed
):
    ask_reset(client, "JdeVries")
    (reset_link,) = set_password_links()
    with committed():
        _approve_own_address(world, world.parent.guardian_records.get(), NEW)
    (link,) = confirm_links(NEW)
    client.force_login(world.parent)
    client.post(path_of(link))
    client.logout()
    page = client.get(path_of(reset_link), follow=True).content.decode()
    assert "Deze link werkt niet meer" in page


def test_an_account_not_yet_used_at_one_school_follows_that_school(world, client, committed):
    world.parent.set_unusable_password()
    world.parent.save()
    with committed():
        _approve_own_address(world, world.parent.guardian_records.get(), NEW)
    world.parent.refresh_from_db()
    assert world.parent.email == NEW
    assert confirm_links(NEW) == []
    assert AuditEvent.objects.filter(action="account.recovery_address.changed").exists()


def test_an_unused_account_shared_with_another_school_still_asks_for_confirmation(
    world, client, two_schools, committed
):
    world.parent.set_unusable_password()
    world.parent.save()
    old = world.parent.email
    with committed():
        _import_guardians_at_school_b(world, ATTACKER)
    world.parent.refresh_from_db()
    assert world.parent.email == old
    assert len(confirm_links(ATTACKER)) == 1


# -- The parent's own profile ----------------------------------------------------------------


def test_a_parent_changes_the_address_in_the_profile(world, client, committed):
    old = world.parent.email
    client.force_login(world.parent)
    url = reverse("accounts:email_change")
    page = client.post(url, {"email": NEW, "password": "wrong password"})
    assert "Dat is niet uw huidige wachtwoord" in page.content.decode()
    page = client.post(url, {"email": old.upper(), "password": PASSWORD})
    assert "Dit is al het e-mailadres van uw account" in page.content.decode()
    assert mail.outbox == [] and not RecoveryAddressChange.objects.exists()

    with committed():
        response = client.post(url, {"email": "eerste@example.nl", "password": PASSWORD})
    assert response.status_code == 302
    (first,) = confirm_links("eerste@example.nl")
    with committed():
        client.post(url, {"email": NEW, "password": PASSWORD})
    (link,) = confirm_links(NEW)
    assert len(mails_to(old)) == 2  # a notice for each request
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Wacht op bevestiging" in profile and NEW in profile

    # Only the newest link works, and only for a limited time.
    assert "Deze link werkt niet meer" in client.get(path_of(first)).content.decode()
    RecoveryAddressChange.objects.filter(new_email=NEW).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.post(path_of(link))
    world.parent.refresh_from_db()
    assert world.parent.email == old


def test_the_profile_does_not_flood_another_mailbox(world, client, committed):
    client.force_login(world.parent)
    for _ in range(4):
        with committed():
            page = client.post(
                reverse("accounts:email_change"), {"email": NEW, "password": PASSWORD}
            )
    assert len(confirm_links(NEW)) == 3
    assert "Er gingen al een paar links naar dit adres" in page.content.decode()


def test_the_profile_link_expires_after_the_configured_hours(world, client, settings, committed):
    settings.RECOVERY_CONFIRM_HOURS = 3
    client.force_login(world.parent)
    with committed():
        client.post(reverse("accounts:email_change"), {"email": NEW, "password": PASSWORD})
    change = RecoveryAddressChange.objects.get()
    assert timedelta(hours=2, minutes=59) < change.expires_at - timezone.now() <= timedelta(hours=3)


def test_a_school_link_lives_for_days(world, client, committed):
    with committed():
        _approve_own_address(world, world.parent.guardian_records.get(), NEW)
    change = RecoveryAddressChange.objects.get()
    assert change.expires_at - timezone.now() > timedelta(days=13)


def test_log_lines_carry_no_address(world, client, committed, caplog):
    caplog.set_level(logging.INFO, logger="ouderportaal.accounts")
    client.force_login(world.parent)
    with committed():
        client.post(reverse("accounts:email_change"), {"email": NEW, "password": PASSWORD})
    (link,) = confirm_links(NEW)
    client.post(path_of(link))
    assert "requested" in caplog.text and "confirmed" in caplog.text
    for secret in (NEW, world.parent.email, "JdeVries"):
        assert secret not in caplog.text


# -- 4. Every password change or reset is reported to the owner ------------------------------


def test_a_password_change_is_mailed_to_the_owner(world, client, committed):
    client.force_login(world.parent)
    with committed():
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "een nieuwe lange zin",
                "new_password2": "een nieuwe lange zin",
            },
        )
    (message,) = mail.outbox
    assert message.to == [world.parent.email]
    assert "wachtwoord" in message.subject.lower()
    assert "Was u dit niet?" in message.body
    assert "http://testserver/account/wachtwoord-vergeten/" in message.body
    assert AuditEvent.objects.filter(action="account.password.changed", actor=world.parent)


def test_a_password_reset_is_mailed_to_the_owner_in_their_language(world, client, committed):
    world.parent.language = "en"
    world.parent.save()
    ask_reset(client, "JdeVries")
    (link,) = set_password_links()
    mail.outbox.clear()
    page = client.get(path_of(link), follow=True)
    url = page.redirect_chain[-1][0]
    with committed():
        client.post(
            url, {"new_password1": "een nieuwe lange zin", "new_password2": "een nieuwe lange zin"}
        )
    (message,) = mail.outbox
    assert message.to == [world.parent.email]
    assert "Was this not you?" in message.body
    assert "Forgot your password?" in message.body
    assert AuditEvent.objects.filter(action="account.password.reset", actor=world.parent)


def test_the_first_password_from_the_account_mail_is_not_reported_as_a_change(
    world, client, committed
):
    world.parent.set_unusable_password()
    world.parent.save()
    client.force_login(world.staff)
    guardian = world.parent.guardian_records.get()
    client.post(reverse("accountadmin:guardian", args=[world.school.slug, guardian.pk]))
    client.logout()
    (link,) = set_password_links()
    mail.outbox.clear()
    page = client.get(path_of(link), follow=True)
    with committed():
        client.post(
            page.redirect_chain[-1][0],
            {"new_password1": "een nieuwe lange zin", "new_password2": "een nieuwe lange zin"},
        )
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="account.password.set", actor=world.parent)


# -- 5. Short-lived reset links; the account mail keeps the school's days --------------------


def test_reset_links_live_one_hour_and_account_mail_links_the_schools_days(world, client):
    ask_reset(client, "JdeVries")
    state = AccountState.objects.get(user=world.parent)
    assert timedelta(minutes=59) < state.link_expires_at - timezone.now() <= timedelta(hours=1)
    assert "1 uur" in mail.outbox[0].body

    client.force_login(world.staff)
    guardian = world.parent.guardian_records.get()
    client.post(reverse("accountadmin:guardian", args=[world.school.slug, guardian.pk]))
    state.refresh_from_db()
    assert state.link_expires_at - timezone.now() > timedelta(days=13)


# -- Rate limit and the back office ----------------------------------------------------------


def test_the_hourly_limit_counts_every_spelling_of_an_address_once(world, client):
    address = world.parent.email
    spellings = [address, address.upper(), "\uff4a" + address[1:], address, " " + address]
    for typed in spellings:
        ask_reset(client, typed)
    assert recipients() == [address] * 3


def test_the_guardian_page_shows_only_that_the_account_uses_another_address(
    world, client, two_schools, committed
):
    with committed():
        _import_guardians_at_school_b(world, ATTACKER)
    url = reverse("accountadmin:guardian", args=[world.other_school.slug, two_schools.pk])
    client.force_login(world.other_staff)
    page = client.get(url).content.decode()
    assert "Het account gebruikt een ander e-mailadres" in page
    assert "bevestigingslink" in page
    assert world.parent.email not in page and ATTACKER in page
    with committed():
        client.post(url)
    assert recipients()[-1] == world.parent.email
    # School A's record matches the account: nothing to point out there.
    client.force_login(world.staff)
    record_a = world.parent.guardian_records.get(school=world.school)
    page = client.get(reverse("accountadmin:guardian", args=[world.school.slug, record_a.pk]))
    assert "Het account gebruikt een ander e-mailadres" not in page.content.decode()


def test_staff_accounts_from_an_edexml_import_can_be_recovered(db, client):
    from tests.imports.conftest import FILES, run_import

    SchoolFactory(slug="voorbeeld", brin="99XX")
    run_import("import-edexml", FILES / "edexml-2.0.xml")
    ask_username(client, "K.Bos@Example.invalid")
    assert recipients() == ["k.bos@example.invalid"]
