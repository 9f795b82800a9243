from django.urls import path

from ouderportaal.notifications import staff_views, views

app_name = "notifications"
urlpatterns = [
    path("account/meldingen/", views.preferences, name="preferences"),
    path("meldingen/afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("beheer/<slug:school>/meldingen/", staff_views.staff, name="staff"),
    path("beheer/<slug:school>/meldingen/voorbeeld/", staff_views.preview, name="preview"),
]
