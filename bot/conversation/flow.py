"""Small helpers flows share: read a virtue typed by name, a step that waits for a button."""
from __future__ import annotations

from messages_th.virtues import VIRTUES


def virtue_from_text(text: str | None) -> str | None:
    """The virtue key for a typed Thai name or label ("สุจริต", "ซื่อสัตย์สุจริต"), else None."""
    for v in VIRTUES:
        if text in (v.name, v.label):
            return v.key
    return None


def wait_for_button(ctx):
    """A step that only a button moves on: typed input is "not understood" (the router re-asks)."""
    return None
