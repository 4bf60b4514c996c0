"""/metrics: absent without METRICS_TOKEN, refused without the bearer, Prometheus text with the operator's numbers."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import create_app
from bot.line import outbox
from tests.conftest import post_signed
from bot.dev.sandbox import events as ev

U = "U" + "d" * 32


@pytest.fixture()
def metrics_app(config, clock):
    config.METRICS_TOKEN = "scrape-secret-demo"
    app = create_app(config, clock=clock, recover_every_s=None)
    yield app
    app.extensions["bot"].close()


def _samples(resp) -> dict:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(resp.get_data(as_text=True)) for s in fam.samples}


def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_bearer_token_and_report_webhooks_outbox_and_worker(metrics_app, line):
    client = metrics_app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    state = metrics_app.extensions["bot"]
    line.issue_reply_token(U, "rt-metrics-1")
    assert post_signed(client, ev.callback_body([ev.text_event(U, "สวัสดี", reply_token="rt-metrics-1")])).status_code == 200
    assert post_signed(client, b"{}", secret="wrong").status_code in (400, 401, 403)
    assert state.dispatcher.wait_idle(10)
    from models.db import session_scope
    with session_scope(state.engine) as s:
        outbox.enqueue(s, "m1", U, [{"type": "text", "text": "x"}])
    resp = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-demo"})
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    got = _samples(resp)
    assert got[("bot_webhook_requests_total", (("status", "200"),))] == 1
    assert sum(v for (name, labels), v in got.items() if name == "bot_webhook_requests_total") == 2
    assert got[("bot_outbox_rows", (("status", "pending"),))] == 1
    assert got[("bot_outbox_rows", (("status", "dead"),))] == 0
    assert got[("bot_worker_heartbeat_age_seconds", ())] == -1  # no worker ever beat
    assert got[("bot_inbox_lag_seconds", ())] == 0
    assert U not in resp.get_data(as_text=True)
