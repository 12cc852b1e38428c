"""The dashboard's charts as inline SVG, drawn here (no library, nothing from a CDN).

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says
what it shows in words; the page puts the same numbers in a table beside it.
Colours and sizes are presentation attributes, never ``style=`` (the console's
Content-Security-Policy allows no inline styles). Every text is escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import List, Optional, Sequence, Tuple

FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
INK, MUTED, GRID = "#1f2933", "#616e7c", "#d9dee5"
BLUE, LIGHT_BLUE, GREEN, RED, AMBER = "#1565c0", "#90caf9", "#2e7d32", "#c62828", "#b26a00"
WIDTH = 640


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[float]


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "start", fill: str = INK,
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def _rect(x: float, y: float, width: float, height: float, colour: str, label: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{max(height, 0):.1f}" '
            f'fill="{colour}"><title>{escape(label)}</title></rect>')


def _svg(chart_id: str, title: str, desc: str, height: int, body: List[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family=\'{FONT}\'>'
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
            + "".join(body) + "</svg>")


def _legend(series: Sequence[Series], y: float) -> List[str]:
    parts, x = [], 60.0
    for item in series:
        parts += [f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{item.colour}"/>',
                  _text(x + 18, y, item.name)]
        x += 30 + 14 * len(item.name)
    return parts


def _nice_top(highest: float, ticks: int = 4) -> float:
    """The top of the value axis: ``ticks`` steps of 1, 2 or 5 times a power of ten, at or above ``highest``."""
    magnitude = 1.0
    while True:
        for step in (1, 2, 5):
            if step * magnitude * ticks >= highest:
                return step * magnitude * ticks
        magnitude *= 10


def bar_chart(chart_id: str, title: str, desc: str, categories: Sequence[str], series: Sequence[Series],
              unit: str = "") -> str:
    """Vertical bars, one group per category, one bar per series (side by side)."""
    height, top, bottom, left, right = 300, 40, 56, 48, 16
    plot_h, plot_w = height - top - bottom, WIDTH - left - right
    highest = max([v for s in series for v in s.values] + [0])
    scale = _nice_top(highest)
    body = _legend(series, 20) if len(series) > 1 else []
    for tick in range(0, 5):
        value = scale * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body += [f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>',
                 _text(left - 6, y + 4, f"{value:g}", 11, "end", MUTED)]
    group_w = plot_w / max(len(categories), 1)
    bar_w = min(36.0, group_w * 0.8 / max(len(series), 1))
    for i, category in enumerate(categories):
        x0 = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, item in enumerate(series):
            value = item.values[i]
            h = plot_h * value / scale if scale else 0
            x = x0 + j * bar_w
            tip = f"{category} {item.name}：{value:g}{unit}"
            body.append(_rect(x, top + plot_h - h, bar_w - 2, h, item.colour, tip))
            if value:
                body.append(_text(x + bar_w / 2 - 1, top + plot_h - h - 4, f"{value:g}", 11, "middle"))
        body.append(_text(left + (i + 0.5) * group_w, height - bottom + 18, category, 12, "middle"))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    return _svg(chart_id, title, desc, height, body)


def horizontal_bars(chart_id: str, title: str, desc: str, bars: Sequence[Tuple[str, float]],
                    colour: str = BLUE) -> str:
    """One labelled bar per item, longest scale at the largest value."""
    row_h, top, left, right = 30, 12, 150, 60
    height = top * 2 + row_h * max(len(bars), 1)
    highest = max([v for _, v in bars] + [1])
    body = []
    if not bars:
        body.append(_text(WIDTH / 2, height / 2 + 4, "暂无数据", 13, "middle", MUTED))
    for i, (label, value) in enumerate(bars):
        y = top + i * row_h
        w = (WIDTH - left - right) * value / highest
        body += [_text(left - 8, y + 19, label, 13, "end"),
                 _rect(left, y + 5, w, row_h - 10, colour, f"{label}：{value:g}"),
                 _text(left + w + 6, y + 19, f"{value:g}", 12)]
    return _svg(chart_id, title, desc, height, body)


def stacked_shares(chart_id: str, title: str, desc: str,
                   rows: Sequence[Tuple[str, Sequence[Tuple[str, str, float]]]]) -> str:
    """One 100 % bar per row, split into parts (name, colour, count), with the first part's share."""
    row_h, top, left, right = 34, 34, 80, 70
    height = top + 12 + row_h * max(len(rows), 1)
    names = [(name, colour) for _, parts in rows[:1] for name, colour, _ in parts]
    body = _legend([Series(n, c, []) for n, c in names], 20)
    if not rows:
        body.append(_text(WIDTH / 2, height / 2 + 4, "暂无数据", 13, "middle", MUTED))
    for i, (label, parts) in enumerate(rows):
        y = top + i * row_h
        total = sum(v for _, _, v in parts)
        body.append(_text(left - 8, y + 21, label, 13, "end"))
        x = float(left)
        for name, colour, value in parts:
            w = (WIDTH - left - right) * value / total if total else 0
            body.append(_rect(x, y + 6, w, row_h - 12, colour, f"{label} {name}：{value:g}"))
            x += w
        first: Optional[float] = parts[0][2] / total if total and parts else None
        body.append(_text(WIDTH - right + 8, y + 21, "—" if first is None else f"{first * 100:.0f}%", 12))
    return _svg(chart_id, title, desc, height, body)
