from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "registry.reviews"
    label = "reviews"
    verbose_name = _("Reviews and reports")

    def ready(self):
        from .reminders import register_kinds

        register_kinds()
