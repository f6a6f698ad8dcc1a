from django.contrib import admin

from .models import ResetCode


@admin.register(ResetCode)
class ResetCodeAdmin(admin.ModelAdmin):
    """Read-only: codes are issued by the cell secretary's page; only their hash is kept."""

    list_display = ["user", "issued_by", "created_at", "expires_at", "spent_at", "failed_tries"]
    list_select_related = ["user", "issued_by"]
    exclude = ["code_hash"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
