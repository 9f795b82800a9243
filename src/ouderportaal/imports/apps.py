from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "ouderportaal.imports"
    label = "imports"
