from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "rule", "period", "step", "created_at", "read_at", "email_status"]
    list_filter = ["rule", "step", "email_status"]
    search_fields = ["user__username", "period"]
    list_select_related = ["user"]
