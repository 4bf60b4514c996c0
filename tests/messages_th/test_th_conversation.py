"""The conversation layer's own texts: a re-prompt keeps the step's buttons, once each."""
from __future__ import annotations

import messages_th.conversation as tc
from messages_th.common import CANCEL_WORD, keyword_replies, text, unexpected_input


def test_a_reprompt_moves_the_steps_quick_replies_onto_the_hint_without_doubling_cancel():
    prompt = text("ทำความดีนี้เมื่อไหร่ครับ?", {"items": keyword_replies("วันนี้", CANCEL_WORD)["items"]})
    [hint] = tc.reprompt(unexpected_input("วันที่ทำความดี"), prompt)
    labels = [i["action"]["label"] for i in hint["quickReply"]["items"]]
    assert labels == ["วันนี้", CANCEL_WORD]


def test_a_card_prompt_is_sent_again_before_the_hint():
    card = {"type": "flex", "altText": "เลือกคุณธรรม", "contents": {}, "quickReply": {"items": []}}
    out = tc.reprompt(unexpected_input("คุณธรรม"), card)
    assert [m["type"] for m in out] == ["flex", "text"] and "quickReply" not in out[0]
