"""URL arguments for the change-request pages: a family's own request."""

URL_KWARGS = {
    "changerequests:withdraw": lambda side: {"request_id": side.change_request.pk},
    "requestsadmin:detail": lambda side: {"request_id": side.change_request.pk},
}
POST_DATA = {
    "requestsadmin:detail": lambda side: {"action": "start"},
}
