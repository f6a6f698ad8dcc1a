from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The entry pages and the demo data: above every other app, which it uses."""

    name = "registry.portal"
    label = "portal"
    verbose_name = _("Home page and demo data")
