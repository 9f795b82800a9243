from django.apps import AppConfig


class SchoolcontrolConfig(AppConfig):
    name = "ouderportaal.schoolcontrol"
    label = "schoolcontrol"
