from django.contrib import admin

from registry.core.admin import ReadOnlyAdmin

from .models import Adoption, Booklet, Practice

# Practices are proposed, selected, published and adopted through their pages and services
# (each checked by the policy and audited); the admin only reads them.


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "year", "field", "status", "committee"]
    list_filter = ["status", "field", "year"]
    search_fields = ["search_text", "unit__name"]
    list_select_related = ["unit", "committee"]


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdmin):
    list_display = ["practice", "cell", "adopted_on"]
    list_select_related = ["practice", "cell"]


@admin.register(Booklet)
class BookletAdmin(ReadOnlyAdmin):
    list_display = ["title", "committee", "status", "requested_at", "finished_at", "error"]
    list_filter = ["status"]
    list_select_related = ["committee"]
