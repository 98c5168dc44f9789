from axes.admin import AccessAttemptAdmin, IsLockedOutFilter
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist

from .models import AuditEntry

CHANNELS = {"web": "网页", "api": "接口", "system": "系统"}


def _model(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _type_name(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name) if model else label


class TargetTypeFilter(admin.SimpleListFilter):
    title = "对象类型"
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        labels = AuditEntry.objects.exclude(target_type="").values_list("target_type", flat=True).distinct()
        return sorted(((label, _type_name(label)) for label in labels), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


class ChannelFilter(admin.SimpleListFilter):
    title = "渠道"
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return list(CHANNELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(channel=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The log in Chinese: model and field names by their verbose names, never the code's English labels."""

    list_display = ("at", "actor_name", "action", "target_type_name", "target_repr", "field_names", "ip",
                    "channel_name")
    list_filter = ("action", TargetTypeFilter, ChannelFilter, "at")
    search_fields = ("actor_name", "target_repr", "target_id", "ip", "reason")
    date_hierarchy = "at"
    list_per_page = 100

    fields = ("at", "actor", "actor_name", "action", "target_type_name", "target_id", "target_repr", "child_id",
              "field_names", "reason", "ip", "user_agent", "path", "channel_name")
    readonly_fields = fields

    @admin.display(description="对象类型", ordering="target_type")
    def target_type_name(self, entry):
        return _type_name(entry.target_type)

    @admin.display(description="涉及字段")
    def field_names(self, entry):
        model = _model(entry.target_type)
        names = []
        for name in entry.fields or []:
            try:
                names.append(str(model._meta.get_field(name).verbose_name) if model else name)
            except FieldDoesNotExist:
                names.append(name)
        return "、".join(names)

    @admin.display(description="渠道", ordering="channel")
    def channel_name(self, entry):
        return CHANNELS.get(entry.channel, entry.channel)

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
