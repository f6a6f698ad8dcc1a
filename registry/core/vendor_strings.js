// Strings of the Django admin's scripts that our catalogue words itself: Django's Vietnamese
// catalogue leaves them in English or addresses the reader as “bạn”. Listing the exact msgids
// here lets `make messages` put them in locale/vi/LC_MESSAGES/djangojs.po, which the admin's
// script catalogue reads before Django's own (see vendor_strings.py). Nothing loads this file.

gettext("Choose %s by selecting them and then select the \"Choose\" arrow button.");
gettext("Type into this box to filter down the list of available %s.");
gettext("Choose all %s");
gettext("Choose selected %s");
gettext("Remove selected %s");
gettext("Remove %s by selecting them and then select the \"Remove\" arrow button.");
gettext("Type into this box to filter down the list of selected %s.");
gettext("(click to clear)");
gettext("Remove all %s");
ngettext("%s selected option not visible", "%s selected options not visible", 0);
gettext("You have unsaved changes on individual editable fields. If you run an action, your unsaved changes will be lost.");
gettext("You have selected an action, but you haven’t saved your changes to individual fields yet. Please click OK to save. You’ll need to re-run the action.");
gettext("You have selected an action, and you haven’t made any changes on individual fields. You’re probably looking for the Go button rather than the Save button.");
ngettext("Note: You are %s hour ahead of server time.", "Note: You are %s hours ahead of server time.", 0);
ngettext("Note: You are %s hour behind server time.", "Note: You are %s hours behind server time.", 0);
gettext("Sunday");
gettext("Monday");
gettext("Tuesday");
gettext("Wednesday");
gettext("Thursday");
gettext("Friday");
gettext("Saturday");
pgettext("abbrev. day Sunday", "Sun");
pgettext("abbrev. day Monday", "Mon");
pgettext("abbrev. day Tuesday", "Tue");
pgettext("abbrev. day Wednesday", "Wed");
pgettext("abbrev. day Thursday", "Thur");
pgettext("abbrev. day Friday", "Fri");
pgettext("abbrev. day Saturday", "Sat");
