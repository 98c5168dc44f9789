from django.contrib import admin

from .models import Centre, CountyBounds, Room


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "host", "opens", "closes", "extended_until", "affordable", "active")
    list_filter = ("kind", "affordable", "active")
    search_fields = ("site__name",)
    autocomplete_fields = ["site"]
    inlines = [RoomInline]


@admin.register(CountyBounds)
class CountyBoundsAdmin(admin.ModelAdmin):
    list_display = ("county", "south", "north", "west", "east")
