"""The administrator's view of the care line's settings: the contact rules and the county's or school's settings
are data an office changes (the seeds' defaults apply where no row says otherwise)."""

from django.contrib import admin

from tongxin.audit.admin_mixins import AuditedAdmin

from .models import CareSettings, ContactRuleSetting


@admin.register(ContactRuleSetting)
class ContactRuleSettingAdmin(AuditedAdmin):
    list_display = ("key", "name", "helper", "count", "window", "region", "school", "active")
    list_filter = ("helper", "window", "active")
    raw_id_fields = ("region", "school")


@admin.register(CareSettings)
class CareSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "region", "school", "teacher_load", "assessment_months", "months_away")
    raw_id_fields = ("region", "school")
from . import absence_admin  # noqa: E402, F401  (the absence deadlines)
