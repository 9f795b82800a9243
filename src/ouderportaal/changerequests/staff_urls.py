from django.urls import path

from ouderportaal.changerequests import staff_views

app_name = "requestsadmin"
urlpatterns = [
    path("<slug:school>/wijzigingsverzoeken/", staff_views.queue, name="queue"),
    path(
        "<slug:school>/wijzigingsverzoeken/<int:request_id>/",
        staff_views.detail,
        name="detail",
    ),
    path(
        "<slug:school>/wijzigingsverzoeken/instellingen/",
        staff_views.request_settings,
        name="settings",
    ),
    path("<slug:school>/sluitingsdagen/", staff_views.closure_days, name="closure_days"),
]
