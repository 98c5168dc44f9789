from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tongxin.audit.admin_mixins import AuditedAdmin

from .models import ApiToken, CalendarDay, Grade, Region, RoleAssignment, School, SchoolClass, Site, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "level", "parent")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "workday", "name")
    list_filter = ("workday",)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "stage", "region")
    search_fields = ("name", "code")
    inlines = [GradeInline]


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ("__str__", "school", "grade", "number")
    list_filter = ("school", "grade__year")
    search_fields = ("school__name",)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "school", "region", "parent", "capacity")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ["parent"]


class RoleAssignmentInline(admin.TabularInline):
    """One row per role and scope: a subject teacher (任课教师) has one row for each class taught."""

    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region", "school", "school_class", "site"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "real_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "real_name")
    fieldsets = BaseUserAdmin.fieldsets + (("童心", {"fields": ("real_name", "phone")}),)
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ("user", "role", "region", "school", "school_class", "site", "active")
    list_filter = ("role", "active")
    search_fields = ("user__username", "user__real_name")
    autocomplete_fields = ["user", "region", "school", "school_class", "site"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    exclude = ("key_hash",)
