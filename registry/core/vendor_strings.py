"""Strings of third-party apps that have no Vietnamese catalogue (django-celery-beat).

Listing them here puts them in our catalogue, which Django consults first, so the admin
pages administrators actually use read in Vietnamese. Nothing imports this module."""

from django.utils.translation import gettext_noop as _

VENDOR_STRINGS = [
    _("Periodic Tasks"),
    _("periodic task"),
    _("periodic tasks"),
    _("interval"),
    _("intervals"),
    _("crontab"),
    _("crontabs"),
    _("clocked"),
    _("solar event"),
    _("solar events"),
    _("Name"),
    _("Short Description For This Task"),
    _("Enabled"),
    _("Set to False to disable the schedule"),
    _("Interval Schedule"),
    _("Crontab Schedule"),
    _("Schedule"),
    _("Arguments"),
    _("Execution Options"),
    _("Description"),
    _("Last Run Datetime"),
    _("Total Run Count"),
    _("Last Modified"),
    _("One-off Task"),
    _("Start Datetime"),
    _("Number of Periods"),
    _("Interval Period"),
    _("Days"),
    _("Hours"),
    _("Minutes"),
    _("Seconds"),
    _("every {}"),
    _("every {} {}"),
    _("Enable selected tasks"),
    _("Disable selected tasks"),
    _("Run selected tasks"),
]
