"""Validate request bodies like LINE does: the OpenAPI schema plus the limits the spec leaves out.

Every public function raises :class:`ApiError` (400, LINE's error shape) or returns ``None``.
Validators are compiled once; the fast path for a valid body is one ``is_valid`` call plus a walk, and a
reply or push whose messages were already found valid (a bot sends the same few messages over and over) is
not validated again: benchmarks run the sandbox on the bot's own CPU, and a LINE that costs 0.3 ms of it per
call would charge a bot for richer messages (BENCHMARKS.md "Webhook").
"""
from __future__ import annotations

import io
import json
import threading

from . import limits
from .errors import ApiError, bad_request, prop_path
from .spec import validator

# Endpoint -> request schema in messaging-api.yml.
REQUESTS = {
    "reply": "ReplyMessageRequest",
    "push": "PushMessageRequest",
    "multicast": "MulticastRequest",
    "richmenu": "RichMenuRequest",
    "alias_create": "CreateRichMenuAliasRequest",
    "alias_update": "UpdateRichMenuAliasRequest",
    "loading": "ShowLoadingAnimationRequest",
}

MAX_IMAGE_BYTES = 1024 * 1024
_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def _detail(err) -> list[dict]:
    path = list(err.absolute_path)
    kind = err.validator
    if kind == "required":
        missing = err.message.split("'")[1] if err.message.startswith("'") else ""
        return [{"message": "must be specified", "property": prop_path(path + [missing])}]
    if kind == "additionalProperties":
        known = set(err.schema.get("properties", {}))
        extras = sorted(k for k in err.instance if k not in known)
        return [{"message": "unknown field", "property": prop_path(path + [k])} for k in extras]
    if kind in ("maxLength", "minLength", "maxItems", "minItems"):
        lo = err.schema.get("minLength", err.schema.get("minItems", 0))
        hi = err.schema.get("maxLength", err.schema.get("maxItems", "∞"))
        word = "Length" if "Length" in kind else "Size"
        return [{"message": f"{word} must be between {lo} and {hi}", "property": prop_path(path)}]
    if kind in ("enum", "const"):
        return [{"message": f"invalid value {err.instance!r}", "property": prop_path(path)}]
    if kind == "type":
        return [{"message": f"must be of type {err.validator_value}", "property": prop_path(path)}]
    return [{"message": err.message, "property": prop_path(path)}]


def schema_errors(component: str, body, spec_name: str = "messaging-api") -> list[dict]:
    v = validator(spec_name, component)
    if v.is_valid(body):
        return []
    details: list[dict] = []
    for err in sorted(v.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        for d in _detail(err):
            if d not in details:
                details.append(d)
    return details


# Bodies found valid, by _memo_key; bounded, oldest dropped first.
_VALID: dict[str, None] = {}
_VALID_MAX = 512
_VALID_LOCK = threading.Lock()
# The schema asks no more of these than "a string": one recipient's body stands for every recipient's.
_ADDRESS = {"reply": "replyToken", "push": "to"}


def _memo_key(kind: str, body: dict) -> str | None:
    field = _ADDRESS.get(kind)
    if field is None or not isinstance(body.get(field), str):
        return None
    try:
        return kind + json.dumps({**body, field: ""}, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None


def check(kind: str, body) -> None:
    """Validate the body of endpoint ``kind`` (a key of ``REQUESTS``); raise 400 on any problem."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body has 1 error(s)",
                       [{"message": "must be a JSON object", "property": ""}])
    key = _memo_key(kind, body)
    if key is not None and key in _VALID:
        return
    _check(kind, body)
    if key is not None:
        with _VALID_LOCK:
            if len(_VALID) >= _VALID_MAX:
                _VALID.pop(next(iter(_VALID)), None)
            _VALID[key] = None


def _check(kind: str, body: dict) -> None:
    if kind == "multicast" and isinstance(body.get("to"), list) and len(body["to"]) > 1:
        details = _multicast_errors(body)
    else:
        details = schema_errors(REQUESTS[kind], body)
    if not details:
        if kind in ("reply", "push", "multicast"):
            details = limits.message_errors(body["messages"])
            if kind == "multicast" and not 1 <= len(body["to"]) <= 500:
                details.append({"message": "Size must be between 1 and 500", "property": "to"})
        elif kind == "richmenu":
            details = limits.richmenu_errors(body)
        elif kind == "loading" and body.get("loadingSeconds", 5) % 5:
            details = [{"message": "must be a multiple of 5", "property": "loadingSeconds"}]
    if details:
        raise bad_request(details)


def _multicast_errors(body: dict) -> list[dict]:
    # jsonschema costs ~10 us per array item: check 500 user ids as plain strings here instead.
    bad = [{"message": "must be of type string", "property": f"to[{i}]"}
           for i, uid in enumerate(body["to"]) if not isinstance(uid, str)]
    return bad + schema_errors(REQUESTS["multicast"], {**body, "to": body["to"][:1]})


def sniff_image(data: bytes) -> str | None:
    for magic, ctype in _MAGIC.items():
        if data.startswith(magic):
            return ctype
    return None


def check_richmenu_image(data: bytes, content_type: str | None, size: dict) -> str:
    """Rich menu image rules; returns the image's content type."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype not in ("image/jpeg", "image/png"):
        raise ApiError(415, "Unsupported Media Type: use image/jpeg or image/png")
    if len(data) > MAX_IMAGE_BYTES:
        raise ApiError(413, "Request Entity Too Large: the image must be 1 MB or less")
    sniffed = sniff_image(data)
    if sniffed != ctype:
        raise ApiError(400, "The image is not a valid " + ctype.split("/")[1].upper() + " file")
    try:
        from PIL import Image
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
    except Exception:  # corrupt file behind a valid magic number
        raise ApiError(400, "The image cannot be read") from None
    if (width, height) != (size["width"], size["height"]):
        raise ApiError(400, f"Image size {width}x{height} must equal the rich menu size "
                            f"{size['width']}x{size['height']}")
    return ctype


def warm_up() -> None:
    """Parse the specs and compile every validator now (first request would otherwise pay ~0.2 s)."""
    for component in REQUESTS.values():
        validator("messaging-api", component)
    validator("webhook", "CallbackRequest")
