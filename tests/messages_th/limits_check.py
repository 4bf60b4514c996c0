"""`assert_fits(messages)`: the reply would be accepted by LINE, checked against messages_th/limits.py on its own
(not through the builders' helpers, so a builder that bypasses them is caught too). Also the maximal inputs the
limit tests build with: Thai with combining marks (3 bytes a unit, the worst JSON-size case) and emoji (2 units).
"""
from __future__ import annotations

import json

from messages_th import limits as L

# One UTF-16 unit of Thai is 3 bytes of JSON: the worst case for the byte limits. "กี่" carries two marks;
# "😀" is 2 units (a surrogate pair) and 4 bytes.
THAI = "ที่นี่มีน้ำใจ"
EMOJI = "😀"


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def long_text(units: int, *, emoji_every: int = 23, quote: bool = True) -> str:
    """A string of exactly `units` UTF-16 units (the flows' own limits count code points, so callers pass
    the code-point limit; emoji make the UTF-16 count larger, which is what LINE counts)."""
    out, n = [], 0
    pattern = (THAI + ('"' if quote else "")) * 4
    i = 0
    while n < units:
        ch = EMOJI if emoji_every and n % emoji_every == emoji_every - 1 and n + 1 < units else pattern[i % len(pattern)]
        out.append(ch)
        n += 1  # code points, like the flows' `text[:limit]`
        i += 1
    return "".join(out)


def nbytes(node) -> int:
    return len(json.dumps(node, ensure_ascii=False).encode())


def _actions(node, path="$"):
    if isinstance(node, dict):
        if node.get("type") in {"postback", "message", "uri", "datetimepicker", "camera", "cameraRoll",
                                "location", "richmenuswitch", "clipboard"} and ("label" in node or "data" in node
                                                                                or "text" in node):
            yield path, node
        for k, v in node.items():
            yield from _actions(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _actions(v, f"{path}[{i}]")


def _flex_texts(node, path="$"):
    if isinstance(node, dict):
        if node.get("type") == "text" and "text" in node:
            yield path, node["text"]
        for k, v in node.items():
            yield from _flex_texts(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _flex_texts(v, f"{path}[{i}]")


def _check_bubble(b: dict, where: str) -> None:
    assert b.get("type") == "bubble", f"{where}: not a bubble"
    size = nbytes(b)
    assert size <= L.BUBBLE_MAX_BYTES, f"{where}: bubble is {size:,} bytes (> {L.BUBBLE_MAX_BYTES:,})"


def _check_action(a: dict, where: str, *, quick: bool) -> None:
    label = a.get("label")
    if label is not None:
        limit = L.QUICK_REPLY_LABEL_MAX if quick else L.BUTTON_LABEL_MAX
        assert 1 <= utf16(label) <= limit, f"{where}: label {label!r} is {utf16(label)} units (> {limit})"
    if a.get("type") in {"postback", "datetimepicker"}:
        data = a.get("data", "")
        assert 1 <= len(data.encode()) <= L.POSTBACK_DATA_MAX_BYTES, f"{where}: postback data {len(data.encode())} B"
    for key in ("displayText",) + (("text",) if a.get("type") == "message" else ()):
        if key in a:
            assert 1 <= utf16(a[key]) <= L.ACTION_TEXT_MAX, f"{where}: {key} is {utf16(a[key])} units"


def check_message(m: dict, where: str = "$") -> None:
    t = m.get("type")
    if t == "text":
        assert 1 <= utf16(m["text"]) <= L.TEXT_MAX, f"{where}: text is {utf16(m['text']):,} units"
    elif t == "flex":
        assert 1 <= utf16(m["altText"]) <= L.ALT_TEXT_MAX, f"{where}: altText is {utf16(m['altText']):,} units"
        c = m["contents"]
        if c["type"] == "carousel":
            assert 1 <= len(c["contents"]) <= L.CAROUSEL_MAX_BUBBLES, f"{where}: {len(c['contents'])} bubbles"
            size = nbytes(c)
            assert size <= L.CAROUSEL_MAX_BYTES, f"{where}: carousel is {size:,} bytes (> {L.CAROUSEL_MAX_BYTES:,})"
            for i, b in enumerate(c["contents"]):
                _check_bubble(b, f"{where}.contents[{i}]")
        else:
            _check_bubble(c, f"{where}.contents")
        for p, s in _flex_texts(c, f"{where}.contents"):
            assert 1 <= utf16(s), f"{p}: empty Flex text"
        for p, a in _actions(c, f"{where}.contents"):
            _check_action(a, p, quick=False)
    elif t == "image":
        for key in ("originalContentUrl", "previewImageUrl"):
            assert m[key].startswith("https://") and len(m[key]) <= 2000, f"{where}: {key}"
    else:
        raise AssertionError(f"{where}: unexpected message type {t!r}")
    qr = m.get("quickReply")
    if qr is not None:
        items = qr["items"]
        assert 1 <= len(items) <= L.QUICK_REPLY_MAX_ITEMS, f"{where}: {len(items)} quick replies"
        for i, item in enumerate(items):
            _check_action(item["action"], f"{where}.quickReply.items[{i}]", quick=True)


def assert_fits(messages) -> list[dict]:
    """`messages`: one message or a reply's list. Returns the list, for further assertions."""
    msgs = [messages] if isinstance(messages, dict) else list(messages)
    assert 1 <= len(msgs) <= L.MESSAGES_PER_CALL, f"{len(msgs)} messages in one reply (> {L.MESSAGES_PER_CALL})"
    for i, m in enumerate(msgs):
        check_message(m, f"[{i}]")
    return msgs
