from django.urls import path

from ouderportaal.schoolcontrol import views

app_name = "schoolcontrol"
urlpatterns = [
    path("<slug:school>/portaal/", views.modules, name="modules"),
    path("<slug:school>/portaal/gesloten/", views.periods, name="periods"),
    path("<slug:school>/portaal/gesloten/<int:period>/", views.period_edit, name="period"),
    path(
        "<slug:school>/portaal/gesloten/<int:period>/openen/",
        views.period_open,
        name="period_open",
    ),
    path(
        "<slug:school>/portaal/gesloten/<int:period>/verwijderen/",
        views.period_delete,
        name="period_delete",
    ),
    path("<slug:school>/portaal/vrijgeven/", views.releases, name="releases"),
    path("<slug:school>/portaal/vrijgeven/<int:release>/", views.release_edit, name="release"),
    path(
        "<slug:school>/portaal/vrijgeven/<int:release>/verwijderen/",
        views.release_delete,
        name="release_delete",
    ),
    path("<slug:school>/portaal/huisstijl/", views.branding, name="branding"),
    path("<slug:school>/portaal/logboek/", views.audit, name="audit"),
    path("<slug:school>/portaal/gebruik/", views.adoption, name="adoption"),
    path("<slug:school>/portaal/als-ouder/", views.preview, name="preview"),
    path(
        "<slug:school>/portaal/als-ouder/<int:guardian>/",
        views.preview_parent,
        name="preview_parent",
    ),
    path(
        "<slug:school>/portaal/als-ouder/leerling/<str:student>/",
        views.preview_pupil,
        name="preview_pupil",
    ),
    path(
        "<slug:school>/portaal/als-ouder/leerling/<str:student>/<int:guardian>/<str:moment>/",
        views.preview_page,
        name="preview_root",
    ),
    path(
        "<slug:school>/portaal/als-ouder/leerling/<str:student>/<int:guardian>/<str:moment>/"
        "<path:page>",
        views.preview_page,
        name="preview_page",
    ),
]
