from cron_descriptor import (
    ExpressionDescriptor,
    FormatException,
    MissingFieldException,
    Options,
    WrongArgumentException,
)
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from .models import Heartbeat


class KeptAdmin(admin.ModelAdmin):
    """For records that are never deleted (plans, reports and their evidence, reviews): a
    correction is a replacement, made through the services. No delete page, no bulk delete."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdmin(KeptAdmin):
    """For records that only services write (audit trail, membership periods, reviews): the
    admin reads them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- django-celery-beat's pages, with the labels its own admin leaves untranslatable ---------
# Its strings marked for translation are listed in vendor_strings.py; what it writes without
# gettext (a few column names, the crontab described in English) is replaced here.

CRON_LOCALES = {"vi": "vi_VN", "en": "en_US"}


def crontab_in_words(crontab: CrontabSchedule | None) -> str:
    """“Tại 05:00 Asia/Ho_Chi_Minh”: the crontab described in the reader's language."""
    if crontab is None:
        return "–"
    expression = " ".join(
        [
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        ]
    )
    options = Options()
    options.locale_code = CRON_LOCALES.get((get_language() or "vi")[:2], "vi_VN")
    options.use_24hour_time_format = True
    try:
        words = ExpressionDescriptor(expression, options).get_description()
    except (FormatException, MissingFieldException, WrongArgumentException):
        words = expression
    return f"{words} {crontab.timezone}"


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    fields = ("name", "task_name", "args", "kwargs")
    readonly_fields = fields

    @admin.display(description=_("Celery task"))
    def task_name(self, obj):
        return obj.task


class TaskFilter(admin.AllValuesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("Celery task")


for model in (PeriodicTask, CrontabSchedule, IntervalSchedule, SolarSchedule, ClockedSchedule):
    admin.site.unregister(model)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    list_display = (
        "name",
        "enabled",
        "schedule_in_words",
        "start_time",
        "last_run_at",
        "one_off",
    )
    list_filter = ["enabled", "one_off", ("task", TaskFilter), "start_time", "last_run_at"]
    change_form_template = "admin/core/periodictask_change_form.html"

    @admin.display(description=_("Schedule"))
    def schedule_in_words(self, obj):
        return crontab_in_words(obj.crontab) if obj.crontab_id else str(obj.scheduler or "–")

    @admin.display(description=_("Crontab in words"))
    def crontab_translation(self, obj):
        return crontab_in_words(obj.crontab)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Skips celery-beat's own view, which describes every crontab in English.
        extra_context = {
            **(extra_context or {}),
            "readable_crontabs": {c.pk: crontab_in_words(c) for c in CrontabSchedule.objects.all()},
        }
        return admin.ModelAdmin.changeform_view(
            self, request, object_id, form_url, extra_context=extra_context
        )


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]
    list_display = ("__str__", "in_words")
    fields = (
        "in_words",
        "minute",
        "hour",
        "day_of_month",
        "month_of_year",
        "day_of_week",
        "timezone",
    )
    readonly_fields = ("in_words",)

    @admin.display(description=_("Crontab in words"))
    def in_words(self, obj):
        return crontab_in_words(obj) if obj.pk else "–"


@admin.register(IntervalSchedule)
class IntervalScheduleAdmin(beat_admin.IntervalScheduleAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(SolarSchedule)
class SolarScheduleAdmin(beat_admin.SolarScheduleAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(ClockedSchedule)
class ClockedScheduleAdmin(beat_admin.ClockedScheduleAdmin):
    inlines = [PeriodicTaskInline]
