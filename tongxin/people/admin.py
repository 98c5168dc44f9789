from django.contrib import admin

from tongxin.audit.admin_mixins import AuditedAdmin

from .models import Child, Family, Guardian, Guardianship


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ["guardian"]


@admin.register(Child)
class ChildAdmin(AuditedAdmin):
    list_display = ("name", "gender", "birth_date", "id_masked", "school_class", "care_status", "disability")
    list_filter = ("care_status", "disability", "gender", "school")
    search_fields = ("name", "initials", "id_masked")
    autocomplete_fields = ["family"]
    list_select_related = ("school_class__grade", "school_class__school")
    inlines = [GuardianshipInline]


@admin.register(Family)
class FamilyAdmin(AuditedAdmin):
    list_display = ("head_name", "community", "hukou", "low_income", "extreme_poverty", "military", "dual_earner")
    list_filter = ("hukou", "low_income", "extreme_poverty", "military", "dual_earner", "migrant_worker")
    search_fields = ("head_name",)
    list_select_related = ("community",)


@admin.register(Guardian)
class GuardianAdmin(AuditedAdmin):
    list_display = ("name", "gender", "phone_masked", "id_masked", "works_away", "work_city", "family")
    list_filter = ("works_away", "capable")
    search_fields = ("name", "id_masked", "phone_masked")
    autocomplete_fields = ["family", "user"]
