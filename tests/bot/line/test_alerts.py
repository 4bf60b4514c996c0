"""Operators hear of dead letters and a short quota outside LINE: a webhook (JSON) and/or e-mail (SMTP)."""
from __future__ import annotations

import json
import logging
import socketserver
import threading
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.line import outbox
from bot.services import alerts

U = "U" + "a" * 32


class _Hook(BaseHTTPRequestHandler):
    got: list[dict] = []

    def do_POST(self):
        type(self).got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to take one message (no TLS, no auth)."""
    mails: list[bytes] = []

    def handle(self):
        self.wfile.write(b"220 sandbox ESMTP\r\n")
        while line := self.rfile.readline():
            cmd = line.strip().upper()
            if cmd.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 sandbox\r\n")
            elif cmd == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                type(self).mails.append(data)
                self.wfile.write(b"250 queued\r\n")
            elif cmd == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture()
def channels():
    _Hook.got, _Smtp.mails = [], []
    hook = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    for srv in (hook, smtp):
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    alerter = alerts.configure(alerts.AlertSettings(
        webhook_url=f"http://127.0.0.1:{hook.server_port}/hook", smtp_host="127.0.0.1",
        smtp_port=smtp.server_address[1], smtp_starttls=False, mail_from="bot@example.go.th",
        mail_to=("it@example.go.th",)))
    yield alerter
    alerts.configure(alerts.AlertSettings())
    for srv in (hook, smtp):
        srv.shutdown()
        srv.server_close()


def test_a_dead_letter_is_a_warning_and_one_alert_by_webhook_and_email(bot, db, line, channels, caplog):
    caplog.set_level(logging.INFO, logger="bot.line.outbox")
    with db() as s:
        for i in range(3):  # over LINE's 5,000 characters: refused, never retried
            outbox.enqueue(s, f"too-long-{i}", U, [{"type": "text", "text": "ก" * 5001}])
        outbox.enqueue(s, "fine", U, [{"type": "text", "text": "สวัสดี"}])
    assert outbox.send_due(bot.engine, bot.gateway) == {"sent": 1, "retry": 0, "dead": 3}
    assert channels.flush(10)
    dead = [r for r in caplog.records if " dead " in r.getMessage()]
    sent = [r for r in caplog.records if " sent " in r.getMessage()]
    assert len(dead) == 3 and {r.levelno for r in dead} == {logging.WARNING} and "400" in dead[0].getMessage()
    assert {r.levelno for r in sent} == {logging.INFO}
    assert len(_Hook.got) == 1 and _Hook.got[0]["kind"] == "dead_letter" and _Hook.got[0]["fields"]["count"] == 3
    assert "ส่งข้อความไม่สำเร็จ 3 รายการ" in _Hook.got[0]["subject"] and "400" in _Hook.got[0]["text"]
    assert U not in json.dumps(_Hook.got) and "ก" * 20 not in json.dumps(_Hook.got, ensure_ascii=False)
    mail = message_from_bytes(_Smtp.mails[0], policy=email_policy)
    assert mail["To"] == "it@example.go.th" and "ส่งข้อความไม่สำเร็จ" in mail["Subject"]
    assert "too-long-0" in mail.get_content()


def test_the_same_alert_is_sent_once_an_hour_and_nothing_without_a_channel(channels):
    assert channels.send("quota", "s", "t", key="quota:2569-12-01")
    assert not channels.send("quota", "s", "t", key="quota:2569-12-01")
    assert channels.flush(10) and len(_Hook.got) == 1
    assert not alerts.Alerter(alerts.AlertSettings()).send("quota", "s", "t")


def test_quota_refusal_alerts_outside_line(bot, db, line, channels):
    from datetime import datetime, timezone
    from scheduler import quota
    with db() as s:
        assert not quota.allow(s, quota.Reading(limit=500, used=450), 200, datetime.now(timezone.utc), "campaign 7")
    assert channels.flush(10)
    assert [a["kind"] for a in _Hook.got] == ["quota"] and _Hook.got[0]["fields"]["remaining"] == 50
