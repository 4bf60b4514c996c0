"""Inline SVG charts for the console: drawn on the server, nothing fetched at run time (no chart library, no
CDN). Each builder returns Markup; every label is escaped. The page puts the same numbers in a table next to
each chart (screen readers and print read the table; the SVG carries a <title> only)."""
from __future__ import annotations

from markupsafe import Markup, escape


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _nice_max(v: float) -> float:
    """A round top for the axis (1, 2, 2.5, 5 × 10ⁿ) above the largest value."""
    if v <= 0:
        return 1
    step = 10 ** (len(str(int(v))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= v:
            return m * step
    return 10 * step


def column_chart(title: str, labels: list[str], values: list[float], *, color: str = "#0B6E4F",
                 line: list[float | None] | None = None, line_color: str = "#b45309",
                 ticks: list[str] | None = None, every: int | None = None,
                 names: tuple[str, str] = ("", "")) -> Markup:
    """Columns (`values`, left axis) and optionally a line (`line`, its own right axis) over the same labels —
    deeds and participants by week. `labels` are the columns' tooltips, `ticks` (default: the labels) the axis
    words; `every`: one axis word per `every` columns (a year of weeks stays readable); `names`: the columns'
    and the line's words in the tooltips."""
    n = max(len(values), 1)
    w, h, left, right, top, bottom = 720, 260, 52, 52 if line else 12, 14, 46
    pw, ph = w - left - right, h - top - bottom
    top_v = _nice_max(max(values, default=0))
    step = pw / n
    bar = max(step * 0.72, 1)
    every = every or max(1, -(-n // 10))
    ticks = ticks or labels
    out = [f'<svg class="chart" viewBox="0 0 {w} {h}" role="img" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{escape(title)}</title>"]
    for k in range(5):  # grid and the left axis
        y = top + ph - ph * k / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#e5e9ef"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#5f6b7a">'
                   f"{_fmt(top_v * k / 4)}</text>")
    for i, v in enumerate(values):
        x = left + i * step + (step - bar) / 2
        bh = ph * (v / top_v) if top_v else 0
        tip = f"{labels[i]}: {names[0]} {_fmt(v)}" + (
            f" · {names[1]} {_fmt(line[i])}" if line and line[i] is not None else "")
        out.append(f'<rect x="{x:.1f}" y="{top + ph - bh:.1f}" width="{bar:.1f}" height="{bh:.1f}" fill="{color}">'
                   f"<title>{escape(tip)}</title></rect>")
        if i % every == 0:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{h - bottom + 16}" font-size="11" text-anchor="middle" '
                       f'fill="#5f6b7a">{escape(ticks[i])}</text>')
    if line:
        known = [v for v in line if v is not None]
        top_l = _nice_max(max(known, default=0))
        pts = [(left + i * step + step / 2, top + ph - ph * (v / top_l)) for i, v in enumerate(line) if v is not None]
        if pts:
            out.append(f'<polyline fill="none" stroke="{line_color}" stroke-width="2.5" points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        for k in range(5):
            y = top + ph - ph * k / 4
            out.append(f'<text x="{w - right + 6}" y="{y + 4:.1f}" font-size="11" fill="{line_color}">'
                       f"{_fmt(top_l * k / 4)}</text>")
    out.append("</svg>")
    return Markup("".join(out))


def bar_list(title: str, rows: list[tuple[str, float, str]], *, color: str = "#0B6E4F",
             colors: list[str] | None = None, top: float | None = None) -> Markup:
    """Horizontal bars, one per row (label, value, the text written after the bar): virtues, bureaus' %.
    `top`: the value of a full bar (100 for percentages), else the largest value."""
    label_w, w, row_h = 200, 520, 26  # drawn about as wide as a half-page card, so 13px text stays 13px
    h = row_h * max(len(rows), 1) + 8
    full = top or max((v for _, v, _ in rows), default=0) or 1
    span = w - label_w - 70
    out = [f'<svg class="chart chart-bars" viewBox="0 0 {w} {h}" role="img" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{escape(title)}</title>"]
    for i, (label, value, text) in enumerate(rows):
        y = 4 + i * row_h
        bw = span * min(value / full, 1) if full else 0
        fill = colors[i] if colors and i < len(colors) else color
        short = label if len(label) <= 30 else label[:29] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" font-size="13" text-anchor="end" fill="#1f2933">'
                   f"<title>{escape(label)}</title>{escape(short)}</text>")
        out.append(f'<rect x="{label_w}" y="{y + 5}" width="{bw:.1f}" height="{row_h - 10}" rx="3" fill="{fill}"/>')
        out.append(f'<text x="{label_w + bw + 6:.1f}" y="{y + 17}" font-size="13" fill="#1f2933">{escape(text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
