from django.urls import path

from ouderportaal.privacy import views

app_name = "privacystatement"
urlpatterns = [
    path("<slug:school>/", views.statement, name="statement"),
]
