from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectiveConfig(AppConfig):
    name = "registry.collective"
    label = "collective"
    verbose_name = _("Collective registrations")
