"""URL arguments for the help desk: a school's help page, documents and appointments."""

URL_KWARGS = {
    "helpdesk:topic": lambda side: {"topic": side.help_page.slug},
    "helpdesk:document": lambda side: {"document": side.document.public_id},
    "helpdeskadmin:page_edit": lambda side: {"language": "nl", "topic": side.help_page.slug},
    "helpdeskadmin:page_delete": lambda side: {"language": "nl", "topic": side.help_page.slug},
    "helpdeskadmin:document_edit": lambda side: {"document": side.document.public_id},
    "helpdeskadmin:document_delete": lambda side: {"document": side.document.public_id},
    "helpdeskadmin:appointment": lambda side: {"appointment": side.appointment.public_id},
}
POST_DATA = {
    "helpdeskadmin:page_edit": lambda side: {
        "title": "Schoolreis",
        "slug": side.help_page.slug,
        "language": "nl",
        "order": 5,
        "body": "Nieuwe tekst",
    },
    "helpdeskadmin:document_edit": lambda side: {
        "title": "Nieuwe titel",
        "description": "",
        "audience": "parents",
        "order": 1,
    },
    "helpdeskadmin:appointment": lambda side: {"answer": "Dinsdag om drie uur."},
}
# Pages whose view narrows its decorator's rule: only parents of a pupil at the school.
ALLOWED_PERSONAS = {"helpdesk:acknowledge_rules": {"parent", "other_parent"}}
# A teacher of another group gets 404 for these pages about a pupil of 5A.
OWN_GROUPS_ONLY = {"helpdeskadmin:appointment"}
