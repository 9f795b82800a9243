"""The portal manager creates accounts and sends account mail; who gets one and why not."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts.models import AccountMailItem, AccountState, GuardianAccountMail
from ouderportaal.core.models import Custody, GuardianLink, School
from tests.accounts.helpers import mails_to, path_of, set_password_links
from tests.factories import GuardianFactory, LinkFactory, StudentFactory

User = get_user_model()


@pytest.fixture
def separated(world):
    """Noor's parents live apart: each has gezag and their own address; the step-parent
    has only informatierecht; a second pupil's father has gezag but no e-mail address."""
    noor = StudentFactory(school=world.school, group=world.group, roepnaam="Noor")
    father = GuardianFactory(
        school=world.school,
        roepnaam="Pieter",
        initials="P",
        voorvoegsel="van den",
        achternaam="Bakker",
        email="pieter@example.nl",
    )
    mother = GuardianFactory(
        school=world.school,
        roepnaam="Samira",
        initials="S",
        voorvoegsel="van",
        achternaam="Dijk",
        email="samira@example.nl",
        language="en",
    )
    step = GuardianFactory(
        school=world.school, roepnaam="Erik", achternaam="Visser", email="erik@example.nl"
    )
    LinkFactory(guardian=father, student=noor)
    LinkFactory(guardian=mother, student=noor)
    LinkFactory(guardian=step, student=noor, custody=Custody.INFORMATIERECHT)
    other = StudentFactory(school=world.school, group=world.group, roepnaam="Bo")
    no_mail = GuardianFactory(school=world.school, roepnaam="Kees", achternaam="Mol", email="")
    LinkFactory(guardian=no_mail, student=other)
    return {"noor": noor, "father": father, "mother": mother, "step": step, "no_mail": no_mail}


def send_group(client, world):
    return client.post(
        reverse("accountadmin:send", kwargs={"school": world.school.slug}),
        {"scope": "group", "group": world.group.pk, "confirm": "yes"},
    )


def test_separated_parents_each_get_their_own_account_and_mail(world, portal_manager, separated):
    response = send_group(portal_manager, world)
    assert response.status_code == 302
    father, mother = separated["father"], separated["mother"]
    father.refresh_from_db()
    mother.refresh_from_db()
    assert father.user.username == "PvandenBakker"
    assert mother.user.username == "SvanDijk"
    assert father.user != mother.user
    (to_father,) = mails_to("pieter@example.nl")
    (to_mother,) = mails_to("samira@example.nl")
    assert (
        "PvandenBakker" in to_father.body
        and "Wachtwoord instellen" in to_father.alternatives[0].content
    )
    assert "Your username" in to_mother.body  # her language is English
    assert len(set_password_links(to_father)) == 1
    # Nobody without gezag or without an address gets mail or an account.
    assert mails_to("erik@example.nl") == []
    separated["step"].refresh_from_db()
    separated["no_mail"].refresh_from_db()
    assert separated["step"].user is None and separated["no_mail"].user is None
    # The state per guardian is recorded.
    record = GuardianAccountMail.objects.get(guardian=father)
    assert record.accepted is True and record.last_sent_at is not None


def test_both_separated_parents_see_the_child_after_setting_a_password(
    world, client, portal_manager, separated
):
    send_group(portal_manager, world)
    for address in ("pieter@example.nl", "samira@example.nl"):
        client.logout()
        (message,) = mails_to(address)
        (link,) = set_password_links(message)
        response = client.get(path_of(link), follow=True)
        client.post(
            response.redirect_chain[-1][0],
            {
                "new_password1": "een lange zin als wachtwoord",
                "new_password2": "een lange zin als wachtwoord",
            },
        )
        page = client.get(reverse("portal:home")).content.decode()
        assert "Noor" in page, address


def test_the_group_page_says_why_someone_gets_no_account(world, portal_manager, separated):
    page = portal_manager.get(
        reverse("accountadmin:group", kwargs={"school": world.school.slug, "group": world.group.pk})
    ).content.decode()
    assert "Geen gezag over een leerling op school: geen account." in page
    assert "Geen e-mailadres bekend: geen account." in page
    guardian_page = portal_manager.get(
        reverse(
            "accountadmin:guardian",
            kwargs={"school": world.school.slug, "guardian": separated["step"].pk},
        )
    ).content.decode()
    assert "Geen gezag" in guardian_page
    # Posting for such a guardian sends nothing.
    portal_manager.post(
        reverse(
            "accountadmin:guardian",
            kwargs={"school": world.school.slug, "guardian": separated["step"].pk},
        )
    )
    assert mail.outbox == []


def test_a_second_bulk_send_sends_nothing_twice(world, portal_manager, separated):
    send_group(portal_manager, world)
    first = len(mail.outbox)
    assert first >= 2
    send_group(portal_manager, world)
    portal_manager.post(
        reverse("accountadmin:send", kwargs={"school": world.school.slug}),
        {"scope": "school", "confirm": "yes"},
    )
    # Only the guardians of world.parent / other_parent (made by factories, no mail yet)
    # were new for the whole school; nobody got a second mail.
    addresses = [m.to[0] for m in mail.outbox]
    assert len(addresses) == len(set(addresses))


def test_new_account_info_for_one_parent_invalidates_the_older_link(
    world, client, portal_manager, separated
):
    send_group(portal_manager, world)
    (old_link,) = set_password_links(mails_to("pieter@example.nl")[0])
    url = reverse(
        "accountadmin:guardian",
        kwargs={"school": world.school.slug, "guardian": separated["father"].pk},
    )
    response = portal_manager.post(url)
    assert response.status_code == 302
    messages = mails_to("pieter@example.nl")
    assert len(messages) == 2
    (new_link,) = set_password_links(messages[1])
    assert new_link != old_link
    client.logout()
    old_page = client.get(path_of(old_link), follow=True).content.decode()
    assert "Deze link werkt niet meer" in old_page
    new_page = client.get(path_of(new_link), follow=True).content.decode()
    assert 'value="PvandenBakker"' in new_page
    record = GuardianAccountMail.objects.get(guardian=separated["father"])
    assert record.times_sent == 2


def test_ending_gezag_or_leaving_school_removes_the_child_at_once(world, client):
    client.force_login(world.parent)
    child_url = reverse("portal:general", kwargs={"student": world.child.public_id})
    assert client.get(child_url).status_code == 200
    GuardianLink.objects.filter(guardian__user=world.parent, student=world.child).update(
        custody=Custody.INFORMATIERECHT
    )
    assert client.get(child_url).status_code == 404
    sibling_url = reverse("portal:general", kwargs={"student": world.sibling.public_id})
    assert client.get(sibling_url).status_code == 200
    world.sibling.left_on = timezone.localdate() - timedelta(days=1)
    world.sibling.save()
    assert client.get(sibling_url).status_code == 404


def test_a_queued_mail_is_skipped_when_gezag_ended_before_sending(world, separated, settings):
    from ouderportaal.accounts import services

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    batch = services.start_batch(
        school=world.school,
        guardians=[separated["father"]],
        scope="guardian",
        label="x",
        actor=None,
        base_url="http://testserver/",
    )
    GuardianLink.objects.filter(guardian=separated["father"]).update(custody=Custody.NONE)
    (item,) = batch.items.all()
    assert services.deliver_item(item.pk) == AccountMailItem.State.SKIPPED
    assert services.deliver_item(item.pk) == "not-queued"
    assert mail.outbox == []


def test_usernames_follow_the_school_style_and_never_clash(world, portal_manager):
    pupil = StudentFactory(school=world.school, group=world.group)
    twins = [
        GuardianFactory(
            school=world.school,
            roepnaam="Jan",
            initials="J",
            voorvoegsel="de",
            achternaam="Vries",
            email=f"jan{i}@example.nl",
        )
        for i in range(2)
    ]
    for guardian in twins:
        LinkFactory(guardian=guardian, student=pupil)
    send_group(portal_manager, world)
    names = sorted(
        User.objects.filter(guardian_records__in=twins).values_list("username", flat=True)
    )
    # world.parent is already "JdeVries": the next ones get a number.
    assert names == ["JdeVries2", "JdeVries3"]

    world.school.username_style = School.UsernameStyle.RANDOM
    world.school.save()
    late = GuardianFactory(school=world.school, email="laat@example.nl")
    LinkFactory(guardian=late, student=pupil)
    send_group(portal_manager, world)
    late.refresh_from_db()
    assert len(late.user.username) == 17 and late.user.username.isalpha()
    assert late.user.username.lower() != late.user.username  # mixed case letters
    assert late.user.has_usable_password() is False


def test_progress_page_and_link_validity_setting(world, portal_manager, separated):
    response = send_group(portal_manager, world)
    page = portal_manager.get(response["Location"]).content.decode()
    # The group's guardians with gezag and an address who do not use the portal yet:
    # Pieter and Samira (both world parents already have a password).
    assert "2 van 2 klaar" in page
    assert "Aangenomen door de mailserver" in page
    settings_url = reverse("accountadmin:settings", kwargs={"school": world.school.slug})
    portal_manager.post(settings_url, {"link_valid_days": "3"})
    url = reverse(
        "accountadmin:guardian",
        kwargs={"school": world.school.slug, "guardian": separated["father"].pk},
    )
    portal_manager.post(url)
    separated["father"].refresh_from_db()
    state = AccountState.objects.get(user=separated["father"].user)
    remaining = state.link_expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < remaining <= timedelta(days=3)
    assert "3 dagen" in mails_to("pieter@example.nl")[-1].body


def test_default_link_validity_is_fourteen_days(world, portal_manager, separated):
    send_group(portal_manager, world)
    state = AccountState.objects.get(user__guardian_records=separated["father"])
    remaining = state.link_expires_at - timezone.now()
    assert timedelta(days=13, hours=23) < remaining <= timedelta(days=14)


def test_teachers_and_other_schools_cannot_send(world, client):
    url = reverse("accountadmin:send", kwargs={"school": world.school.slug})
    for user in (world.teacher, world.other_staff, world.parent):
        client.force_login(user)
        assert client.post(url, {"scope": "school", "confirm": "yes"}).status_code == 404
    assert mail.outbox == []


def test_a_parent_at_two_schools_keeps_one_account(world, portal_manager, client):
    other_pupil = StudentFactory(school=world.other_school)
    record = world.parent.guardian_records.get(school=world.school)
    twin = GuardianFactory(
        school=world.other_school,
        roepnaam=record.roepnaam,
        achternaam=record.achternaam,
        email=record.email,
    )
    LinkFactory(guardian=twin, student=other_pupil)
    client.force_login(world.other_staff)
    client.post(
        reverse("accountadmin:send", kwargs={"school": world.other_school.slug}),
        {"scope": "school", "confirm": "yes"},
    )
    twin.refresh_from_db()
    assert twin.user == world.parent
