from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """Who is due which reminder, and the daily sweep that records them in the inbox."""

    name = "registry.reminders"
    label = "reminders"
    verbose_name = _("Reminder rules")
