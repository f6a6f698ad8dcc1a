"""Fill a catalogue from a {msgid: msgstr} table (a translator's helper, not run by make).

    python scripts/fill_translations.py locale/vi/LC_MESSAGES/django.po table.py

`table.py` defines VI (dict) and optionally PLURAL ({msgid: [forms]}). Entries already
translated are kept unless the table has a different text for them."""

import runpy
import sys

import polib


def main(po_path: str, table_path: str) -> None:
    table = runpy.run_path(table_path)
    singular, plural = table.get("VI", {}), table.get("PLURAL", {})
    po = polib.pofile(po_path)
    for entry in po:
        if entry.msgid_plural and entry.msgid in plural:
            entry.msgstr_plural = dict(enumerate(plural[entry.msgid]))
        elif entry.msgid in singular:
            entry.msgstr = singular[entry.msgid]
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po.untranslated_entries()]
    print(f"{po.percent_translated()}% translated; missing: {missing}")


if __name__ == "__main__":
    main(*sys.argv[1:])
