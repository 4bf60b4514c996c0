"""A small Flex Message toolkit that only emits properties LINE's Flex schema accepts."""
from __future__ import annotations

import json

from messages_th.common import clip, utf16_len
from messages_th.limits import ALT_TEXT_MAX, BUTTON_LABEL_MAX
from messages_th.limits import BUBBLE_MAX_BYTES as BUBBLE_BYTES_MAX
from messages_th.limits import CAROUSEL_MAX_BUBBLES as CAROUSEL_MAX
from messages_th.limits import CAROUSEL_MAX_BYTES as CAROUSEL_BYTES_MAX

SIZES = {"xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl"}
SPACING = {"none", "xs", "sm", "md", "lg", "xl", "xxl"}
BUBBLE_SIZES = {"nano", "micro", "deca", "hecto", "kilo", "mega", "giga"}

MUTED = "#6B7280"
INK = "#1F2937"
BRAND = "#0B6E4F"


class TooBig(ValueError):
    """A bubble or carousel over LINE's byte limit (a ValueError, as before, for callers that catch that)."""


def fit(build, clips=(400, 240, 160, 100, 60, 30)):
    """`build(n)` with the largest clip length `n` whose result fits LINE's byte limits. For cards showing
    user text: short text is shown whole, long text is cut only as much as the card needs."""
    for n in clips[:-1]:
        try:
            return build(n)
        except TooBig:
            continue
    return build(clips[-1])


def _one_of(value, allowed: set, what: str):
    if value not in allowed:
        raise ValueError(f"invalid {what}: {value!r}")
    return value


def txt(s: str, size: str = "md", weight: str = "regular", color: str | None = None, wrap: bool = True,
        *, align: str | None = None, flex: int | None = None, margin: str | None = None,
        max_lines: int | None = None) -> dict:
    out = {"type": "text", "text": clip(str(s).strip() or "-", 2000), "size": _one_of(size, SIZES, "size"),
           "weight": _one_of(weight, {"regular", "bold"}, "weight"), "wrap": bool(wrap)}
    if color:
        out["color"] = color
    if align:
        out["align"] = _one_of(align, {"start", "end", "center"}, "align")
    if flex is not None:
        out["flex"] = int(flex)
    if margin:
        out["margin"] = _one_of(margin, SPACING, "margin")
    if max_lines:
        out["maxLines"] = int(max_lines)
    return out


def box(contents: list[dict], layout: str = "vertical", *, spacing: str | None = None,
        margin: str | None = None, padding: str | None = None, background: str | None = None,
        corner_radius: str | None = None, flex: int | None = None) -> dict:
    out = {"type": "box", "layout": _one_of(layout, {"vertical", "horizontal", "baseline"}, "layout"),
           "contents": list(contents)}
    if spacing:
        out["spacing"] = _one_of(spacing, SPACING, "spacing")
    if margin:
        out["margin"] = _one_of(margin, SPACING, "margin")
    if padding:
        out["paddingAll"] = padding
    if background:
        out["backgroundColor"] = background
    if corner_radius:
        out["cornerRadius"] = corner_radius
    if flex is not None:
        out["flex"] = int(flex)
    return out


def separator(margin: str | None = "md") -> dict:
    out = {"type": "separator"}
    if margin:
        out["margin"] = _one_of(margin, SPACING, "margin")
    return out


def button(label: str, action: dict, style: str = "primary", *, color: str | None = None,
           height: str = "sm") -> dict:
    if not label or utf16_len(label) > BUTTON_LABEL_MAX:
        raise ValueError(f"button label must be 1..{BUTTON_LABEL_MAX} characters: {label!r}")
    out = {"type": "button", "action": {**action, "label": label},
           "style": _one_of(style, {"primary", "secondary", "link"}, "style"),
           "height": _one_of(height, {"sm", "md"}, "height")}
    if color:
        out["color"] = color
    return out


def kv_row(label: str, value: str) -> dict:
    return box([txt(label, "sm", color=MUTED, flex=2), txt(value, "sm", color=INK, flex=5)],
               "horizontal", spacing="sm")


def header_box(title: str, subtitle: str | None = None, color: str = BRAND) -> dict:
    contents = [txt(title, "lg", "bold", "#FFFFFF")]
    if subtitle:
        contents.append(txt(subtitle, "sm", color="#E8F5E9"))
    return box(contents, spacing="xs", background=color, padding="16px")


def bubble(header: dict | str | None = None, body: list[dict] | None = None,
           footer: list[dict] | None = None, *, size: str = "mega", header_color: str = BRAND) -> dict:
    """A bubble; `header` may be a title string (drawn on `header_color`) or a ready box."""
    out: dict = {"type": "bubble", "size": _one_of(size, BUBBLE_SIZES, "bubble size")}
    if isinstance(header, str):
        out["header"] = header_box(header, color=header_color)
    elif header:
        out["header"] = header
    out["body"] = box(body or [txt("-")], spacing="md")
    if footer:
        out["footer"] = box(footer, spacing="sm")
    if len(json.dumps(out, ensure_ascii=False).encode()) > BUBBLE_BYTES_MAX:
        raise TooBig("bubble over 30 KB")
    return out


def carousel(bubbles: list[dict]) -> dict:
    if not 1 <= len(bubbles) <= CAROUSEL_MAX:
        raise ValueError(f"carousel needs 1..{CAROUSEL_MAX} bubbles, got {len(bubbles)}")
    out = {"type": "carousel", "contents": list(bubbles)}
    if len(json.dumps(out, ensure_ascii=False).encode()) > CAROUSEL_BYTES_MAX:
        raise TooBig("carousel over 50 KB")
    return out


def flex(alt_text: str, contents: dict, quick_reply: dict | None = None) -> dict:
    """A Flex message; the alt text (shown in notifications and chat lists) is clipped to 1,500."""
    msg = {"type": "flex", "altText": clip(alt_text.strip() or "ข้อความ", ALT_TEXT_MAX), "contents": contents}
    if quick_reply:
        msg["quickReply"] = quick_reply
    return msg
