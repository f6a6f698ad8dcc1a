"""Ids printed in templates are plain digits: with Vietnamese number formats on, `{{ item.pk }}`
would print 13.895 for 13895, and an anchor (`id="item-13.895"`), a form value or a field name
built from it would no longer match the id (as first seen on PostgreSQL, where ids grow past
a thousand). Ids go through `|stringformat:"s"` (or a `{% url %}`, which never localises)."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

RAW_ID = re.compile(r"\{\{ ?[A-Za-z_][A-Za-z0-9_.]*(?:\.pk|(?<!auto)_id|_pk) ?\}\}")


def test_no_template_prints_a_raw_id():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        for match in RAW_ID.finditer(path.read_text())
    ]
    assert found == []


def test_the_way_ids_are_printed_keeps_them_whole():
    with translation.override("vi"):
        raw = Template("{{ pk }}").render(Context({"pk": 13895}))
        kept = Template('{{ pk|stringformat:"s" }}').render(Context({"pk": 13895}))
    assert raw == "13.895"  # what the check above prevents
    assert kept == "13895"
