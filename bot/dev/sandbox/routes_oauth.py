"""LINE's channel access token endpoints: v2.1 (JWT assertion) and stateless (client id + secret).

Requests are checked against the vendored channel-access-token.yml (form fields) and, like LINE, the v2.1
assertion's signature (a public JWK registered under its kid), iss = sub = channel id, aud, exp at most
30 minutes ahead and token_exp at most 30 days. Issued tokens expire by `OAuthStore.clock`; with
SANDBOX_ISSUED_TOKENS_ONLY the API blueprints accept nothing else (an expired or unknown bearer is 401).
"""
from __future__ import annotations

import secrets
import threading
import time

from flask import Blueprint, current_app, jsonify, request

from .errors import ApiError
from .spec import load_spec, validator

oauth = Blueprint("line_oauth", __name__)
OAUTH_EXTENSION = "line_sandbox_oauth"
SPEC = "channel-access-token"
STATELESS_TTL_S = 900
MAX_TOKEN_EXP_S = 30 * 24 * 3600
MAX_ASSERTION_S = 30 * 60


class OAuthError(ApiError):
    """LINE's OAuth errors have their own shape: {"error": ..., "error_description": ...}."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(status, description)
        self.error, self.description = error, description

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


class OAuthStore:
    """Issued tokens and their expiry (seconds, by `clock`); `expire_all` plays time passing in tests."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self._lock = threading.Lock()
        self.tokens: dict[str, float] = {}
        self.issued: list[str] = []  # kinds, in order

    def issue(self, kind: str, ttl: int) -> str:
        token = f"sbx-{kind}-{secrets.token_urlsafe(24)}"
        with self._lock:
            self.tokens[token] = self.clock() + ttl
            self.issued.append(kind)
        return token

    def valid(self, token: str) -> bool | None:
        """True/False for a token issued here (live or expired), None for one it never issued."""
        expires = self.tokens.get(token)
        return None if expires is None else self.clock() < expires

    def expire_all(self) -> None:
        with self._lock:
            self.tokens = {t: 0.0 for t in self.tokens}

    def reset(self) -> None:
        with self._lock:
            self.tokens.clear()
            self.issued.clear()


def get_store(app=None) -> OAuthStore:
    app = app or current_app
    return app.extensions.setdefault(OAUTH_EXTENSION, OAuthStore())


def check_bearer(token: str) -> None:
    """The API guard's token check: issued tokens must be live; others only without ISSUED_TOKENS_ONLY."""
    state = get_store().valid(token)
    if state is False or (state is None and current_app.config.get("SANDBOX_ISSUED_TOKENS_ONLY")):
        raise ApiError(401, "Authentication failed. Confirm that the access token in the "
                            "authorization header is valid.")


def _form(schema: dict) -> dict:
    """The form fields, refused as LINE does when the spec's required ones are missing or unknown."""
    form = request.form.to_dict()
    if not request.mimetype == "application/x-www-form-urlencoded":
        raise OAuthError(400, "invalid_request", "content type must be application/x-www-form-urlencoded")
    missing = [k for k in schema.get("required", []) if not form.get(k)]
    if missing:
        raise OAuthError(400, "invalid_request", f"{missing[0]} must not be empty")
    return form


def _inline_schema(path: str) -> dict:
    body = load_spec(SPEC)["paths"][path]["post"]["requestBody"]
    return body["content"]["application/x-www-form-urlencoded"]["schema"]


@oauth.post("/oauth2/v3/token")
def stateless():
    form = _form({"required": ["grant_type"]})
    if "client_secret" in form or "client_id" in form:
        v = validator(SPEC, "IssueStatelessChannelTokenByClientSecretRequest")
        if not v.is_valid(form):
            raise OAuthError(400, "invalid_request", "client_id, client_secret and grant_type=client_credentials")
        cfg = current_app.config
        if (form["client_id"] != cfg.get("SANDBOX_CHANNEL_ID")
                or not secrets.compare_digest(form["client_secret"], cfg.get("SANDBOX_CHANNEL_SECRET") or "")):
            raise OAuthError(400, "invalid_client", "invalid client_id or client_secret")
    else:
        raise OAuthError(400, "invalid_request", "only the client-secret form is played by the sandbox")
    token = get_store().issue("stateless", STATELESS_TTL_S)
    return jsonify({"token_type": "Bearer", "access_token": token, "expires_in": STATELESS_TTL_S - 1})


@oauth.post("/oauth2/v2.1/token")
def v21():
    import jwt  # PyJWT[crypto]: sandbox only checks what LINE checks
    form = _form(_inline_schema("/oauth2/v2.1/token"))
    if form["grant_type"] != "client_credentials" or form["client_assertion_type"] != \
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
        raise OAuthError(400, "invalid_request", "grant_type or client_assertion_type is invalid")
    assertion = form["client_assertion"]
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise OAuthError(400, "invalid_request", "client_assertion is not a JWT") from None
    keys = current_app.config.get("SANDBOX_ASSERTION_KEYS") or {}
    public = keys.get(header.get("kid"))
    if public is None or header.get("alg") != "RS256":
        raise OAuthError(400, "invalid_client", "unknown kid or alg")
    channel_id = current_app.config.get("SANDBOX_CHANNEL_ID")
    now = get_store().clock()
    try:
        claims = jwt.decode(assertion, jwt.PyJWK.from_dict(public, algorithm="RS256").key, algorithms=["RS256"],
                            audience="https://api.line.me/", issuer=channel_id,
                            options={"require": ["exp", "iss", "sub", "aud"], "verify_exp": False})
    except jwt.PyJWTError as exc:
        raise OAuthError(400, "invalid_client", f"invalid client_assertion: {type(exc).__name__}") from None
    if claims.get("sub") != channel_id or not now < claims["exp"] <= now + MAX_ASSERTION_S:
        raise OAuthError(400, "invalid_client", "sub or exp of the client_assertion is invalid")
    ttl = int(claims.get("token_exp", MAX_TOKEN_EXP_S))
    if not 0 < ttl <= MAX_TOKEN_EXP_S:
        raise OAuthError(400, "invalid_request", "token_exp must be at most 30 days")
    token = get_store().issue("v2.1", ttl)
    return jsonify({"access_token": token, "token_type": "Bearer", "expires_in": ttl,
                    "key_id": secrets.token_urlsafe(16)})
