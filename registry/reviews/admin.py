from django.contrib import admin

from .models import Review, ReviewExport


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["unit", "kind", "year", "quarter", "status", "number", "symbol"]
    list_filter = ["kind", "year", "quarter", "status"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]
    readonly_fields = [
        "figures",
        "children",
        "number",
        "issued_year",
        "symbol",
        "finalised_at",
        "finalised_by",
        "status",
    ]

    def has_change_permission(self, request, obj=None):
        # A finalised review is a signed document: it is read, not edited.
        return super().has_change_permission(request, obj) and not (
            obj is not None and obj.status == Review.Status.FINAL
        )


@admin.register(ReviewExport)
class ReviewExportAdmin(admin.ModelAdmin):
    list_display = ["review", "status", "requested_at", "finished_at", "error"]
    list_filter = ["status"]
    readonly_fields = [
        "review",
        "status",
        "error",
        "file",
        "filename",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
    ]
