from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "registry.pledges"
    label = "pledges"
    verbose_name = _("Personal plans")

    def ready(self):
        from .reminders import register_kinds

        register_kinds()
