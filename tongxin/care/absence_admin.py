"""The administrator's view of the absence deadlines a county or school sets (empty fields keep the defaults)."""

from django.contrib import admin

from tongxin.audit.admin_mixins import AuditedAdmin

from .absence_models import AbsenceSettings


@admin.register(AbsenceSettings)
class AbsenceSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "region", "school", "cause_days", "week_days", "school_days", "persuade_days",
                    "report_days", "publicity_months")
    raw_id_fields = ("region", "school")
