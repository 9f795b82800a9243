from django.urls import path

from ouderportaal.results import views

app_name = "results"
urlpatterns = [
    path("kind/<str:student>/methodetoetsen/", views.method_tests, name="method_tests"),
    path("kind/<str:student>/cito/", views.lvs, name="lvs"),
    path("uitleg-resultaten/", views.glossary, name="glossary"),
]
