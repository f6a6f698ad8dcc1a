from django.contrib import admin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["year", "scope", "theme", "registration_opens", "registration_closes"]
    list_filter = ["year"]
    search_fields = ["theme", "name", "scope__name"]
    autocomplete_fields = ["scope"]
    list_select_related = ["scope"]
