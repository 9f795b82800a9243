from django.urls import path

from ouderportaal.privacy import staff_views as views

app_name = "privacyadmin"
urlpatterns = [
    path("<slug:school>/privacy/", views.settings_view, name="settings"),
    path("<slug:school>/privacy/verwerkingsregister/", views.register, name="register"),
]
