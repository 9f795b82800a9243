from django.urls import path

from ouderportaal.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("<slug:school>/", views.home, name="home"),
    path("<slug:school>/leerlingen/", views.students, name="students"),
    path("<slug:school>/leerlingen/<str:student>/", views.student_detail, name="student"),
    path("<slug:school>/ouders/<int:guardian>/", views.guardian_detail, name="guardian"),
]
