"""Simple flat icons drawn with Pillow primitives (colour-emoji fonts do not render in Pillow).

Each icon is drawn inside a circle of radius `r` around (cx, cy), in `fg` on a `bg` background;
coordinates below are in units of r, y pointing down. Draw on a supersampled image for smooth edges.
"""
from __future__ import annotations

import math
from typing import Callable

from PIL import ImageDraw

Pt = tuple[float, float]


class Pen:
    def __init__(self, draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fg, bg):
        self.d, self.cx, self.cy, self.r, self.fg, self.bg = draw, cx, cy, r, fg, bg

    def p(self, x: float, y: float) -> Pt:
        return (self.cx + x * self.r, self.cy + y * self.r)

    def box(self, x0, y0, x1, y1) -> list[float]:
        return [*self.p(x0, y0), *self.p(x1, y1)]

    def poly(self, pts, fill=None):
        self.d.polygon([self.p(x, y) for x, y in pts], fill=fill or self.fg)

    def rect(self, x0, y0, x1, y1, radius=0.0, fill=None, corners=None):
        self.d.rounded_rectangle(self.box(x0, y0, x1, y1), radius=radius * self.r, fill=fill or self.fg,
                                 corners=corners)

    def circle(self, x, y, rad, fill=None, outline=None, width=0.0):
        self.d.ellipse(self.box(x - rad, y - rad, x + rad, y + rad), fill=fill,
                       outline=outline, width=max(1, round(width * self.r)) if outline else 0)

    def line(self, pts, width, fill=None):
        w = max(1, round(width * self.r))
        pts = [self.p(x, y) for x, y in pts]
        self.d.line(pts, fill=fill or self.fg, width=w, joint="curve")
        for x, y in (pts[0], pts[-1]):      # round caps
            self.d.ellipse([x - w / 2, y - w / 2, x + w / 2, y + w / 2], fill=fill or self.fg)


def _heart(k: Pen):
    pts = []
    for i in range(120):
        t = 2 * math.pi * i / 120
        x = 16 * math.sin(t) ** 3
        y = -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t))
        pts.append((x / 17, y / 17 + 0.05))
    k.poly(pts)


def _star_pts(rad_out=0.95, rad_in=0.42, dy=0.05):
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rad = rad_out if i % 2 == 0 else rad_in
        pts.append((rad * math.cos(a), rad * math.sin(a) + dy))
    return pts


def _star(k: Pen):
    k.poly(_star_pts())


def _pencil(k: Pen):
    d = (-math.sqrt(0.5), math.sqrt(0.5))      # tip points down-left
    n = (d[1], -d[0])

    def at(a, b):
        return (a * d[0] + b * n[0], a * d[1] + b * n[1])
    k.poly([at(-0.5, -0.22), at(0.45, -0.22), at(0.45, 0.22), at(-0.5, 0.22)])
    k.poly([at(0.52, -0.22), at(0.95, 0), at(0.52, 0.22)])
    k.poly([at(-0.85, -0.22), at(-0.58, -0.22), at(-0.58, 0.22), at(-0.85, 0.22)])
    k.line([(-0.2, 0.88), (0.85, 0.88)], 0.07)


def _book(k: Pen):
    k.poly([(-0.95, -0.55), (-0.06, -0.42), (-0.06, 0.7), (-0.95, 0.55)])
    k.poly([(0.95, -0.55), (0.06, -0.42), (0.06, 0.7), (0.95, 0.55)])
    for y in (-0.2, 0.05, 0.3):
        k.line([(-0.75, y - 0.08), (-0.28, y)], 0.06, k.bg)
        k.line([(0.28, y), (0.75, y - 0.08)], 0.06, k.bg)


def _chart(k: Pen):
    for x, h in ((-0.62, 0.55), (-0.1, 0.95), (0.42, 1.35)):
        k.rect(x - 0.17, 0.68 - h, x + 0.17, 0.68, 0.07, corners=(True, True, False, False))
    k.line([(-0.9, 0.78), (0.9, 0.78)], 0.09)


def _calendar(k: Pen):
    k.rect(-0.82, -0.62, 0.82, 0.85, 0.16)
    k.rect(-0.66, -0.25, 0.66, 0.7, 0.05, fill=k.bg)
    for x in (-0.42, 0.42):
        k.line([(x, -0.88), (x, -0.5)], 0.14)
    for y in (-0.05, 0.4):
        for x in (-0.4, 0.0, 0.4):
            k.rect(x - 0.12, y - 0.11, x + 0.12, y + 0.11, 0.03)


def _bell(k: Pen):
    k.d.pieslice(k.box(-0.58, -0.85, 0.58, 0.3), 180, 360, fill=k.fg)
    k.poly([(-0.58, -0.28), (0.58, -0.28), (0.68, 0.42), (0.86, 0.6), (-0.86, 0.6), (-0.68, 0.42)])
    k.circle(0, 0.74, 0.17, fill=k.fg)
    k.circle(0, -0.82, 0.1, fill=k.fg)


def _user(k: Pen, dx=0.0, s=1.0, fill=None):
    k.circle(dx, -0.38 * s, 0.34 * s, fill=fill or k.fg)
    k.d.pieslice(k.box(dx - 0.7 * s, 0.08 * s, dx + 0.7 * s, 1.5 * s), 180, 360, fill=fill or k.fg)


def _people(k: Pen):
    back = mix(k.fg, k.bg, 0.45)
    _user(k, 0.42, 0.78, back)
    _user(k, -0.42, 0.78, back)
    _user(k, 0.0, 0.95)


def _clipboard(k: Pen):
    k.rect(-0.68, -0.72, 0.68, 0.92, 0.14)
    k.rect(-0.52, -0.5, 0.52, 0.76, 0.05, fill=k.bg)
    k.rect(-0.3, -0.88, 0.3, -0.52, 0.1)
    for y in (-0.22, 0.12, 0.46):
        k.line([(-0.38, y), (-0.27, y + 0.1), (-0.12, y - 0.08)], 0.07)
        k.line([(0.02, y), (0.36, y)], 0.08)


def _check(k: Pen):
    k.circle(0, 0, 0.86, outline=k.fg, width=0.13)
    k.line([(-0.42, 0.02), (-0.12, 0.34), (0.45, -0.3)], 0.17)


def _megaphone(k: Pen):
    k.poly([(-0.45, -0.24), (0.62, -0.72), (0.62, 0.72), (-0.45, 0.24)])
    k.rect(-0.82, -0.28, -0.4, 0.28, 0.08)
    k.rect(-0.5, 0.2, -0.22, 0.8, 0.08)
    k.line([(0.82, -0.28), (0.82, 0.28)], 0.1)


def _gear(k: Pen):
    pts = []
    for i in range(48):
        a = 2 * math.pi * i / 48
        rad = 0.92 if (i // 3) % 2 == 0 else 0.68
        pts.append((rad * math.cos(a), rad * math.sin(a)))
    k.poly(pts)
    k.circle(0, 0, 0.3, fill=k.bg)


def _flag(k: Pen):
    k.line([(-0.62, -0.85), (-0.62, 0.9)], 0.12)
    k.poly([(-0.55, -0.8), (0.15, -0.62), (0.82, -0.78), (0.82, 0.12), (0.15, 0.28), (-0.55, 0.1)])


def _home(k: Pen):
    k.poly([(0, -0.9), (0.92, -0.05), (-0.92, -0.05)])
    k.rect(-0.66, -0.2, 0.66, 0.85, 0.06)
    k.rect(-0.18, 0.25, 0.18, 0.85, 0.06, fill=k.bg, corners=(True, True, False, False))


def _question(k: Pen):
    k.circle(0, 0, 0.88, outline=k.fg, width=0.13)
    hook = [(0.32 * math.cos(math.radians(a)), -0.25 + 0.32 * math.sin(math.radians(a)))
            for a in range(195, 425, 10)]
    k.line(hook + [(0.0, 0.16), (0.0, 0.24)], 0.15)
    k.circle(0, 0.5, 0.1, fill=k.fg)


def _card(k: Pen):
    k.rect(-0.92, -0.62, 0.92, 0.68, 0.14)
    k.rect(-0.78, -0.47, 0.78, 0.53, 0.06, fill=k.bg)
    k.circle(-0.4, -0.12, 0.17, fill=k.fg)
    k.d.pieslice(k.box(-0.68, 0.1, -0.12, 0.75), 180, 360, fill=k.fg)
    for y in (-0.2, 0.05, 0.3):
        k.line([(0.0, y), (0.55, y)], 0.08)


def _list(k: Pen):
    for y in (-0.55, 0.0, 0.55):
        k.circle(-0.62, y, 0.13, fill=k.fg)
        k.line([(-0.3, y), (0.75, y)], 0.15)


def _target(k: Pen):
    k.circle(0, 0.05, 0.85, fill=k.fg)
    k.circle(0, 0.05, 0.6, fill=k.bg)
    k.circle(0, 0.05, 0.36, fill=k.fg)
    k.circle(0, 0.05, 0.13, fill=k.bg)


def _trophy(k: Pen):
    k.d.chord(k.box(-0.6, -1.15, 0.6, 0.35), 0, 180, fill=k.fg)
    k.rect(-0.6, -0.82, 0.6, -0.38, 0)
    w = round(0.11 * k.r)
    k.d.arc(k.box(-0.95, -0.78, -0.35, -0.08), 90, 270, fill=k.fg, width=w)
    k.d.arc(k.box(0.35, -0.78, 0.95, -0.08), 270, 450, fill=k.fg, width=w)
    k.rect(-0.1, 0.3, 0.1, 0.62, 0)
    k.rect(-0.45, 0.6, 0.45, 0.86, 0.05)


def _monitor(k: Pen):
    """A screen showing a small bar chart, on a stand: the web dashboard."""
    k.rect(-0.92, -0.72, 0.92, 0.5, 0.1)
    k.rect(-0.78, -0.58, 0.78, 0.36, 0.04, fill=k.bg)
    for x, h in ((-0.42, 0.3), (0.0, 0.5), (0.42, 0.7)):
        k.rect(x - 0.12, 0.26 - h, x + 0.12, 0.26, 0.03)
    k.poly([(-0.12, 0.5), (0.12, 0.5), (0.2, 0.76), (-0.2, 0.76)])
    k.rect(-0.5, 0.74, 0.5, 0.88, 0.06)


ICONS: dict[str, Callable[[Pen], None]] = {
    "heart": _heart, "star": _star, "pencil": _pencil, "book": _book, "chart": _chart,
    "calendar": _calendar, "bell": _bell, "user": _user, "people": _people, "clipboard": _clipboard,
    "check": _check, "megaphone": _megaphone, "gear": _gear, "flag": _flag, "home": _home,
    "question": _question, "card": _card, "list": _list, "target": _target, "trophy": _trophy,
    "monitor": _monitor,
}

# Emoji a caller may pass instead of an icon name.
EMOJI = {
    "❤": "heart", "💚": "heart", "💙": "heart", "⭐": "star", "🌟": "star", "✏": "pencil", "📝": "pencil",
    "📖": "book", "📚": "book", "📊": "chart", "📈": "chart", "📅": "calendar", "🗓": "calendar",
    "🔔": "bell", "👤": "user", "👥": "people", "📋": "clipboard", "✅": "check", "📣": "megaphone",
    "📢": "megaphone", "⚙": "gear", "🚩": "flag", "🏠": "home", "❓": "question", "🪪": "card",
    "🎯": "target", "🏆": "trophy", "🙏": "heart", "🖥": "monitor", "💻": "monitor",
}


def icon_name(value: str | None) -> str:
    """Icon name for a name or an emoji; unknown values get a star."""
    if not value:
        return "star"
    if value in ICONS:
        return value
    bare = value.replace("\ufe0f", "")      # drop the emoji variation selector
    return EMOJI.get(bare) or EMOJI.get(bare[:1]) or "star"


def draw_icon(draw: ImageDraw.ImageDraw, name: str, cx: float, cy: float, r: float, fg, bg) -> None:
    ICONS[icon_name(name)](Pen(draw, cx, cy, r, fg, bg))


def mix(a, b, t: float):
    """Colour between a (t=0) and b (t=1); both as (r, g, b)."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))
