from django.urls import path

from ouderportaal.helpdesk import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.index, name="index"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("kind/<str:student>/afspraken/", views.appointments, name="appointments"),
    path("<slug:school>/", views.school_home, name="school"),
    path("<slug:school>/zoeken/", views.search, name="search"),
    path("<slug:school>/onderwerp/<slug:topic>/", views.topic, name="topic"),
    path("<slug:school>/visie/", views.rules, name="rules"),
    path("<slug:school>/visie/gelezen/", views.acknowledge_rules, name="acknowledge_rules"),
    path("<slug:school>/documenten/", views.documents, name="documents"),
    path("<slug:school>/documenten/<str:document>/", views.document, name="document"),
    path("<slug:school>/niet-inloggen/", views.cannot_log_in, name="cannot_log_in"),
]
