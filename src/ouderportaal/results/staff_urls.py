from django.urls import path

from ouderportaal.results import staff_views

app_name = "resultsadmin"
urlpatterns = [
    path("<slug:school>/resultaten/", staff_views.home, name="home"),
    path("<slug:school>/resultaten/groep/<int:group>/", staff_views.group_tests, name="group"),
    path(
        "<slug:school>/resultaten/groep/<int:group>/toets/<int:test>/",
        staff_views.grid,
        name="grid",
    ),
    path(
        "<slug:school>/resultaten/leerling/<str:student>/",
        staff_views.pupil_results,
        name="pupil",
    ),
    path("<slug:school>/resultaten/cito-import/", staff_views.cito_import, name="cito_import"),
    path("<slug:school>/resultaten/instellingen/", staff_views.settings_view, name="settings"),
    path("<slug:school>/resultaten/bij-de-les/", staff_views.goals, name="goals"),
    path("<slug:school>/resultaten/niveaugrenzen/", staff_views.cut_scores, name="cut_scores"),
]
