from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ResetCode

# django-otp's device pages are in English and show the secret; an administrator removes a
# person's second factor with `manage.py second_factor_reset <user name>` instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


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
