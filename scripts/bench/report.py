"""The one table the benchmark prints: each figure, its anchor measured in the same run, the
ratio, the issue's target for it and whether it is met."""

import math
from dataclasses import dataclass, field


@dataclass
class Row:
    what: str
    measured: str
    anchor: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""  # PASS, FAIL or empty


@dataclass
class Table:
    rows: list[Row | str] = field(default_factory=list)  # a str is a section title
    notes: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        self.rows.append(title)

    def add(self, *args, **kwargs) -> Row:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        return row

    def render(self) -> str:
        header = Row("what", "measured", "anchor (same run)", "ratio", "target", "")
        rows = [r for r in self.rows if isinstance(r, Row)]
        widths = [
            max(len(getattr(r, name)) for r in [header, *rows])
            for name in ("what", "measured", "anchor", "ratio", "target", "verdict")
        ]

        def line(r: Row) -> str:
            cells = (r.what, r.measured, r.anchor, r.ratio, r.target, r.verdict)
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        out = [line(header), "-" * (sum(widths) + 10)]
        for r in self.rows:
            out.append(f"\n{r}" if isinstance(r, str) else line(r))
        passed = sum(1 for r in rows if r.verdict == "PASS")
        failed = sum(1 for r in rows if r.verdict == "FAIL")
        out.append(f"\nTargets: {passed} met, {failed} not met.")
        out += [f"  ! {note}" for note in self.notes]
        return "\n".join(out)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ms(value: float) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def secs(value: float) -> str:
    return f"{value:,.1f} s"


def times(value: float) -> str:
    return f"{value:,.1f}×" if value < 100 else f"{value:,.0f}×"


def share(value: float) -> str:
    return f"{value * 100:.1f} %" if value < 0.1 else f"{value * 100:.0f} %"


def size(n: int) -> str:
    return f"{n:,} B"


def mb(value: float) -> str:
    return f"{value:,.0f} MB peak"
