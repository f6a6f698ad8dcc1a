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
    table = data_table(
        title=title,
        categories=categories,
        columns=[(s.label, [str(v) for v in s.values]) for s in series],
    )
    return mark_safe(svg + table)  # every text and attribute above is escaped


def data_table(*, title: str, categories: list[str], columns: list[tuple[str, list[str]]]) -> str:
    """The figures of a chart as a table, after its SVG: shown instead of the chart on a
    phone, where the chart's text would be too small to read, and read by screen readers
    (`.chart-table` in `static/css/app.css`; never printed in a PDF, which has room for the
    chart). A row per category, a column per series."""
    head = "".join(_el("th", escape(label), scope="col") for label, _values in columns)
    rows = "".join(
        "<tr>"
        + _el("th", escape(name), scope="row")
        + "".join(_el("td", escape(values[i]), class_="num") for _label, values in columns)
        + "</tr>"
        for i, name in enumerate(categories)
    )
    return (
        f'<table class="table chart-table"><caption>{escape(title)}</caption>'
        f"<thead><tr><td></td>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def horizontal_bars(
    *,
    categories: list[str],
    series: list[tuple[str, str, list[float | None]]],
    title: str,
    peak: float = 100,
    unit: str = "%",
    label_chars: int = 22,
    font_family: str = "system-ui, sans-serif",
    number=str,
) -> SafeString:
    """Horizontal bars, one group per category (a row per series: label, colour, values, None
    drawn as "–"), on a common scale up to `peak`, with a legend. Long category names are
    shortened on the chart; each bar's tooltip names it in full. Pure SVG, no script; the
    page shows the same figures in a table."""
    width, left, right, top = 440, 172, 46, 8
    bar_h, gap = 13, 10
    group_h = bar_h * len(series) + gap
    plot_w = width - left - right
    height = top + group_h * len(categories)
    parts = [_el("title", escape(title))]
    for tick in (0, peak / 2, peak):
        x = left + plot_w * tick / peak
        parts.append(_el("line", x1=_num(x), y1=top, x2=_num(x), y2=height, stroke="#ddd"))
        parts.append(
            _el(
                "text",
                escape(f"{number(tick)}{unit}"),
                x=_num(x),
                y=height + 14,
                font_size=11,
                text_anchor="middle",
            )
        )
    for i, name in enumerate(categories):
        y0 = top + group_h * i
        parts.append(
            _el(
                "text",
                escape(_short(name, label_chars)) + _el("title", escape(name)),
                x=left - 8,
                y=_num(y0 + bar_h * len(series) / 2 + 4),
                font_size=12,
                text_anchor="end",
            )
        )
        for j, (label, colour, values) in enumerate(series):
            value = values[i]
            y = y0 + bar_h * j
            shown = "–" if value is None else f"{number(value)}{unit}"
            w = 0 if value is None else plot_w * min(max(value, 0), peak) / peak
            tip = _el("title", escape(f"{name} – {label}: {shown}"))
            if w:
                parts.append(
                    _el(
                        "rect",
                        tip,
                        x=left,
                        y=_num(y + 1),
                        width=_num(w),
                        height=bar_h - 2,
                        fill=colour,
                    )
                )
            parts.append(
                _el(
                    "text",
                    escape(shown),
                    x=_num(left + w + 4),
                    y=_num(y + bar_h - 2),
                    font_size=11,
                )
            )
    legend_y = height + 26
    for j, (label, colour, _values) in enumerate(series):
        lx = 10 + j * (width // 2)
        parts.append(_el("rect", x=lx, y=legend_y, width=12, height=12, fill=colour))
        parts.append(_el("text", escape(label), x=lx + 17, y=legend_y + 11, font_size=13))
    svg = _el(
        "svg",
        "".join(parts),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {legend_y + 18}",
        role="img",
        aria_label=title,
        class_="chart bars",
        font_family=font_family,
    )
    return mark_safe(svg)  # every text and attribute above is escaped


def bars_with_share(
    *,
    categories: list[str],
    series: list[Series],
    share: list[float | None],
    share_label: str,
    share_color: str = "#b3261e",
    title: str,
    height: int = 220,
    font_family: str = "system-ui, sans-serif",
    format_share=lambda value: f"{value:g}%",
) -> SafeString:
    """Stacked bars of counts (left scale) with a share in per cent drawn over them as a line
    of points (right scale, 0–100 %), one category per column: e.g. items done per year and
    the share of members registered. Pure SVG, no script."""
    width, left, right, bottom, top = 560, 36, 40, 30, 16
    plot_w, plot_h = width - left - right, height - bottom - top
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = max([*totals, 1])
    slot = plot_w / max(len(categories), 1)
    bar_w = min(56, slot * 0.55)
    base = top + plot_h
    parts = [
        _el("title", escape(title)),
        _el("line", x1=left, y1=base, x2=left + plot_w, y2=base, stroke="#999", stroke_width=1),
    ]
    for tick in (0, peak // 2, peak):
        y = base - plot_h * tick / peak
        parts.append(
            _el("text", str(tick), x=left - 6, y=_num(y + 4), font_size=11, text_anchor="end")
        )
    for tick in (0, 50, 100):
        y = base - plot_h * tick / 100
        parts.append(
            _el(
                "text",
                f"{tick}%",
                x=left + plot_w + 6,
                y=_num(y + 4),
                font_size=11,
                fill=share_color,
            )
        )
    points = []
    for i, name in enumerate(categories):
        centre = left + slot * i + slot / 2
        x, y = centre - bar_w / 2, base
        for s in series:
            if not s.values[i]:
                continue
            h = plot_h * s.values[i] / peak
            y -= h
            tip = _el("title", escape(f"{s.label}: {s.values[i]}"))
            parts.append(
                _el("rect", tip, x=_num(x), y=_num(y), width=_num(bar_w), height=_num(h),
                    fill=s.color)
            )  # fmt: skip
        parts.append(
            _el("text", escape(name), x=_num(centre), y=base + 18, font_size=12,
                text_anchor="middle")
        )  # fmt: skip
        if totals[i]:
            parts.append(
                _el("text", str(totals[i]), x=_num(centre - bar_w / 2 - 3), y=_num(y + 10),
                    font_size=11, text_anchor="end")
            )  # fmt: skip
        if share[i] is not None:
            points.append((centre, base - plot_h * min(max(share[i], 0), 100) / 100, share[i]))
    if len(points) > 1:
        parts.append(
            _el(
                "polyline",
                points=" ".join(f"{_num(px)},{_num(py)}" for px, py, _v in points),
                fill="none",
                stroke=share_color,
                stroke_width=2,
            )
        )
    for px, py, value in points:
        label = escape(format_share(value))
        parts.append(
            _el("circle", _el("title", f"{escape(share_label)}: {label}"), cx=_num(px),
                cy=_num(py), r=4, fill=share_color)
        )  # fmt: skip
        parts.append(
            _el("text", label, x=_num(px), y=_num(py - 8), font_size=11, text_anchor="middle",
                fill=share_color, font_weight="bold")
        )  # fmt: skip
    legend = [*((s.label, s.color) for s in series), (share_label, share_color)]
    for j, (label, color) in enumerate(legend):
        lx, ly = left + (j % 2) * 260, height + 8 + 24 * (j // 2)
        parts.append(_el("rect", x=lx, y=ly, width=12, height=12, fill=color))
        parts.append(_el("text", escape(label), x=lx + 17, y=ly + 11, font_size=12))
    rows = (len(legend) + 1) // 2
    svg = _el(
        "svg",
        "".join(parts),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height + 26 * rows}",
        role="img",
        aria_label=title,
        class_="chart",
        font_family=font_family,
    )
    return mark_safe(svg)  # every text and attribute above is escaped
