"""Tokens that expire (v2.1 from a signed JWT, stateless from id + secret) and the outbound proxy, against a
sandbox that issues tokens and accepts nothing else."""
from __future__ import annotations

import http.client
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import jwt
import pytest
import urllib3
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.config import Config, ConfigError
from bot.dev.sandbox.app import create_sandbox_app
from bot.dev.sandbox.routes_oauth import get_store
from bot.dev.sandbox.server import run_in_thread
from bot.dev.sandbox.spec import validator
from bot.dev.sandbox.state import SandboxState
from bot.line import tokens
from bot.line.gateway import GatewayError, LineGateway

CHANNEL_ID, SECRET, KID = "2000000001", "sandbox-secret-for-tokens", "kid-demo-1"
U = "U" + "e" * 32
TEXT = [{"type": "text", "text": "ทดสอบ"}]


def _jwk_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return private, public


PRIVATE, PUBLIC = _jwk_pair()


@pytest.fixture(scope="module")
def platform():
    state = SandboxState()
    app = create_sandbox_app(state, channel_secret=SECRET)
    app.config.update(SANDBOX_CHANNEL_ID=CHANNEL_ID, SANDBOX_ASSERTION_KEYS={KID: PUBLIC},
                      SANDBOX_ISSUED_TOKENS_ONLY=True)
    server = run_in_thread(app)
    yield server, state, get_store(app)
    server.shutdown()


@pytest.fixture()
def sandbox(platform):
    server, state, store = platform
    state.reset()
    store.reset()
    return server.url, state, store


def _config(url, tmp_path, **kw) -> Config:
    key = tmp_path / "assertion-private.json"
    key.write_text(json.dumps({**PRIVATE, "kid": KID}))
    base = dict(LINE_API_BASE=url, LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ID=CHANNEL_ID,
                LINE_ASSERTION_KEY=str(key), APP_ENV="test", LINE_TIMEOUT_S=2.0)
    return Config(**{**base, **kw})


@pytest.mark.parametrize("kind", ["stateless", "v2.1"])
def test_issued_token_is_used_shared_and_renewed_after_a_401(sandbox, tmp_path, kind, caplog):
    url, line, store = sandbox
    caplog.set_level(logging.DEBUG)
    gw = LineGateway.from_config(_config(url, tmp_path, LINE_TOKEN_KIND=kind))
    try:
        gw.push(U, TEXT, "123e4567-e89b-12d3-a456-426614174100")
        gw.push(U, TEXT, "123e4567-e89b-12d3-a456-426614174101")
        assert store.issued == [kind]  # one token for both calls
        store.expire_all()  # LINE no longer takes it: the next call gets 401, renews, goes through
        gw.push(U, TEXT, "123e4567-e89b-12d3-a456-426614174102")
        assert store.issued == [kind, kind]
        assert line.count_deliveries(U) == 3
    finally:
        gw.close()
    for token in store.tokens:
        assert token not in caplog.text
    assert SECRET not in caplog.text and PRIVATE["d"] not in caplog.text


def test_the_long_lived_token_is_refused_by_a_platform_that_wants_issued_ones(sandbox, tmp_path):
    url, line, _ = sandbox
    gw = LineGateway.from_config(_config(url, tmp_path, LINE_CHANNEL_ACCESS_TOKEN="from-the-console"))
    try:
        with pytest.raises(GatewayError) as err:
            gw.push(U, TEXT, "123e4567-e89b-12d3-a456-426614174103")
        assert err.value.status == 401 and err.value.kind == "invalid"  # nothing to renew: not retried forever
    finally:
        gw.close()
    assert line.count_deliveries(U) == 0


def test_a_token_is_renewed_before_it_expires_without_waiting_for_a_401(sandbox):
    url, line, store = sandbox
    now = [1_000_000.0]
    source = tokens.StatelessToken(url, CHANNEL_ID, SECRET, clock=lambda: now[0])
    first = source.token()
    now[0] += 899 * 0.5
    assert source.token() == first
    now[0] += 899 * 0.35  # past 80 % of its life
    second = source.token()
    assert second != first and store.issued == ["stateless", "stateless"]
    source.close()


def test_threads_starting_together_issue_one_token(sandbox):
    url, _, store = sandbox
    source = tokens.StatelessToken(url, CHANNEL_ID, SECRET)
    got, start = [], threading.Barrier(8)

    def worker():
        start.wait()
        got.append(source.token())
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(got)) == 1 and store.issued == ["stateless"]
    source.close()


def test_wrong_secret_or_unregistered_key_is_a_retryable_error_naming_the_refusal(sandbox, tmp_path):
    url, line, _ = sandbox
    other_private, _ = _jwk_pair()
    key = tmp_path / "other.json"
    key.write_text(json.dumps({**other_private, "kid": KID}))
    for cfg in (_config(url, tmp_path, LINE_TOKEN_KIND="stateless", LINE_CHANNEL_SECRET="wrong"),
                _config(url, tmp_path, LINE_TOKEN_KIND="v2.1", LINE_ASSERTION_KEY=str(key))):
        gw = LineGateway.from_config(cfg)
        try:
            with pytest.raises(GatewayError) as err:
                gw.push(U, TEXT, "123e4567-e89b-12d3-a456-426614174104")
        finally:
            gw.close()
        assert err.value.kind == "retry" and "invalid_client" in err.value.message
    assert line.count_deliveries(U) == 0


def test_sandbox_answers_match_lines_spec_and_refuse_bad_assertions(sandbox, tmp_path):
    url, _, _ = sandbox
    http = urllib3.PoolManager()
    src = tokens.V21Token(url, CHANNEL_ID, {**PRIVATE, "kid": KID})
    path, form = src._request()
    ok = http.request("POST", url + path, fields=form, encode_multipart=False)
    assert ok.status == 200
    assert validator("channel-access-token", "IssueChannelAccessTokenResponse").is_valid(json.loads(ok.data))
    ok = http.request("POST", url + "/oauth2/v3/token", encode_multipart=False,
                      fields={"grant_type": "client_credentials", "client_id": CHANNEL_ID, "client_secret": SECRET})
    assert validator("channel-access-token", "IssueStatelessChannelAccessTokenResponse").is_valid(json.loads(ok.data))
    too_long = tokens.V21Token(url, CHANNEL_ID, {**PRIVATE, "kid": KID}, lifetime_s=31 * 24 * 3600)
    bad = http.request("POST", url + path, fields=too_long._request()[1], encode_multipart=False)
    assert bad.status == 400 and json.loads(bad.data)["error"] == "invalid_request"
    missing = http.request("POST", url + path, fields={"grant_type": "client_credentials"}, encode_multipart=False)
    assert missing.status == 400


def test_production_names_what_the_token_kind_still_needs(tmp_path):
    base = dict(LINE_CHANNEL_SECRET=SECRET, APP_ENV="production", PUBLIC_BASE_URL="https://bot.example.go.th")
    with pytest.raises(ConfigError, match="LINE_ASSERTION_KEY"):
        Config(**base, LINE_TOKEN_KIND="v2.1", LINE_CHANNEL_ID=CHANNEL_ID).validate()
    with pytest.raises(ConfigError, match="LINE_CHANNEL_ID"):
        Config.from_env({**base, "LINE_TOKEN_KIND": "Stateless"}).validate()
    with pytest.raises(ConfigError, match="LINE_TOKEN_KIND"):
        Config(**base, LINE_TOKEN_KIND="forever").validate()
    Config(**base, LINE_TOKEN_KIND="stateless", LINE_CHANNEL_ID=CHANNEL_ID).validate()  # no console token needed


# -- outbound proxy ------------------------------------------------------------------------------------

class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy for http:// targets (absolute URIs), recording what went through it."""
    seen: list[str] = []

    def _forward(self):
        target = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        conn.request(self.command, target.path + (f"?{target.query}" if target.query else ""), body, headers)
        resp = conn.getresponse()
        data = resp.read()
        type(self).seen.append(f"{self.command} {target.path}")
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_DELETE = _forward

    def log_message(self, *args):
        pass


def test_every_call_to_line_goes_through_the_configured_proxy(sandbox, tmp_path):
    url, line, store = sandbox
    _Proxy.seen = []
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        cfg = _config(url, tmp_path, LINE_TOKEN_KIND="stateless", LINE_PROXY=f"http://127.0.0.1:{proxy.server_port}")
        gw = LineGateway.from_config(cfg)
        assert isinstance(gw._api_client.rest_client.pool_manager, urllib3.ProxyManager)
        gw.push(U, TEXT, "123e4567-e89b-12d3-a456-426614174105")
        gw.close()
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert _Proxy.seen == ["POST /oauth2/v3/token", "POST /v2/bot/message/push"]
    assert line.count_deliveries(U) == 1


def test_https_proxy_is_taken_for_lines_https_host_only(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.go.th:3128")
    assert Config.from_env({"LINE_API_BASE": "https://api.line.me"}).line_proxy() == "http://proxy.example.go.th:3128"
    assert Config.from_env({"LINE_API_BASE": "http://127.0.0.1:9000"}).line_proxy() is None
    assert Config(LINE_PROXY="http://other:8080").line_proxy() == "http://other:8080"
