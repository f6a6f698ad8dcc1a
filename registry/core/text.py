"""Text helpers shared by every app."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold Vietnamese text for accent-insensitive matching.

    "Nguyễn Văn Đức" -> "nguyen van duc". Works the same on SQLite and PostgreSQL because
    the folded form is stored beside the original and the query is folded the same way.
    """
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def clean_spaces(text: str) -> str:
    """Collapse runs of white space and normalise to NFC (what Vietnamese keyboards differ on)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
