from django.urls import path

from ouderportaal.changerequests import views

app_name = "changerequests"
urlpatterns = [
    path("wijzigingen/", views.my_requests, name="my_requests"),
    path("kind/<str:student>/wijzigingen/", views.child_requests, name="child_requests"),
    path("kind/<str:student>/wijzigingen/kind/", views.propose_child, name="propose_child"),
    path("kind/<str:student>/wijzigingen/ouder/", views.propose_own, name="propose_own"),
    path(
        "kind/<str:student>/wijzigingen/<int:request_id>/intrekken/",
        views.withdraw,
        name="withdraw",
    ),
]
