"""A school's look: the portal manager sets an accent colour (checked for WCAG AA
contrast) and a logo (checked by content); parents see them in the header, on the login
page, in mail and as the app icon."""

import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ouderportaal.core import branding
from ouderportaal.core.mail import send_templated_mail
from ouderportaal.core.models import AuditEvent, SchoolBranding
from tests.dbsnapshot import snapshot
from tests.oncommit import committing

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("schoolcontrol:branding", kwargs={"school": world.school.slug})


def _png(size=(300, 200), colour=(200, 30, 30), kind="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=kind)
    return out.getvalue()


def test_contrast_follows_wcag():
    assert round(branding.contrast("#000000", "#ffffff"), 1) == 21.0
    # Links in the accent colour stand on the light grey of the footer and table
    # headers too: #707070 is the lightest grey with 4.5:1 there; #717171 just misses it.
    assert branding.check_accent("#707070") == ("#707070", "")
    colour, reason = branding.check_accent("#717171")
    assert colour is None and reason
    # #767676 has 4.5:1 on white but not on that grey.
    assert branding.check_accent("#767676")[0] is None
    assert branding.check_accent("1D4F91") == ("#1d4f91", "")
    shade = branding.darker_shade("#ffcc00")
    assert branding.contrast(shade, "#ffffff") >= 4.5
    assert branding.contrast(shade, "#ffffff") < 4.7  # as light as it can be


def test_manager_sets_a_colour_and_parents_see_it(client, world):
    client.force_login(world.staff)
    response = client.post(_url(world), {"accent_colour": "#0B5D3B"}, follow=True)
    assert "De huisstijl van de school is opgeslagen." in response.text
    look = SchoolBranding.objects.get(school=world.school)
    assert look.accent_colour == "#0b5d3b"
    event = AuditEvent.objects.get(action="schoolcontrol.branding.changed")
    assert event.data["old"] == {"accent_colour": ""}
    assert event.data["new"] == {"accent_colour": "#0b5d3b"}

    client.force_login(world.parent)
    page = client.get(reverse("portal:home")).text
    css_url = reverse("school_css", kwargs={"school": world.school.slug})
    assert f'href="{css_url}?v={look.version}"' in page
    assert "KBS De Ark" in page.split("</header>")[0]
    css = client.get(css_url)
    assert css["Content-Type"].startswith("text/css")
    assert "--accent: #0b5d3b;" in css.text

    # Saving the same again changes nothing and logs nothing.
    client.force_login(world.staff)
    client.post(_url(world), {"accent_colour": "#0b5d3b"})
    assert AuditEvent.objects.filter(action="schoolcontrol.branding.changed").count() == 1


def test_a_light_colour_is_refused_with_the_reason_and_a_shade_that_works(client, world):
    client.force_login(world.staff)
    before = snapshot()
    response = client.post(_url(world), {"accent_colour": "#ffcc00"})
    assert response.status_code == 200
    text = response.text
    assert "te moeilijk te lezen" in text
    assert "1,4 op 1" in text
    shade = branding.usable_shade("#ffcc00")
    assert shade in text
    assert branding.check_accent(shade) == (shade, "")
    assert snapshot() == before


def test_logo_is_checked_by_content_and_served_as_the_portals_own_png(client, world):
    client.force_login(world.staff)
    fake = SimpleUploadedFile("logo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    before = snapshot()
    response = client.post(_url(world), {"accent_colour": "", "logo": fake})
    assert "Dit bestand is geen afbeelding" in response.text
    assert snapshot() == before

    jpeg = SimpleUploadedFile("logo.jpg", _png((1200, 600), kind="JPEG"), "image/jpeg")
    client.post(_url(world), {"accent_colour": "", "logo": jpeg})
    look = SchoolBranding.objects.get(school=world.school)
    assert look.has_logo
    served = client.get(reverse("school_logo", kwargs={"school": world.school.slug}))
    assert served["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.format == "PNG" and image.size == (512, 256)
    event = AuditEvent.objects.get(action="schoolcontrol.branding.changed")
    assert event.data["old"] == {"logo": None}
    assert len(event.data["new"]["logo"]) == 16  # a digest, not the picture

    client.post(_url(world), {"accent_colour": "", "remove_logo": "on"})
    look.refresh_from_db()
    assert not look.has_logo and look.logo is None


def test_logo_over_the_limit_is_refused_before_it_is_read(client, world):
    client.force_login(world.staff)
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (3 * 1024 * 1024), "image/png")
    response = client.post(_url(world), {"accent_colour": "", "logo": big})
    assert response.status_code == 413
    assert not SchoolBranding.objects.exists()


def test_login_page_shows_the_school_from_the_link_or_the_remembered_choice(client, world):
    def header_and_welcome(url):
        page = client.get(url).text
        return page.split("</header>")[0] + page.split("<h1>")[1].split("<form")[0]

    login = reverse("accounts:login")
    assert "De Ark" not in header_and_welcome(login)
    shown = header_and_welcome(f"{login}?school=de-ark")
    assert "Het ouderportaal van KBS De Ark" in shown
    assert '<span class="brand-school">KBS De Ark</span>' in shown
    assert "De Ark" not in header_and_welcome(f"{login}?school=bestaat-niet")
    client.get(reverse("helpdesk:index") + "?school=elders")  # remembers the choice
    assert "Het ouderportaal van OBS Elders" in header_and_welcome(login)


def test_mail_carries_the_schools_name_and_colour(world, settings):
    settings.PORTAL_URL = "https://ouders.example.nl"
    SchoolBranding.objects.create(
        school=world.school, accent_colour="#0b5d3b", logo=_png(), has_logo=True, version=3
    )
    with committing():
        send_templated_mail(
            to="ouder@example.nl",
            template="accounts/mail/password_changed",
            context={"user": world.parent, "name": "Jan"},
            school=world.school,
        )
    html = mail.outbox[-1].alternatives[0][0]
    assert "background:#0b5d3b" in html
    assert "https://ouders.example.nl/school/de-ark/logo.png?v=3" in html
    assert html.index("background:#0b5d3b") < html.index("</body>")


def test_manifest_and_icons_per_school(client, world):
    client.force_login(world.parent)
    page = client.get(reverse("portal:home")).text
    manifest_url = reverse("school_manifest", kwargs={"school": "de-ark"})
    assert f'<link rel="manifest" href="{manifest_url}">' in page
    manifest = json.loads(client.get(manifest_url).content)
    assert manifest["name"] == "KBS De Ark · Ouderportaal"
    assert manifest["theme_color"] == branding.DEFAULT_ACCENT
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response["Content-Type"] == "image/png"
        with Image.open(io.BytesIO(response.content)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    assert (
        client.get(reverse("school_icon", kwargs={"school": "de-ark", "size": 64})).status_code
        == 404
    )
    # The portal's own manifest where no one school is known; no service worker anywhere.
    anonymous = client.__class__()
    login_page = anonymous.get(reverse("accounts:login")).text
    assert f'<link rel="manifest" href="{reverse("manifest")}">' in login_page
    assert "serviceWorker" not in login_page + page


def test_only_the_portal_manager_changes_the_look(client, world):
    client.force_login(world.teacher)
    assert client.post(_url(world), {"accent_colour": "#0b5d3b"}).status_code == 404
    assert not SchoolBranding.objects.exists()


def test_a_colour_saved_under_the_white_only_rule_is_darkened_where_pages_use_it(client, world):
    """Before the light-grey backgrounds counted, #b56000 (4.5:1 on white only) passed."""
    SchoolBranding.objects.create(school=world.school, accent_colour="#b56000", version=1)
    client.force_login(world.parent)
    css = client.get(reverse("school_css", kwargs={"school": world.school.slug})).text
    shade = branding.usable_shade("#b56000")
    assert f"--accent: {shade};" in css
    assert branding.contrast(shade, "#f3f5f8") >= 4.5
