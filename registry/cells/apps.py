from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CellsConfig(AppConfig):
    name = "registry.cells"
    label = "cells"
    verbose_name = _("Cell work")

    def ready(self):
        from registry.core import stale
        from registry.pledges import feedback

        from . import kept  # connects the recompute of marked figures
        from .selectors import member_feedback

        stale.keeps_stamps(stamper=kept.stamp, toucher=kept.touch)
        feedback.provided_by(member_feedback)
