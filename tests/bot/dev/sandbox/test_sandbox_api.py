"""LINE message endpoints of the sandbox: tokens, retry keys, quota, faults, profiles, content."""
from __future__ import annotations

import uuid

from bot.dev.sandbox.faults import Faults
from bot.dev.sandbox import ApiError

U1, U2 = "U" + "1" * 32, "U" + "2" * 32
HELLO = [{"type": "text", "text": "สวัสดี"}]


def push(api, to=U1, key=None, messages=HELLO):
    headers = {"X-Line-Retry-Key": key} if key else {}
    return api.post("/v2/bot/message/push", json={"to": to, "messages": messages}, headers=headers)


def test_auth_required_and_request_id_everywhere(api):
    r = api.raw.post("/v2/bot/message/push", json={"to": U1, "messages": HELLO})
    assert r.status_code == 401 and "message" in r.get_json()
    r2 = api.raw.get("/v2/bot/message/quota", headers={"Authorization": "Bearer "})
    assert r2.status_code == 401
    ok = push(api)
    ids = {uuid.UUID(x.headers["x-line-request-id"]) for x in (r, r2, ok)}
    assert len(ids) == 3


def test_push_records_delivery_and_returns_sent_messages(api, state):
    r = push(api)
    assert r.status_code == 200
    sent = r.get_json()["sentMessages"]
    assert len(sent) == 1 and sent[0]["id"].isdigit() and sent[0]["quoteToken"]
    assert state.messages_for(U1) == HELLO
    (d,) = state.all_deliveries()
    assert (d.kind, d.to, d.request_id) == ("push", U1, r.headers["x-line-request-id"])


def test_reply_token_works_once(api, state):
    token = state.issue_reply_token(U1)
    r = api.post("/v2/bot/message/reply", json={"replyToken": token, "messages": HELLO})
    assert r.status_code == 200 and len(r.get_json()["sentMessages"]) == 1
    again = api.post("/v2/bot/message/reply", json={"replyToken": token, "messages": HELLO})
    assert again.status_code == 400 and again.get_json() == {"message": "Invalid reply token"}
    unknown = api.post("/v2/bot/message/reply", json={"replyToken": "nope", "messages": HELLO})
    assert unknown.status_code == 400
    assert state.count_deliveries(U1, kind="reply") == 1


def test_reply_token_expires(api, state, clock):
    token = state.issue_reply_token(U1)
    clock.now += 61
    r = api.post("/v2/bot/message/reply", json={"replyToken": token, "messages": HELLO})
    assert r.status_code == 400 and r.get_json()["message"] == "Invalid reply token"
    fresh = state.issue_reply_token(U1)
    clock.now += 59
    assert api.post("/v2/bot/message/reply", json={"replyToken": fresh, "messages": HELLO}).status_code == 200


def test_invalid_body_does_not_burn_reply_token(api, state):
    token = state.issue_reply_token(U1)
    bad = api.post("/v2/bot/message/reply", json={"replyToken": token, "messages": [{"type": "text"}]})
    assert bad.status_code == 400
    assert api.post("/v2/bot/message/reply", json={"replyToken": token, "messages": HELLO}).status_code == 200


def test_retry_key_conflict_returns_first_request_id(api, state):
    key = str(uuid.uuid4())
    first = push(api, key=key)
    second = push(api, key=key)
    assert second.status_code == 409
    assert second.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    body = second.get_json()
    assert body["message"] == "The retry key is already accepted"
    assert body["sentMessages"] == first.get_json()["sentMessages"]
    assert state.count_deliveries(U1) == 1


def test_retry_key_must_be_uuid(api):
    assert push(api, key="not-a-uuid").status_code == 400
    multicast = api.post("/v2/bot/message/multicast", json={"to": [U1], "messages": HELLO},
                         headers={"X-Line-Retry-Key": "123"})
    assert multicast.status_code == 400


def test_failed_request_is_not_remembered(api, state):
    key = str(uuid.uuid4())
    state.set_faults(fail_rate=1.0, fail_statuses=(500,))
    assert push(api, key=key).status_code == 500
    assert state.count_deliveries() == 0
    state.set_faults()
    assert push(api, key=key).status_code == 200
    assert state.count_deliveries(U1, kind="push") == 1


def test_multicast_records_per_user_and_counts_quota(api, state):
    state.set_quota(3)
    r = api.post("/v2/bot/message/multicast", json={"to": [U1, U2], "messages": HELLO})
    assert r.status_code == 200 and r.get_json() == {}
    assert state.count_deliveries(kind="multicast") == 2
    assert api.get("/v2/bot/message/quota").get_json() == {"type": "limited", "value": 3}
    assert api.get("/v2/bot/message/quota/consumption").get_json() == {"totalUsage": 2}
    over = api.post("/v2/bot/message/multicast", json={"to": [U1, U2], "messages": HELLO})
    assert over.status_code == 429 and over.get_json() == {"message": "You have reached your monthly limit."}
    assert push(api).status_code == 200  # exactly reaches the limit
    assert push(api).status_code == 429
    token = state.issue_reply_token(U1)  # replies are free
    assert api.post("/v2/bot/message/reply", json={"replyToken": token, "messages": HELLO}).status_code == 200
    state.set_quota(None)
    assert api.get("/v2/bot/message/quota").get_json() == {"type": "none"}


def test_fault_injection_is_deterministic_with_seed():
    def run():
        faults = Faults()
        faults.set(fail_rate=0.5, fail_statuses=(500, 429), seed=42)
        out = []
        for _ in range(40):
            try:
                faults.apply("/v2/bot/message/push")
                out.append(200)
            except ApiError as err:
                out.append(err.status)
        return out
    first = run()
    assert first == run()
    assert {200, 500, 429} <= set(first)


def test_faults_only_on_chosen_paths_and_not_on_control(api, state):
    state.set_faults(fail_rate=1.0, fail_statuses=(503,), only_paths=["/v2/bot/message/multicast"])
    assert push(api).status_code == 200
    assert api.post("/v2/bot/message/multicast", json={"to": [U1], "messages": HELLO}).status_code == 503
    state.set_faults(fail_rate=1.0)
    assert api.raw.get("/_sandbox/deliveries").status_code == 200
    assert state.faults.injected == 1  # the control call was not faulted


def test_injected_timeout_is_released_by_reset(state):
    import threading
    state.set_faults(timeout_rate=1.0)
    result = {}

    def call():
        try:
            state.faults.apply("/v2/bot/message/push")
        except ApiError as err:
            result["status"] = err.status
    t = threading.Thread(target=call)
    t.start()
    t.join(0.2)
    assert t.is_alive()  # hanging like a timed-out LINE call
    state.reset()
    t.join(5)
    assert not t.is_alive() and result["status"] == 504


def test_profile_known_and_generated(api, state):
    state.set_profile(U1, "สมศรี ทดสอบ", "https://example.com/p.png")
    assert api.get(f"/v2/bot/profile/{U1}").get_json() == {
        "userId": U1, "displayName": "สมศรี ทดสอบ", "pictureUrl": "https://example.com/p.png", "language": "th"}
    other = api.get(f"/v2/bot/profile/{U2}")
    assert other.status_code == 200 and other.get_json()["displayName"]
    assert other.get_json() == api.get(f"/v2/bot/profile/{U2}").get_json()  # stable


def test_message_content(api, state):
    state.put_content("123", b"\xff\xd8\xffdata", "image/jpeg")
    r = api.get("/v2/bot/message/123/content")
    assert r.status_code == 200 and r.data == b"\xff\xd8\xffdata" and r.mimetype == "image/jpeg"
    assert api.get("/v2/bot/message/999/content").status_code == 404


def test_loading_animation(api, state):
    r = api.post("/v2/bot/chat/loading/start", json={"chatId": U1, "loadingSeconds": 10})
    assert r.status_code == 202
    assert state.loadings[0]["chatId"] == U1
    assert api.post("/v2/bot/chat/loading/start", json={"chatId": U1, "loadingSeconds": 7}).status_code == 400


def test_blocked_user_push_is_200_not_billed(api, state):
    state.set_blocked(U1)
    assert push(api).status_code == 200
    assert state.count_deliveries() == 0 and state.consumption() == 0
