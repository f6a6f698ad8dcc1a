from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CellsConfig(AppConfig):
    name = "registry.cells"
    label = "cells"
    verbose_name = _("Cell work")

    def ready(self):
        from . import kept  # noqa: F401 - connects the recompute of marked figures
