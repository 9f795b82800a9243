"""Django's admin: a school board's retention terms, for the installation's superusers
(the portal has no role at board level; the back office shows the terms read-only)."""

from django.contrib import admin

from ouderportaal.privacy import services
from ouderportaal.privacy.models import BoardPrivacySettings


@admin.register(BoardPrivacySettings)
class BoardPrivacySettingsAdmin(admin.ModelAdmin):
    list_display = ["board", "pupil_years", "log_months"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # back to the defaults: set the default terms

    def save_model(self, request, obj, form, change):
        services.save_board_terms(obj, actor=request.user)
