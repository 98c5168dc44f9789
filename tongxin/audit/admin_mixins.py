from django.contrib import admin

from .models import AuditEntry
from .services import changed_fields, record


class AuditedAdmin(admin.ModelAdmin):
    """Admin pages over sensitive records: opening a record and every write are audited."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                record(request.user, AuditEntry.Action.VIEW, obj, reason="后台查看")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        before = type(obj).objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        action = AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE
        record(request.user, action, obj, fields=changed_fields(before, obj), reason="后台")

    def delete_model(self, request, obj):
        record(request.user, AuditEntry.Action.DELETE, obj, reason="后台")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record(request.user, AuditEntry.Action.DELETE, obj, reason="后台批量删除")
        super().delete_queryset(request, queryset)
