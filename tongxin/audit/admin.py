from axes.admin import AccessAttemptAdmin, IsLockedOutFilter
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "target_type", "target_repr", "fields", "ip", "channel")
    list_filter = ("action", "target_type", "channel", "at")
    search_fields = ("actor_name", "target_repr", "target_id", "ip", "reason")
    date_hierarchy = "at"
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Login locks (django-axes, AXES_ENABLE_ADMIN off): only the attempts table, in Chinese. Deleting an account's or an
# address's rows unlocks it at once.
@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "status"]
    list_filter = ["attempt_time", IsLockedOutFilter]
    actions = ["delete_selected"]

    @admin.display(description="状态")
    def status(self, obj):
        remaining = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return f"还可尝试 {remaining} 次" if remaining > 0 else "已锁定"
