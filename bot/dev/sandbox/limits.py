"""Limits LINE enforces that messaging-api.yml does not express (sizes, UTF-16 lengths, bytes).

Each function returns a list of LINE-style details ``{"message", "property"}`` (empty = fine).
Bodies reaching here already passed the schema, so types are right.
"""
from __future__ import annotations

import json

from .errors import prop_path

MAX_MESSAGES = 5
MAX_TEXT = 5000          # UTF-16 code units
MAX_ALT_TEXT = 1500
MAX_QUICK_REPLY = 13
MAX_QUICK_REPLY_LABEL = 20
MAX_FLEX_BUTTON_LABEL = 40
MAX_POSTBACK_DATA = 300  # bytes (UTF-8)
MAX_CAROUSEL_BUBBLES = 12
MAX_BUBBLE_BYTES = 30 * 1024
MAX_CAROUSEL_BYTES = 50 * 1024
MAX_RICHMENU_AREAS = 20


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _too_long(path, limit: int, unit: str = "") -> dict:
    return {"message": f"Length must be between 0 and {limit}{unit}", "property": prop_path(path)}


def _json_size(obj) -> int:
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _walk(node, path):
    """Yield (path, dict) for every object inside ``node``."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from _walk(value, path + [key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, path + [i])


def _flex_errors(contents: dict, path: list) -> list[dict]:
    out = []
    if contents.get("type") == "carousel":
        bubbles = contents.get("contents", [])
        if len(bubbles) > MAX_CAROUSEL_BUBBLES:
            out.append({"message": f"Size must be between 1 and {MAX_CAROUSEL_BUBBLES}",
                        "property": prop_path(path + ["contents"])})
        if _json_size(contents) > MAX_CAROUSEL_BYTES:
            out.append({"message": "carousel must be 50 KB or less", "property": prop_path(path)})
    elif _json_size(contents) > MAX_BUBBLE_BYTES:
        out.append({"message": "bubble must be 30 KB or less", "property": prop_path(path)})
    for sub, node in _walk(contents, path):
        label = (node.get("action") or {}).get("label") if node.get("type") == "button" else None
        if isinstance(label, str) and utf16_len(label) > MAX_FLEX_BUTTON_LABEL:
            out.append(_too_long(sub + ["action", "label"], MAX_FLEX_BUTTON_LABEL))
    return out


def message_errors(messages: list) -> list[dict]:
    out = []
    if not 1 <= len(messages) <= MAX_MESSAGES:
        out.append({"message": f"Size must be between 1 and {MAX_MESSAGES}", "property": "messages"})
    for i, msg in enumerate(messages):
        base = ["messages", i]
        if isinstance(msg.get("text"), str) and utf16_len(msg["text"]) > MAX_TEXT:
            out.append(_too_long(base + ["text"], MAX_TEXT))
        if msg.get("type") == "text" and msg.get("text") == "":  # LINE: "must be non-empty text"
            out.append({"message": "must be non-empty text", "property": prop_path(base + ["text"])})
        if isinstance(msg.get("altText"), str) and utf16_len(msg["altText"]) > MAX_ALT_TEXT:
            out.append(_too_long(base + ["altText"], MAX_ALT_TEXT))
        items = (msg.get("quickReply") or {}).get("items") or []
        if len(items) > MAX_QUICK_REPLY:
            out.append({"message": f"Size must be between 0 and {MAX_QUICK_REPLY}",
                        "property": prop_path(base + ["quickReply", "items"])})
        for j, item in enumerate(items):
            label = (item.get("action") or {}).get("label")
            if isinstance(label, str) and utf16_len(label) > MAX_QUICK_REPLY_LABEL:
                out.append(_too_long(base + ["quickReply", "items", j, "action", "label"],
                                     MAX_QUICK_REPLY_LABEL))
        if msg.get("type") == "flex":
            out.extend(_flex_errors(msg["contents"], base + ["contents"]))
        out.extend(postback_errors(msg, base))
    return out


def postback_errors(node, path: list) -> list[dict]:
    out = []
    for sub, obj in _walk(node, path):
        data = obj.get("data")
        if obj.get("type") in ("postback", "datetimepicker") and isinstance(data, str) \
                and len(data.encode("utf-8")) > MAX_POSTBACK_DATA:
            out.append(_too_long(sub + ["data"], MAX_POSTBACK_DATA, " bytes"))
    return out


def richmenu_errors(body: dict) -> list[dict]:
    out = [{"message": "must be specified", "property": key}
           for key in ("size", "selected", "name", "chatBarText", "areas") if key not in body]
    size = body.get("size") or {}
    width, height = size.get("width"), size.get("height")
    if width is None or height is None:
        out.append({"message": "must be specified", "property": "size.width/height"})
    else:
        if not 800 <= width <= 2500:
            out.append({"message": "must be between 800 and 2500", "property": "size.width"})
        if height < 250:
            out.append({"message": "must be 250 or more", "property": "size.height"})
        if width / height < 1.45:
            out.append({"message": "width/height must be 1.45 or more", "property": "size"})
    areas = body.get("areas") or []
    if len(areas) > MAX_RICHMENU_AREAS:
        out.append({"message": f"Size must be between 0 and {MAX_RICHMENU_AREAS}", "property": "areas"})
    out.extend(postback_errors(areas, ["areas"]))
    return out
