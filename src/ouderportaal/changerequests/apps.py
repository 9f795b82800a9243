from django.apps import AppConfig


class ChangerequestsConfig(AppConfig):
    name = "ouderportaal.changerequests"
    label = "changerequests"
