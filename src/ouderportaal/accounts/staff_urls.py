from django.urls import path

from ouderportaal.accounts import staff_views

app_name = "accountadmin"
urlpatterns = [
    path("<slug:school>/accounts/", staff_views.overview, name="overview"),
    path("<slug:school>/accounts/versturen/", staff_views.send, name="send"),
    path("<slug:school>/accounts/instellingen/", staff_views.school_settings, name="settings"),
    path("<slug:school>/accounts/groep/<int:group>/", staff_views.group_guardians, name="group"),
    path(
        "<slug:school>/accounts/ouder/<int:guardian>/", staff_views.guardian_detail, name="guardian"
    ),
    path(
        "<slug:school>/accounts/ouder/<int:guardian>/blokkade-opheffen/",
        staff_views.lift_lock,
        name="lift_lock",
    ),
    path("<slug:school>/accounts/verzending/<int:batch>/", staff_views.batch_detail, name="batch"),
]
