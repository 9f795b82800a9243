from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ouderportaal.accounts"
    label = "accounts"

    def ready(self):
        from ouderportaal.accounts.demo import demo_step
        from ouderportaal.accounts.services import record_account_mail_result
        from ouderportaal.core.demo import register_demo_step
        from ouderportaal.core.mail import mail_finished
        from ouderportaal.core.navigation import MenuEntry, register_backoffice_entry

        register_backoffice_entry(
            MenuEntry(
                "accounts",
                "accountadmin:overview",
                _("Parent accounts"),
                order=60,
                roles=("portal_manager",),
            )
        )
        register_demo_step(demo_step, order=50)
        mail_finished.connect(record_account_mail_result, dispatch_uid="accounts.mail_result")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin behind the portal's one login door (see accounts/admin_site.py)."""

    default = False  # AccountsConfig stays this module's default

    default_site = "ouderportaal.accounts.admin_site.PortalAdminSite"
