"""POST /callback as LINE calls it: signature, size, shape, dedupe, redelivery, standby, recovery, fallback."""
from __future__ import annotations

import json

from sqlmodel import select

from bot.dev.sandbox import events as ev
from models.core import InboxEvent
from tests.conftest import post_signed, texts_to

U = "U" + "a" * 32


def inbox_rows(db):
    with db() as s:
        return list(s.exec(select(InboxEvent)))


def test_bad_or_missing_signature_is_400_and_nothing_stored(client, db):
    body = json.dumps(ev.callback_body([ev.text_event(U, "สวัสดี")])).encode()
    assert client.post("/callback", data=body).status_code == 400
    assert client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, "wrong")}).status_code == 400
    assert post_signed(client, body, secret="other-secret").status_code == 400
    assert inbox_rows(db) == []


def test_signature_header_in_any_case(client):
    body = json.dumps(ev.callback_body([])).encode()
    for header in ("x-line-signature", "X-LINE-SIGNATURE", "X-Line-Signature"):
        assert post_signed(client, body, header=header).status_code == 200


def test_oversized_body_is_413_and_nothing_stored(client, db):
    event = ev.text_event(U, "ก" * 10)
    body = ev.callback_body([event])
    body["padding"] = "x" * (1024 * 1024)
    assert post_signed(client, body).status_code == 413
    assert inbox_rows(db) == []


def test_malformed_or_foreign_bodies_are_400(client, db):
    for raw in (b"{not json", b"[1,2]", json.dumps({"destination": "x"}).encode(),
                json.dumps({"events": "nope"}).encode(), json.dumps({"events": [{"type": "message"}]}).encode(),
                "ข้อความ".encode("utf-16")):
        assert post_signed(client, raw).status_code == 400, raw
    assert inbox_rows(db) == []


def test_empty_events_is_verification_200(client):
    assert post_signed(client, ev.callback_body([])).status_code == 200


def test_text_gets_a_thai_reply_through_the_reply_api(send, line):
    assert send("text", U, "อะไรก็ได้").status_code == 200
    deliveries = line.deliveries_for(U)
    assert [d.kind for d in deliveries] == ["reply"]
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in texts_to(line, U)[0])  # Thai text


def test_duplicate_and_redelivered_events_are_handled_once(send, line, db):
    event = ev.text_event(U, "สวัสดี")
    send(event)
    send(event)
    redelivery = dict(event, deliveryContext={"isRedelivery": True})
    send(redelivery)
    assert len(line.deliveries_for(U)) == 1
    assert len(inbox_rows(db)) == 1


def test_standby_and_unknown_event_types_are_stored_not_answered(send, line, db):
    standby = dict(ev.text_event(U, "สวัสดี"), mode="standby")
    send(standby)
    beacon = dict(ev.follow_event(U), type="beacon", beacon={"hwid": "d41d8cd98f", "type": "enter"})
    beacon["replyToken"] = "f" * 32
    send(beacon)
    assert line.deliveries_for(U) == []
    statuses = sorted(r.status for r in inbox_rows(db))
    assert statuses == ["done", "ignored"]


def test_event_stored_but_not_handled_is_handled_after_restart(app, config, clock, line, db):
    from bot import create_app
    from bot.pipeline.inbox import store_events

    event = ev.text_event(U, "สวัสดี", timestamp_ms=clock.ms())
    line.issue_reply_token(U, event["replyToken"])
    # The web process stored the event, answered 200, and was killed before handling it.
    store_events(app.extensions["bot"].engine, [event])
    assert line.deliveries_for(U) == []
    restarted = create_app(config, clock=clock, recover_every_s=None)
    try:
        clock.advance(seconds=60)  # the restart takes a while
        assert restarted.extensions["bot"].dispatcher.recover() == 1
        assert restarted.extensions["bot"].dispatcher.recover() == 0  # not twice
    finally:
        restarted.extensions["bot"].close()
    deliveries = line.deliveries_for(U)
    assert [d.kind for d in deliveries] == ["push"]  # the token was too old by then
    assert [r.status for r in inbox_rows(db)] == ["done"]


def test_old_reply_token_falls_back_to_push(send, line, clock):
    send("text", U, "สวัสดี", timestamp_ms=clock.ms() - 55_000)
    assert [d.kind for d in line.deliveries_for(U)] == ["push"]


def test_rejected_reply_token_falls_back_to_push(send, line):
    event = ev.text_event(U, "สวัสดี")
    send(dict(event, replyToken="0" * 32), issue_token=False)  # a token LINE never issued
    assert [d.kind for d in line.deliveries_for(U)] == ["push"]


def test_handler_crash_gets_an_apology_not_silence(bot, send, line, db):
    def boom(ctx):
        raise RuntimeError("bug")
    bot.router.text("พัง", boom)
    send("text", U, "พัง")
    assert len(texts_to(line, U)) == 1
    assert [r.status for r in inbox_rows(db)] == ["failed"]


def test_sticker_and_location_get_a_hint(send, line):
    send(ev.sticker_event(U))
    send(ev.location_event(U))
    replies = texts_to(line, U)
    assert len(replies) == 2 and all(replies)


def test_slow_line_api_does_not_hold_the_answer(send, line, bot):
    line.set_faults(latency_ms=1500)
    resp = send("text", U, "สวัสดี", wait=False)
    assert resp.status_code == 200
    assert line.deliveries_for(U) == []  # the 200 came back before the reply call finished
    assert bot.dispatcher.wait_idle(10)
    line.set_faults()
    assert len(line.deliveries_for(U)) == 1


def test_database_away_is_503_so_line_redelivers(client, bot, monkeypatch, db, line):
    from sqlalchemy.exc import OperationalError

    import bot.web.webhook as webhook

    def away(engine, events):
        raise OperationalError("INSERT", {}, Exception("connection refused"))
    monkeypatch.setattr(webhook, "store_events", away)
    event = ev.text_event(U, "สวัสดี")
    resp = post_signed(client, ev.callback_body([event]))
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"
    monkeypatch.undo()  # the database is back; LINE redelivers the same event
    line.issue_reply_token(U, event["replyToken"])
    assert post_signed(client, ev.callback_body([dict(event, deliveryContext={"isRedelivery": True})])).status_code == 200
    assert bot.dispatcher.wait_idle(10)
    assert len(line.deliveries_for(U)) == 1 and len(inbox_rows(db)) == 1


def test_each_replys_line_request_id_is_logged(send, line, caplog):
    """Replies log their request ids one line per batch, not one per call; none may go missing."""
    import logging
    caplog.set_level(logging.INFO)
    others = [f"U{'e' * 31}{k}" for k in range(3)]
    for user in [U, *others]:
        send("text", user, "สวัสดี")
    ids = [d.request_id for user in [U, *others] for d in line.deliveries_for(user)]
    assert len(ids) == 4 and all(rid and rid in caplog.text for rid in ids)
    assert "test-token" not in caplog.text
