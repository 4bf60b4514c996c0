"""The sandbox's webhook endpoint API, as LINE plays it: GET/PUT /v2/bot/channel/webhook/endpoint and the test
call POST /v2/bot/channel/webhook/test, which really POSTs a signed callback with no events and reports the
answer in LINE's words. Driven through the gateway (the SDK's models) and checked against the vendored spec."""
from __future__ import annotations

import json
import threading

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bot.dev.sandbox import events as ev
from bot.dev.sandbox.app import create_sandbox_app
from bot.dev.sandbox.server import run_in_thread
from bot.dev.sandbox.state import SandboxState
from bot.dev.sandbox.validate import schema_errors
from bot.line.gateway import GatewayError, LineGateway

SECRET = "endpoint-test-secret"


class Receiver:
    """A webhook receiver on a thread: records what arrives and answers with `status`."""

    def __init__(self):
        self.status = 200
        self.seen: list[tuple[dict, bytes]] = []

        @Request.application
        def wsgi(request):
            self.seen.append((dict(request.headers), request.get_data()))
            return Response("{}", status=self.status, mimetype="application/json")
        self.server = make_server("127.0.0.1", 0, wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sandbox():
    app = create_sandbox_app(SandboxState(), channel_secret=SECRET)
    server = run_in_thread(app)
    yield app, server
    server.shutdown()


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def line(sandbox):
    app, server = sandbox
    app.config.update(SANDBOX_WEBHOOK_URL=None, SANDBOX_WEBHOOK_ACTIVE=True, SANDBOX_RESOLVE={})
    gw = LineGateway(server.url, "token", timeout=5.0)
    yield app, gw
    gw.close()


def test_get_returns_the_url_events_are_delivered_to(line):
    app, gw = line
    app.config["SANDBOX_WEBHOOK_URL"] = "https://bot.example.go.th/callback"
    assert gw.get_webhook_endpoint() == {"endpoint": "https://bot.example.go.th/callback", "active": True}
    app.config["SANDBOX_WEBHOOK_ACTIVE"] = False  # "Use webhook" switched off in the console
    assert gw.get_webhook_endpoint()["active"] is False


def test_no_url_set_reads_empty_and_inactive(line):
    _, gw = line
    assert gw.get_webhook_endpoint() == {"endpoint": "", "active": False}


def test_put_sets_the_url_and_events_then_go_there(line, sandbox, receiver):
    app, gw = line
    gw.set_webhook_endpoint(receiver.url + "/callback")
    assert gw.get_webhook_endpoint()["endpoint"] == receiver.url + "/callback"
    assert app.config["SANDBOX_WEBHOOK_URL"] == receiver.url + "/callback"  # what /_sandbox/webhook posts to
    resp = requests.post(sandbox[1].url + "/_sandbox/webhook", json={"type": "text", "userId": "U" + "1" * 32,
                                                                      "text": "ทดสอบ"}, timeout=5)
    assert resp.json()["status"] == 200 and len(receiver.seen) == 1


@pytest.mark.parametrize("url", ["http://bot.example.go.th/callback", "ftp://bot.example.go.th/callback",
                                 "not a url"])
def test_put_refuses_what_line_refuses(line, url):
    _, gw = line
    with pytest.raises(GatewayError) as err:
        gw.set_webhook_endpoint(url)
    assert err.value.status == 400 and err.value.kind == "invalid"


def test_put_without_endpoint_is_a_spec_error(sandbox):
    resp = requests.put(sandbox[1].url + "/v2/bot/channel/webhook/endpoint", json={"url": "https://x.example"},
                        headers={"Authorization": "Bearer t"}, timeout=5)
    assert resp.status_code == 400
    props = {d["property"] for d in resp.json()["details"]}
    assert props == {"endpoint", "url"}  # missing one, unknown the other


def test_the_api_needs_a_token(sandbox):
    resp = requests.get(sandbox[1].url + "/v2/bot/channel/webhook/endpoint", timeout=5)
    assert resp.status_code == 401


def test_the_test_call_posts_a_signed_callback_with_no_events(line, receiver):
    _, gw = line
    result = gw.test_webhook_endpoint(receiver.url + "/callback")
    assert result["success"] is True and result["statusCode"] == 200 and result["reason"] == "OK"
    (headers, body), = receiver.seen
    assert headers["X-Line-Signature"] == ev.sign(body, SECRET)
    payload = json.loads(body)
    assert payload["events"] == [] and payload["destination"].startswith("U")
    ev.validate_callback(payload)  # LINE's webhook.yml


def test_the_test_call_uses_the_url_set_when_none_is_given(line, receiver):
    _, gw = line
    gw.set_webhook_endpoint(receiver.url + "/callback")
    assert gw.test_webhook_endpoint()["success"] is True and len(receiver.seen) == 1


def test_the_test_call_without_any_url_is_refused(line):
    _, gw = line
    with pytest.raises(GatewayError) as err:
        gw.test_webhook_endpoint()
    assert err.value.status == 400


def test_an_error_status_is_reported_as_line_words_it(line, receiver):
    _, gw = line
    receiver.status = 400
    result = gw.test_webhook_endpoint(receiver.url + "/callback")
    assert result["success"] is False and result["statusCode"] == 400
    assert result["reason"] == "ERROR_STATUS_CODE" and "(400 Bad Request)" in result["detail"]


def test_a_closed_port_could_not_connect(line, receiver):
    _, gw = line
    receiver.close()  # nothing listens there any more
    result = gw.test_webhook_endpoint(receiver.url + "/callback")
    assert result["success"] is False and result["reason"] == "COULD_NOT_CONNECT" and result["statusCode"] == 0


def test_resolve_maps_the_public_https_name_to_the_local_server(line, receiver):
    app, gw = line
    app.config["SANDBOX_RESOLVE"] = {"bot.example.go.th": receiver.url}
    result = gw.test_webhook_endpoint("https://bot.example.go.th/callback")
    assert result["success"] is True
    (headers, _), = receiver.seen
    assert headers["Host"] == "bot.example.go.th"  # as nginx in front of gunicorn passes it on


def test_the_answer_matches_the_spec(sandbox, receiver):
    resp = requests.post(sandbox[1].url + "/v2/bot/channel/webhook/test", json={"endpoint": receiver.url + "/cb"},
                         headers={"Authorization": "Bearer t"}, timeout=5)
    assert resp.status_code == 200
    assert schema_errors("TestWebhookEndpointResponse", resp.json()) == []
    assert resp.json()["timestamp"].endswith("Z")
