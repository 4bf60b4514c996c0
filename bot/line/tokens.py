"""Channel access tokens: the one the console shows (long-lived), or ones this process issues itself.

LINE recommends tokens that expire: v2.1 (a JWT assertion signed with the channel's assertion private key →
POST /oauth2/v2.1/token, a lifetime we choose up to 30 days) and stateless ones (channel id + secret →
POST /oauth2/v3/token, 15 minutes, cannot be revoked and have no count limit). An issued token is shared by
every thread of the process, renewed when 80 % of its life has passed, and renewed at once when LINE answers
401 (`invalidate`). A token or a secret is never logged; the log names the kind and LINE's key id only.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import urllib3

log = logging.getLogger("bot.line.tokens")
KINDS = ("long_lived", "v2.1", "stateless")
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_AUDIENCE = "https://api.line.me/"
# v2.1: a day. At most 30 v2.1 tokens may be live per channel; a day's lifetime keeps restarts under that
# (each process issues its own), and a leaked token is useless tomorrow.
V21_LIFETIME_S = 24 * 3600
RENEW_AT = 0.8  # share of the lifetime after which the next call issues a fresh token


class TokenError(RuntimeError):
    """LINE refused to issue a token (bad key, channel id or secret) or could not be reached."""


class StaticToken:
    """The long-lived token from the LINE Developers console: nothing to renew."""
    renewable = False
    kind = "long_lived"

    def __init__(self, token: str):
        self._token = token

    def token(self) -> str:
        return self._token

    def invalidate(self, used: str) -> bool:
        return False


class IssuedToken:
    """A token issued by LINE's OAuth endpoint and renewed before it expires (thread-safe)."""
    renewable = True
    kind = ""

    def __init__(self, api_base: str, *, timeout: float = 5.0, proxy: str | None = None, clock=time.time):
        self.api_base = api_base.rstrip("/")
        self.timeout = urllib3.Timeout(connect=min(3.0, timeout), read=timeout)
        self._http = urllib3.ProxyManager(proxy) if proxy else urllib3.PoolManager()
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self.issued = 0  # how many tokens this process asked for (tests, metrics)

    def _request(self) -> tuple[str, dict]:
        """(path, form fields) of the issue call."""
        raise NotImplementedError

    def token(self) -> str:
        token = self._token
        if token is not None and self._clock() < self._renew_at:
            return token
        with self._lock:  # one thread issues; the others wait and take its token
            if self._token is None or self._clock() >= self._renew_at:
                self._issue()
            return self._token

    def invalidate(self, used: str) -> bool:
        """LINE said 401 to `used`: issue a new one unless another thread already has. True if renewed."""
        with self._lock:
            if self._token != used:
                return self._token is not None
            self._issue()
            return True

    def _issue(self) -> None:
        path, form = self._request()
        started = self._clock()
        try:
            resp = self._http.request("POST", self.api_base + path, body=urlencode(form),
                                      headers={"Content-Type": "application/x-www-form-urlencoded"},
                                      timeout=self.timeout, retries=False)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("token %s: LINE not reached (%s)", self.kind, type(exc).__name__)
            raise TokenError(f"LINE token endpoint not reached: {type(exc).__name__}") from exc
        try:
            body = json.loads(resp.data or b"{}")
        except ValueError:
            body = {}
        if resp.status != 200 or not body.get("access_token"):
            reason = ": ".join(str(body[k]) for k in ("error", "error_description", "message") if body.get(k))
            log.warning("token %s refused: status=%s %s", self.kind, resp.status, str(reason)[:200])
            raise TokenError(f"LINE refused to issue a {self.kind} token ({resp.status}): {str(reason)[:200]}")
        lifetime = float(body.get("expires_in") or 0)
        self._token = body["access_token"]
        self._renew_at = started + lifetime * RENEW_AT
        self.issued += 1
        log.info("token %s issued: expires_in=%ds key_id=%s", self.kind, lifetime, body.get("key_id") or "-")

    def close(self) -> None:
        self._http.clear()


class StatelessToken(IssuedToken):
    kind = "stateless"

    def __init__(self, api_base: str, channel_id: str, channel_secret: str, **kw):
        super().__init__(api_base, **kw)
        self._form = {"grant_type": "client_credentials", "client_id": channel_id, "client_secret": channel_secret}

    def _request(self):
        return "/oauth2/v3/token", self._form


class V21Token(IssuedToken):
    kind = "v2.1"

    def __init__(self, api_base: str, channel_id: str, private_jwk: dict, kid: str | None = None,
                 lifetime_s: int = V21_LIFETIME_S, **kw):
        import jwt  # PyJWT[crypto]
        super().__init__(api_base, **kw)
        self.channel_id, self.lifetime_s = channel_id, lifetime_s
        self.kid = kid or private_jwk.get("kid")
        if not self.kid:
            raise TokenError("the assertion key has no kid: set LINE_ASSERTION_KID to the kid LINE gave the public key")
        self._key = jwt.PyJWK.from_dict({k: v for k, v in private_jwk.items() if k != "kid"}, algorithm="RS256")

    def assertion(self) -> str:
        import jwt
        now = int(self._clock())
        claims = {"iss": self.channel_id, "sub": self.channel_id, "aud": ASSERTION_AUDIENCE,
                  "exp": now + 30 * 60, "token_exp": self.lifetime_s, "jti": uuid.uuid4().hex}
        return jwt.encode(claims, self._key.key, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT"})

    def _request(self):
        return "/oauth2/v2.1/token", {"grant_type": "client_credentials", "client_assertion_type": JWT_BEARER,
                                      "client_assertion": self.assertion()}


def load_jwk(path: str) -> dict:
    """The private key LINE's assertion-key tool (or any JWK generator) wrote, as a dict."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TokenError(f"LINE_ASSERTION_KEY: cannot read a JSON private key from {path} ({type(exc).__name__})") \
            from exc
    if not isinstance(data, dict) or data.get("kty") != "RSA" or "d" not in data:
        raise TokenError(f"LINE_ASSERTION_KEY: {path} is not an RSA private key in JWK form")
    return data


def from_config(config, api_base: str, proxy: str | None) -> StaticToken | IssuedToken:
    """The token source the settings ask for (LINE_TOKEN_KIND)."""
    kind = config.LINE_TOKEN_KIND
    kw = dict(timeout=config.LINE_TIMEOUT_S, proxy=proxy)
    if kind == "stateless":
        return StatelessToken(api_base, config.LINE_CHANNEL_ID, config.LINE_CHANNEL_SECRET, **kw)
    if kind == "v2.1":
        return V21Token(api_base, config.LINE_CHANNEL_ID, load_jwk(config.LINE_ASSERTION_KEY),
                        config.LINE_ASSERTION_KID or None, **kw)
    return StaticToken(config.LINE_CHANNEL_ACCESS_TOKEN or "sandbox")
