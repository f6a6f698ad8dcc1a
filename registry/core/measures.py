"""Units of measure of targets and results: a short standard list, so that results can be
added up across members and units (a pledge item's target, an indicator of the catalogue)."""

import unicodedata

# The units a target is counted in, so that results can be added up across members. Order
# as offered in the editor; anything else is written out as "other" (OTHER_UNIT).
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
OTHER_UNIT = "other"
# Other spellings of the standard units (lower case), as people type them.
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


def canonical_unit(text: str | None) -> str:
    """The stored spelling of a target unit: a standard unit as listed in TARGET_UNITS
    (whatever its case, spacing or usual synonym), else the text as typed, tidied."""
    unit = " ".join(unicodedata.normalize("NFC", text or "").split())
    for key in (unit.lower(), unit.lower().rstrip(". ")):
        if key in TARGET_UNITS:
            return key
        if key in UNIT_SYNONYMS:
            return UNIT_SYNONYMS[key]
    return unit


def is_percentage(unit: str | None) -> bool:
    """ "%", and units such as "% hồ sơ đúng hạn" that count a share of something."""
    unit = canonical_unit(unit)
    return unit.startswith("%") or unit.lower().startswith("phần trăm")
