from django.urls import path

from ouderportaal.helpdesk import staff_views

app_name = "helpdeskadmin"
urlpatterns = [
    path("<slug:school>/hulppaginas/", staff_views.pages, name="pages"),
    path("<slug:school>/hulppaginas/nieuw/", staff_views.page_new, name="page_new"),
    path(
        "<slug:school>/hulppaginas/<str:language>/<slug:topic>/",
        staff_views.page_edit,
        name="page_edit",
    ),
    path(
        "<slug:school>/hulppaginas/<str:language>/<slug:topic>/verwijderen/",
        staff_views.page_delete,
        name="page_delete",
    ),
    path("<slug:school>/documenten/", staff_views.documents, name="documents"),
    path(
        "<slug:school>/documenten/<str:document>/",
        staff_views.document_edit,
        name="document_edit",
    ),
    path(
        "<slug:school>/documenten/<str:document>/verwijderen/",
        staff_views.document_delete,
        name="document_delete",
    ),
    path("<slug:school>/visie/", staff_views.rules_edit, name="rules"),
    path("<slug:school>/afspraken/", staff_views.appointments, name="appointments"),
    path(
        "<slug:school>/afspraken/<str:appointment>/",
        staff_views.appointment,
        name="appointment",
    ),
]
