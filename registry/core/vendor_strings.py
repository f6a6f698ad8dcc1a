"""Strings of Django and of third-party apps that our catalogue must word itself.

Django consults our catalogue (LOCALE_PATHS) before the catalogues of Django and of the
apps, so listing a msgid here (the exact text, singular and plural) lets `make messages`
pick it up and our Vietnamese replace theirs. Listed here:

- django-celery-beat's strings: it has no Vietnamese catalogue;
- Django's strings that a person can meet here and that Django's Vietnamese catalogue leaves
  in English or words wrongly;
- every string of Django whose Vietnamese says “bạn” (members are “đồng chí”), reachable
  or not (tests/test_translations.py checks them all, so an upgrade cannot bring one back).

The admin's scripts read another catalogue (djangojs); their strings are in vendor_strings.js.
Nothing imports this module."""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

# django-axes (sign-in throttling): its admin pages; it has no Vietnamese catalogue.
AXES = [
    _("Locked Out"),
    _("Form Data"),
    _("Meta Data"),
    _("Clean up expired attempts"),
    _("Not set"),
    _("Attempt Remaining"),
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Access lock out"),
    _("access failure"),
    _("access failures"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("access attempt"),
    _("access attempts"),
    _("Expires At"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("Logout Time"),
    _("Session key hash (sha256)"),
    _("access log"),
    _("access logs"),
    _("Access Attempt"),
    _("The time when access attempt expires and is no longer valid."),
    _("Axes"),
]

CELERY_BEAT = [
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
    _("Task (registered)"),
    _("Task (custom)"),
    _("Need name of task"),
    _("Only one can be set, in expires and expire_seconds"),
    _("Unable to parse JSON: %s"),
    ngettext_lazy("{0} task was successfully enabled", "{0} tasks were successfully enabled"),
    ngettext_lazy("{0} task was successfully disabled", "{0} tasks were successfully disabled"),
    _("Toggle activity of selected tasks"),
    ngettext_lazy("{0} task was successfully toggled", "{0} tasks were successfully toggled"),
    # Translators: {1} is “s” for several tasks and {2} “was” or “were”; leave them out.
    # xgettext:no-python-brace-format
    _("{0} task{1} {2} successfully run"),
    _("was,were"),
    _("Periodic Tasks Using This Schedule"),
    _("Microseconds"),
    _("Day"),
    _("Hour"),
    _("Minute"),
    _("Second"),
    _("Microsecond"),
    _("Astronomical dawn"),
    _("Civil dawn"),
    _("Nautical dawn"),
    _("Astronomical dusk"),
    _("Civil dusk"),
    _("Nautical dusk"),
    _("Solar noon"),
    _("Sunrise"),
    _("Sunset"),
    _("Solar Event"),
    _("The type of solar event when the job should run"),
    _("Latitude"),
    _("Run the task when the event happens at this latitude"),
    _("Longitude"),
    _("Run the task when the event happens at this longitude"),
    _("Number of interval periods to wait before running the task again"),
    _("The type of period between task runs (Example: days)"),
    _("Clock Time"),
    _("Run the task at clocked time"),
    _("Minute(s)"),
    _('Cron Minutes to Run. Use "*" for "all". (Example: "0,30")'),
    _("Hour(s)"),
    _('Cron Hours to Run. Use "*" for "all". (Example: "8,20")'),
    _("Day(s) Of The Month"),
    _('Cron Days Of The Month to Run. Use "*" for "all". (Example: "1,15")'),
    _("Month(s) Of The Year"),
    _('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    _("Day(s) Of The Week"),
    _(
        'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. (Example: '
        '"0,5")',
    ),
    _("Cron Timezone"),
    _("Timezone to Run the Cron Schedule on. Default is UTC."),
    _('The Name of the Celery Task that Should be Run.  (Example: "proj.tasks.import_contacts")'),
    _("Interval Schedule to run the task on.  Set only one schedule type, leave the others null."),
    _("Crontab Schedule to run the task on.  Set only one schedule type, leave the others null."),
    _("Solar Schedule"),
    _("Solar Schedule to run the task on.  Set only one schedule type, leave the others null."),
    _("Clocked Schedule"),
    _("Clocked Schedule to run the task on.  Set only one schedule type, leave the others null."),
    _("Positional Arguments"),
    _('JSON encoded positional arguments (Example: ["arg1", "arg2"])'),
    _("Keyword Arguments"),
    _('JSON encoded keyword arguments (Example: {"argument": "value"})'),
    _("Queue Override"),
    _("Queue defined in CELERY_TASK_QUEUES. Leave None for default queuing."),
    _("Exchange"),
    _("Override Exchange for low-level AMQP routing"),
    _("Routing Key"),
    _("Override Routing Key for low-level AMQP routing"),
    _("AMQP Message Headers"),
    _("JSON encoded message headers for the AMQP message."),
    _("Priority"),
    _(
        "Priority Number between 0 and 255. Supported by: RabbitMQ, Redis (priority reversed, 0 is "
        "highest).",
    ),
    _("Expires Datetime"),
    _("Datetime after which the schedule will no longer trigger the task to run"),
    _("Expires timedelta with seconds"),
    _("Timedelta with seconds which the schedule will no longer trigger the task to run"),
    _("If True, the schedule will only run the task a single time"),
    _("Datetime when the schedule should begin triggering the task to run"),
    _(
        "Datetime that the schedule last triggered the task to run. Reset to None if enabled is "
        "set to False.",
    ),
    _("Running count of how many times the schedule has triggered the task"),
    _("Datetime that this PeriodicTask was last modified"),
    _("Detailed description about the details of this Periodic Task"),
]

# Forms and formsets: the plan editor, the report and rating forms, admin forms.
DJANGO_FORMS = [
    _("Ensure this value is less than or equal to %(limit_value)s."),
    _("Ensure this value is greater than or equal to %(limit_value)s."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
    ),
    _("Enter a whole number."),
    _("Enter a number."),
    _("Enter a valid date."),
    _("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    _(
        "ManagementForm data is missing or has been tampered with. Missing fields: "
        "%(field_names)s. You may need to file a bug report if the issue persists.",
    ),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms."),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms."),
]

# Signing in, changing the password, the password rules and the accounts admin.
DJANGO_AUTH = [
    _("Conflicting form data submitted. Please try again."),
    _("Password-based authentication was disabled."),
    _("Set password: %s"),
    _("Reset password"),
    _("Set password"),
    _(
        "Whether the user will be able to authenticate using a password or not. If disabled, they "
        "may still be able to authenticate using other backends, such as Single Sign-On or LDAP.",
    ),
    _("Password-based authentication"),
    _("Enabled"),
    _("Disabled"),
    _("Raw passwords are not stored, so there is no way to see the user’s password."),
    _("Enable password-based authentication for this user by setting a password."),
    _("Your old password was entered incorrectly. Please enter it again."),
    _(
        "Designates whether this user should be treated as active. Unselect this instead of "
        "deleting accounts.",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    _("Your password can’t be too similar to your other personal information."),
    _("Your password can’t be a commonly used password."),
    _("Your password can’t be entirely numeric."),
]

# The administration pages.
DJANGO_ADMIN = [
    _(
        "Please enter the correct %(username)s and password for a staff account. Note that both "
        "fields may be case-sensitive.",
    ),
    _("Select this object for an action - {}"),
    _("You may edit it again below."),
    _("The {name} “{obj}” was added successfully. You may add another {name} below."),
    _("The {name} “{obj}” was changed successfully. You may edit it again below."),
    _("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    _(
        "There’s been an error. It’s been reported to the site administrators via email and should "
        "be fixed shortly. Thanks for your patience.",
    ),
    _("Breadcrumbs"),
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("You don’t have permission to view or edit anything."),
    _("After you’ve created a user, you’ll be able to edit more user options."),
    _("Error:"),
    _("This action will <strong>enable</strong> password-based authentication for this user."),
    _("Disable password-based authentication"),
    _("Enable password-based authentication"),
    _("Skip to main content"),
    _("Welcome,"),
    _("Hide counts"),
    _("Show counts"),
    _("Toggle theme (current theme: auto)"),
    _("Toggle theme (current theme: light)"),
    _("Toggle theme (current theme: dark)"),
    _(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:",
    ),
    _(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the '
        "following related items will be deleted:",
    ),
    _(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your "
        "account doesn't have permission to delete the following types of objects:",
    ),
    _(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following "
        "objects and their related items will be deleted:",
    ),
    _("Delete?"),
    _("Added:"),
    _("Changed:"),
    _("Deleted:"),
    _(
        "Something’s wrong with your database installation. Make sure the appropriate database "
        "tables have been created, and make sure the database is readable by the appropriate user.",
    ),
    _(
        "You are authenticated as %(username)s, but are not authorized to access this page. Would "
        "you like to login to a different account?",
    ),
    _("Toggle navigation"),
    _("Sidebar"),
    _("Filter navigation items"),
    ngettext_lazy("entry", "entries"),
    _("View selected %(model)s"),
    _("Thanks for spending some quality time with the web site today."),
    _("Your password was changed."),
    _(
        "Please enter your old password, for security’s sake, and then enter your new password "
        "twice so we can verify you typed it in correctly.",
    ),
    _("Your password has been set.  You may go ahead and log in now."),
    _("Please enter your new password twice so we can verify you typed it in correctly."),
    _(
        "We’ve emailed you instructions for setting your password, if an account exists with the "
        "email you entered. You should receive them shortly.",
    ),
    _(
        "If you don’t receive an email, please make sure you’ve entered the address you registered "
        "with, and check your spam folder.",
    ),
    _(
        "You're receiving this email because you requested a password reset for your user account "
        "at %(site_name)s.",
    ),
    _("Thanks for using our site!"),
    _(
        "Forgotten your password? Enter your email address below, and we’ll email instructions for "
        "setting a new one.",
    ),
    _("Select all objects on this page for an action"),
    # Worded badly in Django's catalogue (English words left in, stray spaces):
    _("Models in the %(name)s application"),
    _("This object doesn’t have a change history. It probably wasn’t added via this admin site."),
    _("Successfully deleted %(count)d %(items)s."),
]
