"""Ctx.arg: postback parameters parsed in one place; anything odd is a stale button, never a crash."""
from __future__ import annotations

import pytest

from bot.conversation.context import Ctx, StaleButton
from bot.conversation.postback import encode
from bot.dev.sandbox import events as ev


def ctx_with(**params) -> Ctx:
    event = ev.postback_event("U" + "0" * 32, encode("x.y", **params))
    return Ctx(session=None, event=event, user=None, state=None, now=None, config=None)


@pytest.mark.parametrize("raw", ["²", "٣", " 5", "-1", "1e3", "abc", "9" * 13])
def test_ids_are_ascii_digits_only(raw):
    with pytest.raises(StaleButton):
        ctx_with(id=raw).arg("id", int)


def test_a_good_id_a_default_and_a_missing_one():
    c = ctx_with(id="42")
    assert c.arg("id", int) == 42 and c.arg("o", int, 0) == 0
    with pytest.raises(StaleButton):
        c.arg("o", int)


def test_typed_text_loses_control_characters_but_keeps_lines():
    event = ev.text_event("U" + "0" * 32, " ช่วย\x00เพื่อน\x1b\nยกของ\t ")
    assert Ctx(session=None, event=event, user=None, state=None, now=None, config=None).text == "ช่วยเพื่อน\nยกของ"
