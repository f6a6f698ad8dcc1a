"""Numbers as Vietnamese people write them: a dot between thousands, a comma before the
decimals (1.234,5). Used for every number a person types or reads on plans and reports,
whatever the interface language, so that what is shown can be typed back unchanged.

Reading refuses anything it would have to guess: "98.5" could be 98,5 or 985, so it is
refused with the spelling to use instead, rather than silently read as either."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The integer part: plain digits, or groups of three separated by dots or by spaces (one
# kind per number); a first group of more than one digit cannot start with 0.
_INTEGER = re.compile(
    r"""(?P<int>
        [0-9]+
        | [1-9][0-9]{0,2}(?:\.[0-9]{3})+
        | [1-9][0-9]{0,2}(?:\ [0-9]{3})+
    )""",
    re.VERBOSE | re.ASCII,
)
_NUMBER = re.compile(
    r"(?P<sign>-?)" + _INTEGER.pattern + r"(?:,(?P<frac>[0-9]+))?",
    re.VERBOSE | re.ASCII,
)
_DOT_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+", re.ASCII)  # "98.5", "1.23", "1.2345"
_ENGLISH = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+", re.ASCII)  # "1,234.5"
_MINUSES = dict.fromkeys(map(ord, "\u2212\u2012\u2013\u2014\ufe63\uff0d"), "-")
MAX_LENGTH = 40


def _how_to_write() -> str:
    return _("Write a number such as 12, 1.234 or 98,5 (a comma before the decimals).")


def parse_number(text: str, *, allow_negative: bool = False) -> Decimal:
    """Read a number typed the Vietnamese way.

    "98,5" → 98.5; "1.234" → 1234; "1.234,5" → 1234.5; "1 234" → 1234; spaces around are
    ignored. Raises ValidationError (with a message that says how to write the number) for
    anything ambiguous or malformed: "98.5", "1,234.5", "1.23.4", "1,2,3", "12abc", and
    negative numbers unless `allow_negative`."""
    raw = "" if text is None else str(text)
    # Full-width digits and non-breaking spaces (copied from documents) count as plain ones.
    value = unicodedata.normalize("NFKC", raw).translate(_MINUSES).strip()
    value = re.sub(r"\s+", " ", value)
    if not value:
        raise ValidationError(_("Write a number."), code="required")
    if len(value) > MAX_LENGTH:
        raise ValidationError(_how_to_write(), code="invalid")
    match = _NUMBER.fullmatch(value)
    if match is None:
        if _DOT_DECIMAL.fullmatch(value):
            raise ValidationError(
                _(
                    "“%(text)s” is unclear: in Vietnamese the decimals come after a comma. "
                    "Write %(suggestion)s."
                ),
                code="decimal_dot",
                params={"text": value, "suggestion": value.replace(".", ",")},
            )
        if _ENGLISH.fullmatch(value):
            suggestion = value.replace(",", "\0").replace(".", ",").replace("\0", ".")
            raise ValidationError(
                _("Write %(suggestion)s: a dot between thousands and a comma before the decimals."),
                code="mixed_marks",
                params={"suggestion": suggestion},
            )
        raise ValidationError(_how_to_write(), code="invalid")
    integer = re.sub(r"[. ]", "", match["int"])
    fraction = f".{match['frac']}" if match["frac"] else ""
    number = Decimal(f"{match['sign']}{integer}{fraction}")
    if number < 0 and not allow_negative:
        raise ValidationError(_("The number cannot be negative."), code="negative")
    return number + 0  # -0 → 0


def format_number(value) -> str:
    """Write a number the Vietnamese way, without trailing zeros: 4.00 → "4",
    1234.50 → "1.234,5", 98.5 → "98,5". Accepts Decimal, int, float or a numeric string
    (as stored in snapshots); None and "" give ""."""
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    plain = format(number.normalize(), "f")  # no exponent, no trailing zeros
    sign, plain = ("-", plain[1:]) if plain.startswith("-") else ("", plain)
    integer, _dot, fraction = plain.partition(".")
    groups = []
    while len(integer) > 3:
        integer, last = integer[:-3], integer[-3:]
        groups.insert(0, last)
    grouped = ".".join([integer, *groups])
    if grouped == "0" and not fraction:
        sign = ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


# Ids and counters in URLs and forms fit a 64-bit column; anything longer is not one of ours.
_MAX_ID_DIGITS = 18


def whole_number(raw) -> int | None:
    """A non-negative whole number typed in a query string or a hidden field ("12"), else None:
    no sign, no spaces inside, only ASCII digits ("²" and "١٢" are digits to `str.isdigit`
    but not to `int` or to the database), at most 18 digits."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > _MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
