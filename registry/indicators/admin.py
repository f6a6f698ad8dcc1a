from django.contrib import admin

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """Administrators keep the catalogue; an indicator in use is retired (not active), never
    deleted (pledge items point to it)."""

    list_display = ["name", "unit", "code", "scope", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active", "scope"]
    search_fields = ["name", "code"]
    list_select_related = ["scope"]
    prepopulated_fields = {"code": ["name"]}
