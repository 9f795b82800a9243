from django.urls import path

from ouderportaal.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("kind/<str:student>/", views.general, name="general"),
]
