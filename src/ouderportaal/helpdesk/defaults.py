"""The built-in help texts, in Dutch and English, filled in with each school's settings.

A school that writes its own page with the same slug and language replaces the text
here; every other topic keeps the built-in text, so the help always fits the school's
mailbox, open modules, username style and processing time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from django.urls import reverse

from ouderportaal.core.models import School
from ouderportaal.helpdesk.formatting import render_text

MODULE_LABELS = {
    "nl": {
        "general": "de algemene gegevens van uw kind (zoals adres, groep en leerkracht)",
        "method_tests": "de resultaten van de methodetoetsen (de toetsen uit de lesboeken)",
        "lvs": "de resultaten van de Cito-toetsen van het leerlingvolgsysteem",
        "change_requests": "wijzigingen doorgeven, zoals een nieuw adres of telefoonnummer",
        "appointments": "een afspraak aanvragen met de leerkracht",
    },
    "en": {
        "general": "your child's general details (such as address, group and teacher)",
        "method_tests": "the results of the method tests (the tests from the school books)",
        "lvs": "the results of the Cito tests of the pupil monitoring system",
        "change_requests": "sending changes, such as a new address or phone number",
        "appointments": "asking the teacher for an appointment",
    },
}
MODULE_ORDER = ("general", "method_tests", "lvs", "change_requests", "appointments")


def processing_days() -> int:
    """Working days the administration takes to process a change request: the same
    number the due date of every request is counted with."""
    from ouderportaal.changerequests.workdays import REQUEST_TERM_DAYS

    return REQUEST_TERM_DAYS


def _duration(delta: timedelta, language: str) -> str:
    """'30 seconden', '1 minuut', '15 minuten' (or in English)."""
    seconds = int(delta.total_seconds())
    if seconds % 60:
        unit = {"nl": ("seconde", "seconden"), "en": ("second", "seconds")}[language]
        count = seconds
    else:
        unit = {"nl": ("minuut", "minuten"), "en": ("minute", "minutes")}[language]
        count = seconds // 60
    return f"{count} {unit[0] if count == 1 else unit[1]}"


def lock_facts(language: str) -> dict:
    """What the login throttle does, in words, from the constants it runs on."""
    from ouderportaal.accounts import throttle

    return {
        "lock_attempts": throttle.DEVICE.threshold,
        "lock_first_wait": _duration(throttle.FIRST_WAIT, language),
        "lock_max_wait": _duration(throttle.MAX_WAIT, language),
    }


def open_modules(school: School) -> list[str]:
    from ouderportaal.schoolcontrol.gates import visible_modules

    shown = visible_modules(school)
    return [module for module in MODULE_ORDER if module in shown]


USERNAME_RULE = {
    ("nl", School.UsernameStyle.INITIALS): (
        "Uw gebruikersnaam bestaat uit uw voorletter(s) en achternaam, bijvoorbeeld **JdeVries**."
    ),
    ("nl", School.UsernameStyle.RANDOM): (
        "Uw gebruikersnaam is een reeks van 17 hoofdletters en kleine letters, bijvoorbeeld "
        "**kQwTzrbLmNaPeXsYd**."
    ),
    ("en", School.UsernameStyle.INITIALS): (
        "Your username is made of your initial(s) and surname, for example **JdeVries**."
    ),
    ("en", School.UsernameStyle.RANDOM): (
        "Your username is a row of 17 capital and small letters, for example **kQwTzrbLmNaPeXsYd**."
    ),
}

# The built-in topics (slug, order). Their texts live in templates/helpdesk/texts/<language>/
# <slug>.txt: a first line "# Title", then the text in the tiny format, with {placeholders}
# for the school's settings.
TOPICS: list[tuple[str, int]] = [
    ("accountinfo-niet-ontvangen", 10),
    ("accountinfo-gebruiken", 20),
    ("checklist-inloggen", 30),
    ("meldingen-inloggen", 40),
    ("passkeys", 45),
    ("vragen-inloggen", 50),
    ("wijzigingen-doorgeven", 60),
]
TEXTS_DIR = Path(__file__).resolve().parent / "templates" / "helpdesk" / "texts"


@lru_cache(maxsize=64)
def load_text(language: str, name: str) -> tuple[str, str]:
    """(title, text template) from a text file."""
    raw = (TEXTS_DIR / language / f"{name}.txt").read_text(encoding="utf-8")
    first, _newline, rest = raw.partition("\n")
    return first.removeprefix("# ").strip(), rest.strip()


TOPIC_SLUGS = [slug for slug, _order in TOPICS]

MODULES_NONE = {
    "nl": "De school heeft op dit moment nog geen onderdelen van het portaal opengezet.",
    "en": "The school has not opened any parts of the portal yet.",
}
MODULES_INTRO = {"nl": "Onze school laat u in het portaal zien:", "en": "Our school shows you:"}


@dataclass
class Topic:
    slug: str
    title: str
    body_html: str
    order: int
    language: str
    is_default: bool
    source: str = ""


def _language(language: str) -> str:
    return "en" if (language or "").startswith("en") else "nl"


def school_context(school: School, language: str) -> dict:
    language = _language(language)
    modules = open_modules(school)
    if modules:
        module_lines = "\n".join(f"- {MODULE_LABELS[language][m]}" for m in modules)
        module_text = f"{MODULES_INTRO[language]}\n\n{module_lines}"
    else:
        module_text = MODULES_NONE[language]
    email = school.portal_email
    return {
        "school": school.name,
        "email": email,
        "email_link": f"mailto:{email}",
        "days": processing_days(),
        "modules": module_text,
        "username_rule": USERNAME_RULE[(language, school.username_style)],
        "login_url": reverse("accounts:login"),
        "profile_url": reverse("accounts:profile"),
        **lock_facts(language),
        "form_url": reverse("helpdesk:cannot_log_in", kwargs={"school": school.slug}),
        "rules_url": reverse("helpdesk:rules", kwargs={"school": school.slug}),
        "checklist_url": reverse(
            "helpdesk:topic", kwargs={"school": school.slug, "topic": "checklist-inloggen"}
        ),
    }


def default_source(school: School, slug: str, language: str) -> tuple[str, str] | None:
    """The built-in (title, text) for a topic, filled in for the school."""
    language = _language(language)
    if slug in TOPIC_SLUGS:
        title, template = load_text(language, slug)
        return title, template.format(**school_context(school, language))
    return None


def default_topics(school: School, language: str) -> list[Topic]:
    language = _language(language)
    context = school_context(school, language)
    topics = []
    for slug, order in TOPICS:
        title, template = load_text(language, slug)
        source = template.format(**context)
        topics.append(Topic(slug, title, render_text(source), order, language, True, source))
    return topics


def default_rules(school: School, language: str) -> tuple[str, str]:
    """The built-in (title, text) for a school without its own vision page."""
    title, template = load_text(_language(language), "visie")
    email = school.portal_email
    return title, template.format(email=email, email_link=f"mailto:{email}")
