"""URL arguments for the privacy pages."""

URL_KWARGS = {
    "privacy:download": lambda side: {"token": "not-a-real-link"},
    "backoffice:guardian": lambda side: {"guardian": side.guardian.pk},
}
POST_DATA = {
    "privacyadmin:settings": lambda side: {"pupil_years": 2, "log_months": 24},
}
NOT_OBJECTS = {"privacy:download"}
# Pages with a guardian's contact data: a teacher sees them only for pupils in their own
# groups, so the teacher of another group (7A) of the same school gets 404.
OWN_GROUPS_ONLY = {"backoffice:guardian"}
