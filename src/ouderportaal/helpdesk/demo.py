"""The help desk's part of the demo: the manual and the presentation as documents,
and KBS De Ark's own vision and communication rules. Help pages need no demo: every
school has the built-in texts."""

from __future__ import annotations

from django.core.files.base import ContentFile

from ouderportaal.helpdesk.defaults import load_text
from ouderportaal.helpdesk.models import Document, SchoolRules
from ouderportaal.helpdesk.pdf import simple_pdf

MANUAL_PAGES = [
    [
        "Handleiding ouderportaal",
        "In het ouderportaal ziet u wat de school over uw kind vastlegt.",
        "Deze handleiding legt uit hoe u inlogt en wat u waar vindt.",
    ],
    [
        "1. Inloggen",
        "U krijgt van de school een e-mail met uw gebruikersnaam.",
        "Klik op de link in de e-mail en stel zelf een wachtwoord in.",
        "Let op: hoofdletters en kleine letters maken verschil.",
        "Lukt het niet? Kijk bij Hulp op de inlogpagina.",
    ],
    [
        "2. Uw kinderen",
        "Na het inloggen ziet u uw kinderen. Klik op een naam.",
        "Bij Algemene gegevens ziet u onder andere adres, groep en leerkracht.",
        "Klopt er iets niet? Geef een wijziging door.",
        "De administratie verwerkt die binnen 5 werkdagen.",
    ],
    [
        "3. Een afspraak maken",
        "Vragen over de ontwikkeling van uw kind bespreken we in een gesprek.",
        "Kies bij uw kind 'Afspraak met de leerkracht' en vul het formulier in.",
        "De leerkracht stelt een tijd voor. U ziet het antwoord in het portaal.",
    ],
]
PRESENTATION_PAGES = [
    ["Het ouderportaal", "Ouderavond", "Samen met ouders"],
    [
        "Waarom een ouderportaal?",
        "- Samenwerken met ouders",
        "- Open over resultaten",
        "- Betere gesprekken",
        "- Kloppende gegevens",
    ],
    [
        "Wat ziet u?",
        "- Algemene gegevens van uw kind",
        "- Resultaten van methodetoetsen",
        "- Resultaten van Cito-toetsen",
    ],
    [
        "Afspraken",
        "- 's Ochtends is de leerkracht er voor de kinderen",
        "- Vragen over uw kind: maak een afspraak",
        "- Rond het rapport is het portaal even dicht",
    ],
]


def build_demo(schools, rng) -> None:
    manual = simple_pdf(MANUAL_PAGES, title="Handleiding ouderportaal")
    presentation = simple_pdf(PRESENTATION_PAGES, landscape=True, title="Presentatie ouderportaal")
    for school in schools:
        for order, (title, description, content, audience) in enumerate(
            (
                (
                    "Handleiding ouderportaal",
                    "Stap voor stap: inloggen en wat u waar vindt.",
                    manual,
                    Document.Audience.PUBLIC,
                ),
                (
                    "Presentatie ouderportaal",
                    "De presentatie van de ouderavond (PDF).",
                    presentation,
                    Document.Audience.PARENTS,
                ),
            ),
            start=1,
        ):
            document = Document(
                school=school,
                title=title,
                description=description,
                audience=audience,
                extension="pdf",
                content_type="application/pdf",
                size=len(content),
                order=order * 10,
            )
            # Saving the file goes through the storage API (file system or object store).
            document.file.save(f"{title}.pdf", ContentFile(content), save=False)
            document.save()
    ark = next((s for s in schools if s.slug == "de-ark"), None)
    if ark is not None:
        title, text = load_text("demo", "visie-de-ark")
        SchoolRules.objects.create(school=ark, title=title, body=text, ask_to_read=True)
