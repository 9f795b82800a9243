from django.urls import path

from ouderportaal.privacy import views

app_name = "privacy"
urlpatterns = [
    path("kind/<str:student>/wie-keek-mee/", views.child_reads, name="child_reads"),
    path("mijn-gegevens/", views.my_data, name="my_data"),
    path("mijn-gegevens/download/<str:token>/", views.download, name="download"),
]
