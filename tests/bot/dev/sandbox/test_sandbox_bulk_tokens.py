"""POST /_sandbox/reply-tokens: many reply tokens in one call (the flood benchmark registers 60,000)."""
from __future__ import annotations

U1, U2, U3 = ("U" + c * 32 for c in "123")
HELLO = [{"type": "text", "text": "สวัสดี"}]


def test_bulk_tokens_reply_to_their_own_user_once(api, state):
    r = api.raw.post("/_sandbox/reply-tokens", json={"users": [U1, U2, U3]})
    assert r.status_code == 200
    tokens = r.get_json()["replyTokens"]
    assert len(set(tokens)) == 3
    for token in reversed(tokens):  # order of use does not matter; each token belongs to its user
        assert api.post("/v2/bot/message/reply", json={"replyToken": token, "messages": HELLO}).status_code == 200
    assert [d.to for d in state.all_deliveries()] == [U3, U2, U1]
    again = api.post("/v2/bot/message/reply", json={"replyToken": tokens[0], "messages": HELLO})
    assert again.status_code == 400


def test_bulk_tokens_expire_like_single_ones(api, state, clock):
    (token,) = api.raw.post("/_sandbox/reply-tokens", json={"users": [U1]}).get_json()["replyTokens"]
    clock.now += state.reply_token_ttl + 1
    r = api.post("/v2/bot/message/reply", json={"replyToken": token, "messages": HELLO})
    assert r.status_code == 400 and state.all_deliveries() == []


def test_bulk_tokens_refuse_a_body_without_a_user_list(api):
    assert api.raw.post("/_sandbox/reply-tokens", json={"users": "U1"}).status_code == 400
    assert api.raw.post("/_sandbox/reply-tokens", json={"users": [U1, ""]}).status_code == 400
    assert api.raw.post("/_sandbox/reply-tokens", json={}).status_code == 400
    assert api.raw.post("/_sandbox/reply-tokens", json={"users": []}).get_json() == {"replyTokens": []}
