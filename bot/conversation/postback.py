"""Postback data: a small versioned query string, `v=1&a=<action>&k=v`, at most 300 bytes (LINE's limit)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from messages_th.limits import POSTBACK_DATA_MAX_BYTES as MAX_BYTES

VERSION = "1"


class PostbackError(ValueError):
    """Malformed, foreign or outdated postback data."""


def encode(action: str, **params) -> str:
    if {"v", "a"} & params.keys():
        raise ValueError("postback params 'v' and 'a' are reserved")
    items = [("v", VERSION), ("a", action)] + [(k, str(v)) for k, v in params.items() if v is not None]
    data = urlencode(items)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"postback data over {MAX_BYTES} bytes: {action}")
    return data


def decode(data: str | None) -> tuple[str, dict[str, str]]:
    if not data or len(data.encode()) > MAX_BYTES:
        raise PostbackError("empty or too long")
    try:
        pairs = parse_qsl(data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise PostbackError(str(exc)) from exc
    params = dict(pairs)
    if len(params) != len(pairs):
        raise PostbackError("repeated keys")
    if params.pop("v", None) != VERSION:
        raise PostbackError("unknown version")
    action = params.pop("a", "")
    if not action:
        raise PostbackError("no action")
    return action, params
