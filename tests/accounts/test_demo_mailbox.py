"""The demo mailbox: mail kept as files, readable in the portal only with DEBUG on."""

import importlib

import pytest
from django.core import mail
from django.test import Client
from django.urls import clear_url_caches, reverse

import ouderportaal.accounts.urls
import ouderportaal.urls
from ouderportaal.accounts.outbox import OutboxBackend


def _reload_urls():
    importlib.reload(ouderportaal.accounts.urls)
    importlib.reload(ouderportaal.urls)
    clear_url_caches()


@pytest.fixture
def debug_urls(settings, tmp_path):
    settings.DEBUG = True
    settings.OUTBOX_DIR = tmp_path
    settings.MAILERS = {"default": {"BACKEND": "ouderportaal.accounts.outbox.OutboxBackend"}}
    _reload_urls()
    yield tmp_path
    settings.DEBUG = False
    _reload_urls()


def test_without_debug_the_mailbox_does_not_exist(world, client, settings, tmp_path):
    assert settings.DEBUG is False
    assert client.get("/account/demo-post/").status_code == 404
    assert "demo-post" not in client.get(reverse("accounts:login")).content.decode()
    # Even when the view is reached some other way, it answers 404 without DEBUG.
    from ouderportaal.accounts import views

    request = Client().get("/").wsgi_request
    with pytest.raises(Exception) as raised:
        views.outbox(request)
    assert raised.type.__name__ == "Http404"


def test_with_debug_the_demo_reads_its_mail_in_the_portal(world, debug_urls):
    client = Client()
    client.post(reverse("accounts:forgot_password"), {"login": "JdeVries"})
    assert mail.outbox == []  # not locmem: stored as a file
    assert len(list(debug_urls.glob("*.eml"))) == 1
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:outbox") in login_page
    listing = client.get(reverse("accounts:outbox")).content.decode()
    assert "Stel een nieuw wachtwoord in voor het ouderportaal" in listing
    name = next(debug_urls.glob("*.eml")).name
    page = client.get(reverse("accounts:outbox_message", kwargs={"name": name})).content.decode()
    assert "JdeVries" in page and '<a href="http://testserver/account/wachtwoord-instellen/' in page
    # The HTML part as the parent sees it, in a frame without scripts; the text part below.
    frame = page.split("<iframe", 1)[1].split("</iframe>", 1)[0]
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in frame
    assert "srcdoc=" in frame and "&lt;a href=&quot;http://testserver/account/" in frame
    assert "<details" in page
    assert (
        client.get(
            reverse("accounts:outbox_message", kwargs={"name": "..%2Fsecret_key"})
        ).status_code
        == 404
    )


def test_the_outbox_backend_writes_one_file_per_message(tmp_path):
    from django.core.mail import EmailMessage

    backend = OutboxBackend(directory=tmp_path)
    sent = backend.send_messages(
        [EmailMessage("a", "b", to=["x@example.nl"]), EmailMessage("c", "d", to=["y@example.nl"])]
    )
    assert sent == 2 and len(list(tmp_path.glob("*.eml"))) == 2
