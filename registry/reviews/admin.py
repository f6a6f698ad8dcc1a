from django.contrib import admin

from .models import Review, ReviewExport


class ReadOnly(admin.ModelAdmin):
    """Reviews are written, issued and replaced through their pages and services (a preview
    and a confirmation before a number); the admin only reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnly):
    list_display = ["unit", "kind", "year", "quarter", "status", "number", "symbol", "as_of"]
    list_filter = ["kind", "year", "quarter", "status"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]


@admin.register(ReviewExport)
class ReviewExportAdmin(ReadOnly):
    list_display = ["review", "status", "requested_at", "finished_at", "error"]
    list_filter = ["status"]
    list_select_related = ["review__unit"]
