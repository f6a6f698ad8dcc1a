from django.contrib import admin

from registry.core.admin import ReadOnlyAdmin

from .models import Review, ReviewExport

# Reviews are written, issued and replaced through their pages and services (a preview and a
# confirmation before a number); the admin only reads them.


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = [
        "unit",
        "kind",
        "first_year",
        "year",
        "quarter",
        "status",
        "number",
        "symbol",
        "as_of",
    ]
    list_filter = ["kind", "year", "quarter", "status"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]


@admin.register(ReviewExport)
class ReviewExportAdmin(ReadOnlyAdmin):
    list_display = ["review", "status", "requested_at", "finished_at", "error"]
    list_filter = ["status"]
    list_select_related = ["review__unit"]
