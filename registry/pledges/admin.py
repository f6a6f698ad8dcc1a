from django.contrib import admin

from registry.core.admin import KeptAdmin

from .models import Evidence, Plan, PlanItem, ProgressReport, RegistrationExtension


class PlanItemInline(admin.StackedInline):
    """Read only: a plan's items change through the member's editor and the services."""

    model = PlanItem
    extra = 0
    can_delete = False
    readonly_fields = [
        "position",
        "action",
        "measures",
        "expected_result",
        "target_value",
        "target_unit",
        "deadline",
        "quarter",
        "is_breakthrough",
        "standards",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(KeptAdmin):
    """Read mostly: states change only through the services (the member's and the cell's
    pages), so the admin shows the plan but does not move it along."""

    list_display = ["member", "year", "cell", "status", "submitted_at", "approved_at"]
    list_filter = ["year", "status"]
    search_fields = ["member__search_name", "member__card_number", "cell__name"]
    list_select_related = ["member", "cell"]
    ordering = ["-year", "member__sort_name", "id"]
    readonly_fields = [
        "member",
        "year",
        "cell",
        "status",
        "committed_at",
        "submitted_at",
        "approved_at",
        "approved_by",
        "self_assessed_at",
    ]
    inlines = [PlanItemInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(KeptAdmin):
    list_display = ["item", "quarter", "status", "is_late", "filed_at"]
    list_filter = ["quarter", "status", "is_late"]
    list_select_related = ["item"]
    ordering = ["-item__plan__year", "item__plan__member__sort_name", "item__position", "quarter"]
    readonly_fields = [
        "item",
        "quarter",
        "status",
        "value_reached",
        "account",
        "reason",
        "filed_at",
        "filed_by",
        "is_late",
        "review",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    ]


@admin.register(Evidence)
class EvidenceAdmin(KeptAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = [
        "report",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_at",
        "uploaded_by",
    ]


@admin.register(RegistrationExtension)
class RegistrationExtensionAdmin(admin.ModelAdmin):
    list_display = ["member", "year", "until", "granted_by", "granted_at"]
    autocomplete_fields = ["member"]
