"""Password rules of our own."""

import re
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry.core.text import fold
from registry.members.models import normalise_card_number

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _squash(text: str) -> str:
    """ "Nguyễn Văn Đức" -> "nguyenvanduc": accents, case, spaces and punctuation dropped."""
    return _NON_ALNUM.sub("", fold(text))


def _names_in(full_name: str, plain: str) -> int:
    """How many words of the name (two letters or more, without accents) the squashed
    password holds: "huongca1990" holds two of Cà Thị Hương's, in any order."""
    words = {_squash(w) for w in fold(full_name).split()}
    return sum(1 for w in words if len(w) >= 2 and w in plain)


class NameSimilarityValidator:
    """Refuse a password too close to the person's name, card number, user name or email,
    with or without accents ("nguyenvanduc" for Nguyễn Văn Đức), in place of
    Django's UserAttributeSimilarityValidator, which compares the accented text only."""

    def __init__(self, max_similarity: float = 0.7):
        self.max_similarity = max_similarity

    def _attributes(self, user) -> list[tuple[str, str]]:
        found = []
        for field in ("username", "first_name", "last_name", "email"):
            value = getattr(user, field, "") or ""
            if field == "email":
                value = value.split("@")[0]
            found.append((field, value))
        member = getattr(user, "member", None) if getattr(user, "pk", None) else None
        if member is not None:
            found += [("full_name", member.full_name), ("card_number", member.card_number)]
        return [(name, value) for name, value in found if value]

    def validate(self, password, user=None):
        if user is None:
            return
        plain = _squash(password)
        digits = normalise_card_number(password) or re.sub(r"\D", "", password)
        if not plain:
            return
        for field, value in self._attributes(user):
            if field == "full_name" and _names_in(value, plain) >= 2:
                raise self._too_close()
            whole = _squash(value)
            parts = [whole, *(p for p in (_squash(w) for w in fold(value).split()) if len(p) >= 4)]
            for part in parts:
                if not part:
                    continue
                card = part.isdigit() and len(part) >= 6
                if (
                    (card and part in digits)
                    or (len(part) >= 4 and part in plain and len(part) * 2 >= len(plain))
                    or SequenceMatcher(a=plain, b=part).ratio() >= self.max_similarity
                ):
                    raise self._too_close()

    def _too_close(self) -> ValidationError:
        return ValidationError(
            _(
                "The password is too close to the comrade's name, party card "
                "number or user name (with or without accents)."
            ),
            code="password_too_similar",
        )

    def get_help_text(self):
        return _(
            "The password must not resemble the comrade's name, party card number or user "
            "name, with or without accents."
        )
