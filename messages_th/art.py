"""Pillow rendering: the shipped Thai font, rich-menu images and simple bar charts.

Thai needs complex text layout (tone marks stacked over upper vowels, descender-less forms of ญ ฐ
before lower vowels). Pillow's wheels carry libraqm and load libfribidi at run time, so raqm works
once Debian's `libfribidi0` is installed; without it, marks would collide, so we warn.
"""
from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from messages_th.art_icons import draw_icon, mix

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FILES = {False: FONT_DIR / "Sarabun-Regular.ttf", True: FONT_DIR / "Sarabun-Bold.ttf"}
MAX_BYTES = 1_000_000
SS = 2                       # supersampling factor for shapes (Pillow draws shapes without anti-aliasing)
INK, MUTED, PAPER = (31, 41, 55), (107, 114, 128), (243, 245, 248)
PALETTE = ("#0B6E4F", "#1565C0", "#C2185B", "#D35400", "#6A1B9A", "#00838F")


def raqm_available() -> bool:
    return bool(features.check("raqm"))


@lru_cache(maxsize=128)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    if raqm_available():
        engine = ImageFont.Layout.RAQM
    else:
        warnings.warn("Pillow has no raqm: Thai marks will be misplaced (apt-get install libfribidi0)")
        engine = ImageFont.Layout.BASIC
    return ImageFont.truetype(str(FONT_FILES[bool(bold)]), size, layout_engine=engine)


def rgb(color) -> tuple[int, int, int]:
    if isinstance(color, str):
        color = color.lstrip("#")
        return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))
    return tuple(color[:3])


def _luminance(c) -> float:
    def ch(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (ch(v) for v in rgb(c))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def on_color(bg) -> tuple[int, int, int]:
    """White text on dark fills, dark ink on light ones (whichever contrasts more)."""
    lum = _luminance(bg)
    white, ink = 1.05 / (lum + 0.05), (lum + 0.05) / (_luminance(INK) + 0.05)
    return (255, 255, 255) if white >= 0.8 * ink else INK


def fit(text: str, max_w: float, size: int, bold: bool = False, min_size: int = 12) -> ImageFont.FreeTypeFont:
    """The largest font (≤ size) in which `text` is at most `max_w` wide."""
    while size > min_size and font(size, bold).getlength(text) > max_w:
        size -= max(1, size // 20)
    return font(size, bold)


def wrap(text: str, f: ImageFont.FreeTypeFont, max_w: float, max_lines: int = 2) -> list[str]:
    """Break at spaces (Thai has none inside words, so long words are left to `fit`)."""
    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for word in para.split(" "):
            cand = f"{cur} {word}".strip()
            if cur and f.getlength(cand) > max_w:
                lines.append(cur)
                cur = word
            else:
                cur = cand
        lines.append(cur)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return lines


def encode_image(img: Image.Image, max_bytes: int = MAX_BYTES) -> bytes:
    """PNG when small enough, else JPEG at falling quality until it fits."""
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    if buf.tell() <= max_bytes:
        return buf.getvalue()
    for quality in (88, 85, 80, 75, 70, 60, 50):
        buf = io.BytesIO()
        img.convert("RGB").save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        if buf.tell() <= max_bytes:
            return buf.getvalue()
    raise ValueError("image does not fit in the byte limit")


def content_type(data: bytes) -> str:
    return "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"


def _canvas(size, background):
    """A supersampled canvas for shapes; text goes on the final image after `_finish`."""
    big = Image.new("RGB", (size[0] * SS, size[1] * SS), rgb(background))
    return big, ImageDraw.Draw(big)


def _finish(big: Image.Image, size) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = big.resize(size, Image.Resampling.LANCZOS)
    return img, ImageDraw.Draw(img)


def _scaled(box):
    return [v * SS for v in box]


def _center_text(d: ImageDraw.ImageDraw, cx: float, top: float, line: str, f, fill) -> float:
    """Draw one centred line whose box starts at `top`; returns the next line's top."""
    ascent, descent = f.getmetrics()
    d.text((cx, top + ascent), line, font=f, fill=fill, anchor="ms")
    return top + ascent + descent


# ---- rich menu -------------------------------------------------------------------------------

def _cells(x0, y0, w, h, cols, rows):
    xs = [x0 + round(w * i / cols) for i in range(cols + 1)]
    ys = [y0 + round(h * j / rows) for j in range(rows + 1)]
    return [(xs[i], ys[j], xs[i + 1] - xs[i], ys[j + 1] - ys[j]) for j in range(rows) for i in range(cols)]


def _layout(size, grid, n_tabs):
    width, height = size
    tab_h = round(max(height * 0.11, 120)) if n_tabs else 0
    tabs = _cells(0, 0, width, tab_h, n_tabs, 1) if n_tabs else []
    return tabs, _cells(0, tab_h, width, height - tab_h, *grid)


def menu_areas(size=(2500, 1686), grid=(3, 2), tabs=None) -> list[dict]:
    """Tap areas matching `render_rich_menu`: one per tab (left to right), then one per tile (row by
    row), as LINE `bounds` dicts."""
    tab_cells, tile_cells = _layout(size, grid, len(tabs or ()))
    return [{"x": x, "y": y, "width": w, "height": h} for x, y, w, h in tab_cells + tile_cells]


def _check_menu(size, grid, tiles, tabs):
    width, height = size
    if not (800 <= width <= 2500 and height >= 250 and width / height >= 1.45):
        raise ValueError(f"rich menu size not allowed by LINE: {size}")
    if len(tiles) > grid[0] * grid[1] or len(tiles) + len(tabs or ()) > 20:
        raise ValueError("too many tiles for the grid (or over LINE's 20 areas)")


def render_rich_menu(size=(2500, 1686), grid=(3, 2), tiles=(), tabs=None, active_tab: int = 0, *,
                     background=PAPER, accent="#0B6E4F", max_bytes: int = MAX_BYTES) -> bytes:
    """Rich-menu image: a coloured tile per action (drawn icon, big label, small sub-label) and an
    optional tab strip on top. Tiles: dicts with label, sub, emoji_or_icon (or icon), color.
    Returns PNG, or JPEG when the PNG would exceed `max_bytes`. Tap areas: `menu_areas`."""
    _check_menu(size, grid, tiles, tabs)
    width, height = size
    gap = round(min(width, height) * 0.014)
    tab_cells, tile_cells = _layout(size, grid, len(tabs or ()))
    big, d = _canvas(size, background)
    boxes = []
    for i, (x, y, w, h) in enumerate(tab_cells):
        fill = rgb(accent) if i == active_tab else (226, 232, 240)
        rect = (x + gap / 2, y + gap, x + w - gap / 2, y + h)
        d.rounded_rectangle(_scaled(rect), radius=gap * 1.5 * SS, fill=fill, corners=(True, True, False, False))
    if tab_cells:
        line_y = tab_cells[0][3]
        d.rectangle(_scaled((0, line_y - gap * 0.35, width, line_y)), fill=rgb(accent))
    for (x, y, w, h), tile in zip(tile_cells, tiles):
        first_row = y == tile_cells[0][1]
        rect = (x + (gap if x == 0 else gap / 2), y + (gap if first_row else gap / 2),
                x + w - (gap if x + w >= width else gap / 2), y + h - (gap if y + h >= height else gap / 2))
        color = rgb(tile.get("color") or PALETTE[len(boxes) % len(PALETTE)])
        d.rounded_rectangle(_scaled(rect), radius=min(w, h) * 0.06 * SS, fill=color)
        boxes.append((rect, color, tile))
    # icons need the tile geometry decided by the text, so lay out first
    plans = [_plan_tile(rect, tile) for rect, _, tile in boxes]
    for (rect, color, tile), plan in zip(boxes, plans):
        bcx, bcy, br = plan["badge"]
        dark = on_color(color) == (255, 255, 255)
        badge = (255, 255, 255) if dark else mix(color, INK, 0.12)   # a white disc vanishes on pale tiles
        d.ellipse(_scaled((bcx - br, bcy - br, bcx + br, bcy + br)), fill=badge)
        draw_icon(d, tile.get("emoji_or_icon") or tile.get("icon"), bcx * SS, bcy * SS, br * 0.56 * SS,
                  color if dark else INK, badge)
    img, d = _finish(big, size)
    for i, (x, y, w, h) in enumerate(tab_cells):
        ink = on_color(accent) if i == active_tab else MUTED
        f = fit(tabs[i], w * 0.8, round(h * 0.42), bold=True)
        ascent, descent = f.getmetrics()
        _center_text(d, x + w / 2, y + gap / 2 + (h - gap / 2 - ascent - descent) / 2, tabs[i], f, ink)
    for (rect, color, tile), plan in zip(boxes, plans):
        ink = on_color(color)
        top = plan["text_top"]
        for line in plan["label"]:
            top = _center_text(d, plan["cx"], top, line, plan["label_font"], ink)
        top += plan["sub_gap"]
        for line in plan["sub"]:
            top = _center_text(d, plan["cx"], top, line, plan["sub_font"], mix(ink, color, 0.15))
    return encode_image(img, max_bytes)


def _fit_lines(text: str, max_w: float, size: int, bold: bool, min_size: int, max_lines: int = 2):
    """Font and lines for `text` in `max_w`: wrap at spaces if needed, shrink, and clip as a last resort."""
    f = font(size, bold)
    lines = wrap(text, f, max_w, max_lines) if f.getlength(text) > max_w else [text]
    f = fit(max(lines, key=f.getlength), max_w, size, bold, min_size)
    return f, [clip_px(line, f, max_w) for line in lines]


def clip_px(text: str, f: ImageFont.FreeTypeFont, max_w: float) -> str:
    if f.getlength(text) <= max_w:
        return text
    while text and f.getlength(text + "…") > max_w:
        text = text[:-1]
    return text.rstrip("เแโใไ ") + "…"


def _plan_tile(rect, tile) -> dict:
    x0, y0, x1, y1 = rect
    w, h = x1 - x0, y1 - y0
    inner = w * 0.86
    label_size = round(min(h * 0.12, w * 0.13))
    f_label, label_lines = _fit_lines(str(tile.get("label", "")), inner, label_size, True, round(label_size * 0.55))
    sub = str(tile.get("sub") or "")
    sub_size = round(f_label.size * 0.52)
    f_sub, sub_lines = _fit_lines(sub, inner, sub_size, False, round(sub_size * 0.7)) if sub else (None, [])
    line_h = sum(f_label.getmetrics())
    sub_h = sum(f_sub.getmetrics()) if f_sub else 0
    badge_r = min(h * 0.2, w * 0.21) if len(label_lines) + len(sub_lines) <= 2 else min(h * 0.16, w * 0.2)
    gap1, sub_gap = h * 0.05, h * 0.01
    total = 2 * badge_r + gap1 + line_h * len(label_lines) + (sub_gap + sub_h * len(sub_lines))
    top = y0 + (h - total) / 2
    return {"cx": (x0 + x1) / 2, "badge": ((x0 + x1) / 2, top + badge_r, badge_r),
            "text_top": top + 2 * badge_r + gap1, "label": label_lines, "label_font": f_label,
            "sub": sub_lines, "sub_font": f_sub, "sub_gap": sub_gap}


# ---- bar chart -------------------------------------------------------------------------------

def _fmt(v) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def render_bar_chart(title: str, series: list[tuple[str, float]], *, subtitle: str | None = None,
                     width: int = 1200, color="#0B6E4F", colors=None, value_format=_fmt,
                     max_value: float | None = None) -> bytes:
    """Horizontal bar chart (long Thai bureau names read best on the left) as PNG bytes."""
    pad, row_h, bar_h = 48, 66, 38
    f_title, f_sub = fit(title, width - 2 * pad, 46, bold=True), font(28)
    f_label, f_value = font(28), font(28, bold=True)
    header = pad + sum(f_title.getmetrics()) + (sum(f_sub.getmetrics()) if subtitle else 0) + 28
    height = header + max(len(series), 1) * row_h + pad
    big, d = _canvas((width, height), "#FFFFFF")
    label_w = min(max([f_label.getlength(str(lbl)) for lbl, _ in series] + [0]) + 24, width * 0.38)
    value_w = max([f_value.getlength(value_format(v)) for _, v in series] + [0]) + 20
    x0 = pad + label_w
    span = width - pad - x0 - value_w
    top_v = max_value or max([v for _, v in series] + [0]) or 1
    for i, (_, value) in enumerate(series):
        y = header + i * row_h + (row_h - bar_h) / 2
        d.rounded_rectangle(_scaled((x0, y, x0 + span, y + bar_h)), radius=bar_h / 2 * SS, fill=(238, 242, 246))
        length = max(0.0, min(1.0, value / top_v)) * span
        if length > 0:
            fill = rgb(colors[i % len(colors)]) if colors else rgb(color)
            d.rounded_rectangle(_scaled((x0, y, x0 + max(length, bar_h), y + bar_h)), radius=bar_h / 2 * SS,
                                fill=fill)
    img, d = _finish(big, (width, height))
    top = pad
    ascent, descent = f_title.getmetrics()
    d.text((pad, top + ascent), title, font=f_title, fill=INK, anchor="ls")
    top += ascent + descent
    if subtitle:
        d.text((pad, top + f_sub.getmetrics()[0]), subtitle, font=f_sub, fill=MUTED, anchor="ls")
    if not series:
        d.text((width / 2, header + row_h / 2), "ยังไม่มีข้อมูล", font=f_label, fill=MUTED, anchor="mm")
    for i, (label, value) in enumerate(series):
        cy = header + i * row_h + row_h / 2
        lf = fit(str(label), label_w - 24, f_label.size, min_size=18)
        d.text((x0 - 16, cy), str(label), font=lf, fill=INK, anchor="rm")
        length = max(0.0, min(1.0, value / top_v)) * span
        d.text((x0 + max(length, bar_h if value else 0) + 12, cy), value_format(value), font=f_value,
               fill=INK, anchor="lm")
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()
