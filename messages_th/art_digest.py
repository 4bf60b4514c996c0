"""The weekly digest's chart: deeds per week (last week against the four before it) above each bureau's share of
staff who took part. One PNG, so the committee sees the trend and every bureau at a glance on a phone.

Texts come in from messages_th.digest (this module only draws); Thai is shaped by raqm (see messages_th.art).
"""
from __future__ import annotations

from messages_th.art import INK, MUTED, SS, _canvas, _finish, _scaled, clip_px, encode_image, fit, font, rgb, wrap

BRAND, PAST, TRACK, AVG = "#0B6E4F", "#9CC9B7", (238, 242, 246), "#C2185B"


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def render_digest_chart(title: str, subtitle: str, trend_title: str, weeks: list[tuple[str, int]],
                        avg: float | None, avg_label: str | None, bureaus_title: str, bureaus: list[tuple[str, float]],
                        note: str | None = None, *, empty: str = "-", width: int = 1200) -> bytes:
    """`weeks`: (label, deeds) oldest first, the last one is the digest's week (drawn in the brand colour);
    `avg`: the average of the weeks before it (a line across the bars); `bureaus`: (label, percent)."""
    pad, gap = 48, 36
    f_title, f_sub = fit(title, width - 2 * pad, 46, bold=True), font(28)
    f_head, f_label, f_value, f_small = font(32, bold=True), font(28), font(28, bold=True), font(24)
    line = lambda f: sum(f.getmetrics())  # noqa: E731 - a line's height
    chart_h, row_h, bar_h = 260, 62, 36
    note_lines = wrap(note, f_small, width - 2 * pad, 3) if note else []
    top_trend = pad + line(f_title) + line(f_sub) + gap
    bars_top = top_trend + line(f_head) + line(f_value) + 12      # values sit above the tallest bar
    labels_top = bars_top + chart_h + 10
    top_bureaus = labels_top + line(f_label) + gap
    rows_top = top_bureaus + line(f_head) + 16
    height = rows_top + max(len(bureaus), 1) * row_h + (len(note_lines) * line(f_small) + 16 if note_lines else 0) + pad
    big, d = _canvas((width, height), "#FFFFFF")

    # trend: one column per week
    n = max(len(weeks), 1)
    col_w = (width - 2 * pad) / n
    top_v = max([v for _, v in weeks] + [avg or 0, 1])
    bar_w = min(col_w * 0.6, 140)
    for i, (_, v) in enumerate(weeks):
        cx = pad + col_w * (i + 0.5)
        h = chart_h * v / top_v
        d.rectangle(_scaled((cx - bar_w / 2, bars_top, cx + bar_w / 2, bars_top + chart_h)), fill=TRACK)
        if h > 0:
            fill = rgb(BRAND) if i == len(weeks) - 1 else rgb(PAST)
            d.rectangle(_scaled((cx - bar_w / 2, bars_top + chart_h - h, cx + bar_w / 2, bars_top + chart_h)),
                        fill=fill)
    if avg is not None:
        y = bars_top + chart_h - chart_h * avg / top_v
        for x in range(pad, width - pad, 24):  # dashed: the average is a reference, not a week
            d.line(_scaled((x, y, min(x + 14, width - pad), y)), fill=rgb(AVG), width=3 * SS)
    # bureaus: horizontal bars, long Thai names on the left
    label_w = min(max([f_label.getlength(lbl) for lbl, _ in bureaus] + [0]) + 24, width * 0.42)
    value_w = f_value.getlength("100%") + 20
    x0 = pad + label_w
    span = width - pad - x0 - value_w
    for i, (_, pct) in enumerate(bureaus):
        y = rows_top + i * row_h + (row_h - bar_h) / 2
        d.rounded_rectangle(_scaled((x0, y, x0 + span, y + bar_h)), radius=bar_h / 2 * SS, fill=TRACK)
        length = max(0.0, min(1.0, pct / 100)) * span
        if length > 0:
            d.rounded_rectangle(_scaled((x0, y, x0 + max(length, bar_h), y + bar_h)), radius=bar_h / 2 * SS,
                                fill=rgb(BRAND))

    img, d = _finish(big, (width, height))
    top = pad
    d.text((pad, top + f_title.getmetrics()[0]), title, font=f_title, fill=INK, anchor="ls")
    top += line(f_title)
    d.text((pad, top + f_sub.getmetrics()[0]), subtitle, font=f_sub, fill=MUTED, anchor="ls")
    d.text((pad, top_trend + f_head.getmetrics()[0]), trend_title, font=f_head, fill=INK, anchor="ls")
    if avg is not None and avg_label:
        d.text((width - pad, top_trend + f_head.getmetrics()[0]), avg_label, font=f_small, fill=rgb(AVG),
               anchor="rs")
    for i, (label, v) in enumerate(weeks):
        cx = pad + col_w * (i + 0.5)
        h = chart_h * v / top_v
        d.text((cx, bars_top + chart_h - h - 6), f"{v:,}", font=f_value, fill=INK, anchor="ms",
               stroke_width=5, stroke_fill=(255, 255, 255))  # readable where the average's line crosses it
        lf = fit(label, col_w - 8, f_label.size, bold=i == len(weeks) - 1, min_size=18)
        d.text((cx, labels_top + lf.getmetrics()[0]), label, font=lf, fill=INK if i == len(weeks) - 1 else MUTED,
               anchor="ms")
    d.text((pad, top_bureaus + f_head.getmetrics()[0]), bureaus_title, font=f_head, fill=INK, anchor="ls")
    if not bureaus:
        d.text((width / 2, rows_top + row_h / 2), empty, font=f_label, fill=MUTED, anchor="mm")
    for i, (label, pct) in enumerate(bureaus):
        cy = rows_top + i * row_h + row_h / 2
        lf = fit(label, label_w - 24, f_label.size, min_size=20)
        d.text((x0 - 16, cy), clip_px(label, lf, label_w - 24), font=lf, fill=INK, anchor="rm")
        length = max(0.0, min(1.0, pct / 100)) * span
        d.text((x0 + max(length, bar_h if pct else 0) + 12, cy), f"{_fmt(pct)}%", font=f_value, fill=INK,
               anchor="lm")
    y = rows_top + max(len(bureaus), 1) * row_h + 16
    for text_line in note_lines:
        d.text((pad, y + f_small.getmetrics()[0]), text_line, font=f_small, fill=MUTED, anchor="ls")
        y += line(f_small)
    return encode_image(img)
