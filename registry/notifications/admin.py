from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "period", "step", "created_at", "read_at", "email_status"]
    list_filter = ["rule", "step", "email_status"]
    search_fields = ["user__username", "period"]
    list_select_related = ["user"]

    @admin.display(description=_("kind"), ordering="rule")
    def kind(self, obj):
        return obj.get_rule_display()
