"""Issue 13: signed but malformed bodies. Each event is checked on its own: a bad one is stored as ignored
(without its content) or, when it cannot be stored at all, skipped with a log line; the valid event beside it
is stored and answered; never a 500, and never a body that fails on every redelivery (PostgreSQL)."""
from __future__ import annotations

import json
import logging

import pytest
from sqlmodel import select

from bot.dev.sandbox import events as ev
from models.core import InboxEvent
from tests.conftest import SECRET

U = "U" + "d" * 32
MARK = "ข้อมูลส่วนตัว-7731"  # a personal-looking value that must not reach the logs or the inbox


def _post(client, raw: bytes):
    return client.post("/callback", data=raw, headers={"X-Line-Signature": ev.sign(raw, SECRET),
                                                       "Content-Type": "application/json"})


def _bad(shape: str) -> dict:
    bad = ev.text_event("U" + "e" * 32, MARK)
    if shape == "source not an object":
        bad["source"] = MARK
    elif shape == "source a list":
        bad["source"] = [MARK]
    elif shape == "message not an object":
        bad["message"] = MARK
    elif shape == "message a list":
        bad["message"] = [MARK]
    elif shape == "userId an object":
        bad["source"]["userId"] = {"id": MARK}
    elif shape == "userId 100 characters":
        bad["source"]["userId"] = "U" + "f" * 99
    elif shape == "text an object":
        bad["message"]["text"] = {"t": MARK}
    elif shape == "contentProvider a string":
        bad["message"] = {"type": "image", "id": "1234", "contentProvider": MARK}
    elif shape == "postback a string":
        bad = dict(ev.postback_event("U" + "e" * 32, "v=1&a=x"), postback=MARK)
    elif shape == "replyToken an object":
        bad["replyToken"] = {"t": MARK}
    else:
        raise AssertionError(shape)
    return bad


SHAPES = ["source not an object", "source a list", "message not an object", "message a list",
          "userId an object", "userId 100 characters", "text an object", "contentProvider a string",
          "postback a string", "replyToken an object"]


def _statuses(db) -> dict[str, tuple[str, str]]:
    with db() as s:
        return {r.webhook_event_id: (r.status, r.payload) for r in s.exec(select(InboxEvent))}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_malformed_event_is_ignored_and_the_valid_one_beside_it_answered(shape, client, bot, line, db, caplog):
    caplog.set_level(logging.INFO)
    bad, good = _bad(shape), ev.text_event(U, "สวัสดี")
    if isinstance(bad.get("replyToken"), str):
        line.issue_reply_token("U" + "e" * 32, bad["replyToken"])
    line.issue_reply_token(U, good["replyToken"])
    raw = json.dumps(ev.callback_body([bad, good]), ensure_ascii=False).encode()
    assert _post(client, raw).status_code == 200
    assert bot.dispatcher.wait_idle(10)
    assert [d.kind for d in line.deliveries_for(U)] == ["reply"]
    assert len(line.all_deliveries()) == 1  # the bad one got nothing
    rows = _statuses(db)
    assert rows[good["webhookEventId"]][0] == "done"
    status, payload = rows[bad["webhookEventId"]]
    assert status == "ignored" and MARK not in payload
    assert MARK not in caplog.text and bad["webhookEventId"] in caplog.text  # logged, without personal data
    # LINE redelivers the same body: nothing fails, nobody is answered again
    assert _post(client, raw).status_code == 200
    assert bot.dispatcher.wait_idle(10)
    assert len(line.all_deliveries()) == 1


def test_a_lone_surrogate_is_ignored_not_a_failed_insert(client, bot, line, db):
    good = ev.text_event(U, "สวัสดี")
    line.issue_reply_token(U, good["replyToken"])
    bad = ev.text_event("U" + "e" * 32, "x")
    raw = json.dumps(ev.callback_body([bad, good])).replace('"text": "x"', '"text": "\\ud800"').encode()
    assert b"\\ud800" in raw
    assert _post(client, raw).status_code == 200
    assert bot.dispatcher.wait_idle(10)
    assert [d.kind for d in line.deliveries_for(U)] == ["reply"]
    assert _statuses(db)[bad["webhookEventId"]][0] == "ignored"


def test_an_event_without_an_id_is_skipped_and_the_others_stored(client, bot, line, db):
    good = ev.text_event(U, "สวัสดี")
    line.issue_reply_token(U, good["replyToken"])
    for bad in ({"type": "message", "source": {"userId": U}}, {"webhookEventId": {"x": 1}, "type": "message"},
                {"webhookEventId": "x" * 65, "type": "message"}, [1, 2], MARK):
        assert _post(client, json.dumps(ev.callback_body([bad, good]), ensure_ascii=False).encode()).status_code == 200
    assert bot.dispatcher.wait_idle(10)
    assert [d.kind for d in line.deliveries_for(U)] == ["reply"]
    assert list(_statuses(db)) == [good["webhookEventId"]]


def test_json_nested_100k_deep_is_400_not_500(client, bot, db):
    deep = b'{"events": [{"webhookEventId": "01DEEP", "type": "message", "message": ' + b"[" * 100_000 \
        + b"]" * 100_000 + b"}]}"
    assert _post(client, deep).status_code == 400
    assert _statuses(db) == {}
    assert _post(client, json.dumps(ev.callback_body([])).encode()).status_code == 200  # still serving
