"""Reading printed documents back, as a reader of the paper would see them (poppler-utils)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="needs poppler-utils (pdftotext, pdfinfo)",
)

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"')


def _run(*args) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def save(content: bytes, tmp_path: Path, name: str = "document.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(path)), re.M).group(1))


def pages(path: Path) -> list[str]:
    """The text of each page as laid out (`pdftotext -layout`); no-break spaces read as
    spaces."""
    return [
        _run("pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-").replace(
            "\xa0", " "
        )
        for n in range(1, page_count(path) + 1)
    ]


def reading_text(path: Path) -> str:
    """The whole text in reading order (a table cell's lines follow one another)."""
    return _run("pdftotext", str(path), "-").replace("\xa0", " ")


def flat(text: str) -> str:
    """Text with every run of white space made one space, line ends included."""
    return " ".join(text.split())


def word_spans(path: Path) -> list[tuple[float, float]]:
    """(left, right) of every printed word, in points from the page's left edge."""
    return [
        (float(a), float(b)) for a, b in _WORD.findall(_run("pdftotext", "-bbox", str(path), "-"))
    ]
