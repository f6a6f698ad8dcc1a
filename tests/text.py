"""What a person reads on a page, for tests of wording: the text, the tooltips and what a
screen reader says, without scripts, styles or identifiers."""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder")


class _Reader(HTMLParser):
    def __init__(self, skip_ids):
        super().__init__(convert_charrefs=True)
        self.skip_ids = set(skip_ids)
        self.hidden_depth = 0  # inside <script>, <style> or a skipped element
        self.parts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.hidden_depth:
            self.hidden_depth += tag not in VOID
            return
        if tag in ("script", "style", "template") or attrs.get("id") in self.skip_ids:
            self.hidden_depth = 1
            return
        self.parts += [attrs[a] for a in READ_ATTRIBUTES if attrs.get(a)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.hidden_depth and tag not in VOID:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, skip_ids=()) -> str:
    reader = _Reader(skip_ids)
    reader.feed(html)
    return "\n".join(reader.parts)


# English words that are not Vietnamese words too (so no "to", "in", "an", "no", "con" …).
# Finding one means a label or a sentence escaped translation.
_ENGLISH_WORDS = """
the your you please must least most ensure enter submit password passwords form forms
characters character short common numeric entirely similar information correct incorrectly
and for with by at this that there are were was been will may can could should would add
delete save search filter change history select toggle skip show hide view run name
description schedule scheduler enabled disabled created assigned filed reviewed granted
uploaded requested started finished target record type size file filename item report review
reviews exports quarter nationwide member user unit status action params url error attempts
version human readable translation task tasks periodic interval solar clocked clock latitude
longitude priority queue routing key arguments positional keyword expires minute minutes
hour hours day days month week timezone sunrise sunset dawn dusk noon welcome model models
link object objects counts theme navigation sidebar breadcrumbs raw stored authentication
enable disable reset set
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())
_IDENTIFIERS = re.compile(r"\S+@\S+|\w+(?:\.\w+)+|\w+_\w+")  # emails, dotted paths, snake_case
_WORD = re.compile(r"[A-Za-z]+")


def english_words(text: str) -> set[str]:
    text = _IDENTIFIERS.sub(" ", text)
    return {w.lower() for w in _WORD.findall(text)} & ENGLISH


def says_ban(text: str) -> bool:
    """Vietnamese “bạn” (you, to a friend): members are addressed as “đồng chí”."""
    return re.search(r"(?<!\w)bạn(?!\w)", text, re.IGNORECASE) is not None
