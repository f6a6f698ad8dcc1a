from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.core.admin import ReadOnlyAdmin

from .models import ACTION_LABELS, AuditEvent


class ActionFilter(admin.SimpleListFilter):
    """Filter by what happened, listed by label rather than by code."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        labels = ((code, str(label)) for code, label in ACTION_LABELS.items())
        return sorted(labels, key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read only: the trail is written by services and never edited."""

    list_display = ["at", "actor", "action_label", "summary"]
    list_filter = [ActionFilter]
    search_fields = ["summary", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    fields = ["at", "actor", "action_label", "target_type", "target_id", "summary", "data"]
    readonly_fields = ["action_label"]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        return obj.label
