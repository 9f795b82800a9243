"""The school's privacy statement and its processing-register entry."""

from __future__ import annotations

from django.urls import reverse

from ouderportaal.core.models import AuditEvent
from ouderportaal.privacy.models import PrivacySettings


def test_the_statement_is_public_and_follows_the_settings(world, client):
    url = reverse("privacystatement:statement", kwargs={"school": "de-ark"})
    page = client.get(url).content.decode()
    assert "Privacyverklaring van het ouderportaal van KBS De Ark" in page
    assert "tot 2 jaar nadat de leerling de school verliet" in page
    client.force_login(world.staff)
    response = client.post(
        reverse("privacyadmin:settings", kwargs={"school": "de-ark"}),
        {
            "pupil_years": 5,
            "log_months": 12,
            "officer_name": "Fenna Gerrits",
            "officer_email": "fg@bestuur.example.nl",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="privacy.settings.changed")
    assert event.data["old"]["pupil_years"] is None  # followed the board
    assert event.data["new"]["pupil_years"] == 5
    client.logout()
    page = client.get(url).content.decode()
    assert "tot 5 jaar" in page and "fg@bestuur.example.nl" in page
    assert PrivacySettings.objects.get(school=world.school).show_staff_names is False


def test_the_register_entry_is_a_download_for_the_school(world, client):
    client.force_login(world.staff)
    response = client.get(reverse("privacyadmin:register", kwargs={"school": "de-ark"}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode()
    assert "Verwerkingsregister: ouderportaal van KBS De Ark" in text
    assert "2 jaar na uitschrijving" in text
