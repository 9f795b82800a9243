"""URL arguments and forms for the notification pages."""

from ouderportaal.notifications.services import unsubscribe_token

URL_KWARGS = {
    "notifications:unsubscribe": lambda side: {
        "token": unsubscribe_token(side.parent, ["results"])
    },
}
POST_DATA = {
    "notifications:preferences": lambda side: {
        "kinds": ["results"],
        "mode": "direct",
        "digest_time": "18:00",
        "quiet_start": "21:00",
        "quiet_end": "07:00",
    },
    "notifications:staff": lambda side: {
        "kinds": ["results", "document"],
        "default_mode": "digest",
        "default_digest_time": "17:00",
    },
}
# The signed token is the parent's own link from a mail, not a school object.
NOT_OBJECTS = {"notifications:unsubscribe"}
