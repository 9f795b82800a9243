"""URL arguments for the accounts pages."""

URL_KWARGS = {
    "accounts:set_password": lambda side: {"uidb64": "MQ", "token": "set-password"},
    "accounts:recovery_confirm": lambda side: {"token": "not-a-real-link"},
    "accountadmin:group": lambda side: {"group": side.group.pk},
    "accountadmin:guardian": lambda side: {"guardian": side.guardian.pk},
    "accountadmin:lift_lock": lambda side: {"guardian": side.guardian.pk},
    "accountadmin:batch": lambda side: {"batch": side.batch.pk},
    "accounts:passkey_remove": lambda side: {"passkey": side.passkey.pk},
}
POST_DATA = {
    "accountadmin:send": lambda side: {"scope": "group", "group": side.group.pk, "confirm": "yes"},
    "accountadmin:settings": lambda side: {"link_valid_days": 7},
    "accounts:passkey_add": lambda side: {"name": "Telefoon", "credential": ""},
}
NOT_OBJECTS = {"accounts:set_password", "accounts:recovery_confirm"}
# Only the owner may remove a passkey; anyone else's is not there for them (404).
ALLOWED_PERSONAS = {"accounts:passkey_remove": {"parent"}}
