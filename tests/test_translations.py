"""The Vietnamese catalogues are complete and compiled: no English leaks into the UI, and no
text of Django's addresses a member as “bạn”."""

from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.utils import translation

from .text import says_ban

LOCALE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
DOMAINS = ["django", "djangojs"]  # djangojs: the admin's scripts
DJANGO = Path(django.__file__).parent


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_marked_string_has_a_vietnamese_translation(domain):
    po = polib.pofile(str(LOCALE / f"{domain}.po"))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert missing == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogue_matches_the_source(domain):
    po = polib.pofile(str(LOCALE / f"{domain}.po"))
    mo = polib.mofile(str(LOCALE / f"{domain}.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo}
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po.translated_entries()}
    assert {k: v for k, v in source.items() if compiled.get(k) != v} == {}


def test_our_catalogue_never_says_ban():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert [e.msgid for e in po if says_ban(e.msgstr + " ".join(e.msgstr_plural.values()))] == []


@pytest.mark.parametrize("catalogue", ["conf", "contrib/admin", "contrib/auth"])
def test_no_text_of_django_addresses_a_member_as_ban(catalogue):
    """Every text of this Django version whose Vietnamese says “bạn” is worded again by us."""
    current = polib.pofile(str(DJANGO / catalogue / "locale/en/LC_MESSAGES/django.po"))
    theirs = polib.pofile(str(DJANGO / catalogue / "locale/vi/LC_MESSAGES/django.po"))
    says = {(e.msgctxt, e.msgid) for e in theirs if says_ban(e.msgstr + str(e.msgstr_plural))}
    assert says, "the check would find nothing"
    still = []
    with translation.override("vi"):
        for e in current:
            if (e.msgctxt, e.msgid) not in says:
                continue
            if e.msgid_plural:
                text = translation.ngettext(e.msgid, e.msgid_plural, 2)
            elif e.msgctxt:
                text = translation.pgettext(e.msgctxt, e.msgid)
            else:
                text = translation.gettext(e.msgid)
            if says_ban(text):
                still.append(e.msgid)
    assert still == []
