"""Django's admin, for the installation's superusers only (schools use the back office)."""

from django.contrib import admin

from ouderportaal.core import models


@admin.register(models.Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "number"]
    search_fields = ["name", "number"]


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "brin", "vestiging", "board", "holiday_region"]
    list_filter = ["board", "holiday_region"]
    search_fields = ["name", "brin"]


@admin.register(models.StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "is_administration", "is_teacher", "is_portal_manager"]
    list_filter = ["school", "is_administration", "is_teacher", "is_portal_manager"]
    raw_id_fields = ["user"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "school", "actor", "action", "object_type", "object_id"]
    list_filter = ["school", "action"]
    readonly_fields = [f.name for f in models.AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The outbox's state, without the mails' addresses or content."""

    list_display = ["created_at", "template", "school", "state", "attempts", "next_attempt_at"]
    list_filter = ["state", "school"]
    fields = [*list_display, "message_id", "last_error", "refused", "claimed_at", "finished_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
