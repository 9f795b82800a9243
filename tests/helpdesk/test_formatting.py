"""The tiny text format: headings, lists, links, and nothing dangerous."""

from django.urls import reverse

from ouderportaal.helpdesk.formatting import render_text
from ouderportaal.helpdesk.models import HelpPage
from tests.factories import PASSWORD


def test_marks_become_html():
    html = render_text("## Kop\nEerste regel met **vet**\n\n- een\n- twee\n\n1. a\n2. b")
    assert "<h2>Kop</h2>" in html
    assert "<strong>vet</strong>" in html
    assert "<ul><li>een</li><li>twee</li></ul>" in html
    assert "<ol><li>a</li><li>b</li></ol>" in html


def test_links_allow_only_web_and_mail():
    html = render_text(
        "[site](https://example.nl) [mail](mailto:a@b.nl) [boos](javascript:alert(1))"
    )
    assert 'href="https://example.nl"' in html
    assert 'href="mailto:a@b.nl"' in html
    assert "javascript" not in html


def test_scripts_and_event_handlers_are_removed():
    html = render_text(
        '<p onclick="steal()">Hallo</p><script>alert(1)</script>'
        '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    )
    assert "<script" not in html
    assert "alert" not in html
    assert "onclick" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "Hallo" in html


def test_text_is_sanitised_on_save_and_again_on_output(client, world):
    page = HelpPage.objects.create(
        school=world.school,
        slug="schoolreis",
        title="Schoolreis",
        body='Welkom <script>alert("x")</script><b onclick="x()">vet</b>',
    )
    assert "<script" not in page.body_html and "onclick" not in page.body_html
    # Even HTML that reached the database another way is cleaned when shown.
    HelpPage.objects.filter(pk=page.pk).update(
        body_html='<p onclick="x()">Hoi</p><script>y</script>'
    )
    url = reverse("helpdesk:topic", kwargs={"school": "de-ark", "topic": "schoolreis"})
    content = client.get(url).content.decode()
    assert "Hoi" in content
    assert 'onclick="x()"' not in content
    assert "<script>y</script>" not in content


def test_portal_manager_cannot_store_a_script(client, world):
    client.login(username="directie", password=PASSWORD)
    url = reverse("helpdeskadmin:page_new", kwargs={"school": "de-ark"})
    response = client.post(
        url,
        {
            "title": "Gym",
            "slug": "gym",
            "language": "nl",
            "order": 5,
            "body": "Neem gymschoenen mee.<script>document.location='https://evil'</script>",
        },
    )
    assert response.status_code == 302
    content = client.get(reverse("helpdesk:topic", kwargs={"school": "de-ark", "topic": "gym"}))
    assert "Neem gymschoenen mee." in content.content.decode()
    assert "evil" not in content.content.decode()
