from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ouderportaal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.db.models.signals import post_save

        from ouderportaal.core.models import AuditEvent
        from ouderportaal.core.navigation import MenuEntry, register_backoffice_entry
        from ouderportaal.notifications.signals import audit_recorded

        post_save.connect(audit_recorded, sender=AuditEvent, dispatch_uid="notifications")
        from ouderportaal.notifications.models import Notification
        from ouderportaal.notifications.signals import notification_saved

        # One by one (the services record in bulk and mark the news themselves).
        post_save.connect(notification_saved, sender=Notification, dispatch_uid="news-mark")
        register_backoffice_entry(
            MenuEntry(
                "notifications",
                "notifications:staff",
                _("Notifications"),
                order=66,
                roles=("portal_manager",),
            )
        )
