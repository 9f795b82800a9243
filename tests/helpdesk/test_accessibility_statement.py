"""The accessibility statement: public, linked from every page's footer."""

from django.urls import reverse


def test_the_statement_is_public_and_linked_from_the_footer(world, client):
    url = reverse("helpdesk:accessibility")
    assert f'href="{url}"' in client.get(reverse("accounts:login")).content.decode()
    page = client.get(url).content.decode()
    assert "<h1>Toegankelijkheidsverklaring</h1>" in page
    assert "WCAG 2.2" in page
    # A small installation lists every school's mailbox.
    assert world.school.portal_email in page and world.other_school.portal_email in page


def test_the_statement_names_the_chosen_schools_mailbox(world, client):
    client.cookies["hulp_school"] = world.school.slug
    page = client.get(reverse("helpdesk:accessibility")).content.decode()
    assert world.school.portal_email in page
    assert world.other_school.portal_email not in page
