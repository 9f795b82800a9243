from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "ouderportaal.helpdesk"
    label = "helpdesk"
