"""Server-rendered SVG charts: the same markup goes into pages and into PDF reports."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    values: list[int]


def _el(tag: str, text: str | None = None, **attrs) -> str:
    rendered = " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"' for name, value in attrs.items()
    )
    if text is None:
        return f"<{tag} {rendered}/>"
    return f"<{tag} {rendered}>{text}</{tag}>"


def _num(value: float) -> str:
    return f"{value:.1f}"


def stacked_bars(
    *,
    categories: list[str],
    series: list[Series],
    title: str,
    height: int = 220,
    font_family: str = "system-ui, sans-serif",
) -> SafeString:
    """Vertical stacked bars, one per category, with a legend. Pure SVG, no script."""
    width, left, bottom, top = 560, 36, 30, 12
    plot_h = height - bottom - top
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = max([*totals, 1])
    slot = (width - left - 10) / max(len(categories), 1)
    bar_w = min(56, slot * 0.6)
    legend_rows = (len(series) + 2) // 3
    base = top + plot_h
    parts = [
        _el("title", escape(title)),
        _el("line", x1=left, y1=base, x2=width - 5, y2=base, stroke="#999", stroke_width=1),
    ]
    for tick in (0, peak // 2, peak):
        y = base - plot_h * tick / peak
        parts.append(
            _el("text", str(tick), x=left - 6, y=_num(y + 4), font_size=11, text_anchor="end")
        )
    for i, name in enumerate(categories):
        x = left + slot * i + (slot - bar_w) / 2
        y = base
        for s in series:
            if not s.values[i]:
                continue
            h = plot_h * s.values[i] / peak
            y -= h
            tip = _el("title", escape(f"{s.label}: {s.values[i]}"))
            parts.append(
                _el(
                    "rect",
                    tip,
                    x=_num(x),
                    y=_num(y),
                    width=_num(bar_w),
                    height=_num(h),
                    fill=s.color,
                )
            )
        centre = _num(x + bar_w / 2)
        parts.append(
            _el("text", escape(name), x=centre, y=base + 18, font_size=12, text_anchor="middle")
        )
        if totals[i]:
            parts.append(
                _el(
                    "text",
                    str(totals[i]),
                    x=centre,
                    y=_num(y - 4),
                    font_size=11,
                    text_anchor="middle",
                )
            )
    for j, s in enumerate(series):
        lx, ly = left + (j % 3) * 175, height + 8 + 24 * (j // 3)
        parts.append(_el("rect", x=lx, y=ly, width=12, height=12, fill=s.color))
        parts.append(_el("text", escape(s.label), x=lx + 17, y=ly + 11, font_size=12))
    svg = _el(
        "svg",
        "".join(parts),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height + 26 * legend_rows}",
        role="img",
        aria_label=title,
        class_="chart",
        font_family=font_family,
    )
    return mark_safe(svg)  # every text and attribute above is escaped
