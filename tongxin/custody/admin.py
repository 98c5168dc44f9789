from django.contrib import admin

from tongxin.audit.admin_mixins import AuditedAdmin

from .models import (
    Alert,
    Application,
    Attendance,
    DemandSurvey,
    Evaluation,
    FeeExemption,
    Group,
    HardshipCertificate,
    HealthCheck,
    Incident,
    Period,
    Placement,
    PlacementRun,
    Programme,
    PublishedRosterDay,
    RosterShift,
    SurveyAnswer,
    SurveyVolunteer,
    VenueLoan,
)


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ("name", "kind", "school", "community", "status", "fee_per_day", "group_size_limit")
    list_filter = ("kind", "status")
    inlines = [PeriodInline]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("__str__", "site", "capacity", "seats_taken")
    list_filter = ("period__programme",)


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin):
    list_display = ("child", "programme", "state", "tier", "created_at")
    list_filter = ("state", "tier", "programme")
    search_fields = ("child__name", "child__initials")
    raw_id_fields = ("child", "guardian", "applicant")


@admin.register(Placement)
class PlacementAdmin(AuditedAdmin):
    list_display = ("child", "period", "group", "state")
    list_filter = ("state", "period__programme")
    raw_id_fields = ("child", "application")


for model in (PlacementRun, FeeExemption, RosterShift, Attendance, HealthCheck, Incident, Alert, Evaluation,
              HardshipCertificate, PublishedRosterDay, VenueLoan, DemandSurvey, SurveyAnswer, SurveyVolunteer):
    admin.site.register(model, AuditedAdmin)
