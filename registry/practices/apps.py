from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "registry.practices"
    verbose_name = _("Models and good practices")
