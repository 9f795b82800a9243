from django.urls import path

from ouderportaal.imports import views

app_name = "imports"
urlpatterns = [
    path("<slug:school>/importeren/", views.index, name="index"),
    path("<slug:school>/importeren/<int:run>/", views.run_detail, name="run"),
    path("<slug:school>/importeren/<int:run>/bevestigen/", views.confirm, name="confirm"),
    path("<slug:school>/importeren/<int:run>/annuleren/", views.cancel, name="cancel"),
]
