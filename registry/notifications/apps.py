from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "registry.notifications"
    label = "notifications"
    verbose_name = _("Reminders")

    def ready(self):
        from registry.signin.signed_in import also_read

        from .services import unread_count_of_row

        # The header's unread count comes with the signed-in user's own query.
        also_read("unread_reminders", unread_count_of_row)
