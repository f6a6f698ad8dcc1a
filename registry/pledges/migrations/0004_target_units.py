"""Target units in their standard spelling, so that results can be added up: "Buổi " →
"buổi", "phần trăm" → "%", "tr.đ" → "triệu đồng". Other units are only tidied (spaces).

The lists are copied from `pledges.models` as they were when this migration was written,
so that later changes to them do not change what this migration did."""

import unicodedata

from django.db import migrations

TARGET_UNITS = (
    "%",
    "buổi",
    "lượt",
    "lần",
    "việc",
    "hồ sơ",
    "bài",
    "người",
    "hộ",
    "sản phẩm",
    "sáng kiến",
    "giờ",
    "ngày",
    "triệu đồng",
)
UNIT_SYNONYMS = {
    "phần trăm": "%",
    "phan tram": "%",
    "percent": "%",
    "tiếng": "giờ",
    "giờ đồng hồ": "giờ",
    "sp": "sản phẩm",
    "hộ gia đình": "hộ",
    "triệu": "triệu đồng",
    "tr": "triệu đồng",
    "tr.": "triệu đồng",
    "trđ": "triệu đồng",
    "tr.đ": "triệu đồng",
    "tr đồng": "triệu đồng",
    "tr.đồng": "triệu đồng",
    "triệu đ": "triệu đồng",
    "triệu vnđ": "triệu đồng",
    "triệu vnd": "triệu đồng",
}


def canonical_unit(text):
    unit = " ".join(unicodedata.normalize("NFC", text or "").split())
    for key in (unit.lower(), unit.lower().rstrip(". ")):
        if key in TARGET_UNITS:
            return key
        if key in UNIT_SYNONYMS:
            return UNIT_SYNONYMS[key]
    return unit


def normalise_units(apps, schema_editor):
    PlanItem = apps.get_model("pledges", "PlanItem")
    changed = []
    for item in PlanItem.objects.exclude(target_unit="").only("pk", "target_unit").iterator():
        unit = canonical_unit(item.target_unit)[:50]
        if unit != item.target_unit:
            item.target_unit = unit
            changed.append(item)
        if len(changed) >= 500:
            PlanItem.objects.bulk_update(changed, ["target_unit"])
            changed = []
    PlanItem.objects.bulk_update(changed, ["target_unit"])


class Migration(migrations.Migration):
    dependencies = [("pledges", "0003_standing_dates")]

    operations = [migrations.RunPython(normalise_units, migrations.RunPython.noop)]
