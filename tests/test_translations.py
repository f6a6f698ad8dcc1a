"""The Vietnamese catalogue is complete and compiled: no English leaks into the UI."""

from pathlib import Path

import polib
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"


def test_every_marked_string_has_a_vietnamese_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert missing == []


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {e.msgid: e.msgstr or e.msgstr_plural for e in mo}
    source = {e.msgid: e.msgstr or e.msgstr_plural for e in po.translated_entries()}
    assert {k: v for k, v in source.items() if compiled.get(k) != v} == {}
