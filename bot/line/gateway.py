"""The LINE gateway: the only code that talks to LINE (or the sandbox standing in for it).

Messages come in as plain dicts. Reply, push and multicast send them as JSON through line-bot-sdk's ApiClient
(same auth, pool, timeouts and errors as its MessagingApi) without the round trip through its pydantic models:
that round trip was a fifth of the CPU per webhook event (BENCHMARKS.md "Webhook"). What we send is checked
against LINE's OpenAPI spec by the sandbox in every test instead. Other calls use the SDK's models. Errors are mapped to
GatewayError kinds the outbox acts on: `retry` (429, 5xx, timeouts), `conflict` (409 on a retry key: already
sent), `invalid` (other 4xx: never retried). Each call logs LINE's request id; the access token is never logged.
The token comes from a token source (bot/line/tokens.py): fixed, or issued and renewed before it expires; a 401
renews an issued one and the call is made once more. `proxy` (LINE_PROXY / HTTPS_PROXY) carries every call.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import urllib3
from linebot.v3.messaging import (
    ApiClient, ApiException, Configuration, CreateRichMenuAliasRequest, MessagingApi, MessagingApiBlob,
    RichMenuRequest, UpdateRichMenuAliasRequest,
)

from bot.config import REAL_LINE_API
from bot.line import tokens as line_tokens
from messages_th.limits import MULTICAST_MAX

log = logging.getLogger("bot.gateway")
REAL_LINE_DATA_API = "https://api-data.line.me"  # LINE serves content and rich-menu images from here
BULK_MAX = 500  # users per rich-menu bulk link/unlink call (LINE's limit)


class GatewayError(Exception):
    def __init__(self, kind: str, status: int | None, message: str, *, request_id: str | None = None,
                 accepted_request_id: str | None = None, retry_after: float | None = None,
                 unanswered: bool = False):
        super().__init__(f"{kind} ({status}): {message}")
        self.kind, self.status, self.message = kind, status, message
        self.request_id, self.accepted_request_id, self.retry_after = request_id, accepted_request_id, retry_after
        # The request may have reached LINE and been carried out, but no answer came back (read timeout,
        # connection dropped): a reply must not simply be repeated as a push (bot/pipeline/replies.py).
        self.unanswered = unanswered


@dataclass
class Sent:
    request_id: str | None
    body: object = None


def _header(headers, name: str) -> str | None:
    """`name` (lower case) from response headers of any case. urllib3's are case-insensitive already."""
    if not headers:
        return None
    value = headers.get(name)
    if value is not None:
        return value
    for k, v in dict(headers).items():
        if k.lower() == name:
            return v
    return None


def _map_error(exc: Exception, what: str) -> GatewayError:
    if isinstance(exc, ApiException):
        status = exc.status or 0
        rid = _header(exc.headers, "x-line-request-id")
        body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, (bytes, bytearray)) else str(exc.body)
        try:
            message = json.loads(body).get("message", body)
        except (ValueError, AttributeError):
            message = body or str(exc.reason)
        if status == 409:
            kind = "conflict"
        elif status == 429 or status >= 500:
            kind = "retry"
        else:
            kind = "invalid"
        retry_after = _header(exc.headers, "retry-after")
        log.warning("LINE %s failed: status=%s request_id=%s message=%s", what, status, rid, message[:200])
        return GatewayError(kind, status, message[:500], request_id=rid,
                            accepted_request_id=_header(exc.headers, "x-line-accepted-request-id"),
                            retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None)
    # urllib3 timeouts and connection errors: the request may or may not have arrived; retry with the same key.
    log.warning("LINE %s failed: %s", what, type(exc).__name__)
    return GatewayError("retry", None, f"{type(exc).__name__}: {exc}"[:500], unanswered=not _not_connected(exc))


def _not_connected(exc: Exception) -> bool:
    """True when the request surely never reached LINE (no connection was made)."""
    reason = getattr(exc, "reason", None) if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    return isinstance(reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError))


class _TokenConfiguration(Configuration):
    """The SDK's configuration, its bearer read from the token source at every call (renewed tokens apply
    to calls already queued on the pool, with no lock around the call itself)."""
    token_source = None

    def auth_settings(self):
        return {"Bearer": {"type": "bearer", "in": "header", "key": "Authorization",
                           "value": "Bearer " + self.token_source.token()}}


class LineGateway:
    def __init__(self, api_base: str, access_token: str | object, timeout: float = 5.0, *,
                 proxy: str | None = None):
        """access_token: the token itself, or a token source (bot/line/tokens.py) with token()/invalidate()."""
        api_base = api_base.rstrip("/")
        data_base = REAL_LINE_DATA_API if api_base == REAL_LINE_API else api_base
        self.timeout = (min(3.0, timeout), timeout)  # (connect, read)
        self.tokens = (line_tokens.StaticToken(access_token) if isinstance(access_token, str) else access_token)
        self.proxy = proxy or None
        self._api_client = self._client(api_base)
        self._blob_client = self._client(data_base)
        self.api = MessagingApi(self._api_client)
        self.blob = MessagingApiBlob(self._blob_client)

    @classmethod
    def from_config(cls, config) -> "LineGateway":
        """The gateway the settings describe: token kind (LINE_TOKEN_KIND), proxy, timeout."""
        from bot.services import alerts
        # both processes build their gateway here: the one place that also sets up their non-LINE alert channel
        alerts.configure(config.alert_settings())
        proxy = config.line_proxy()
        source = line_tokens.from_config(config, config.LINE_API_BASE, proxy)
        return cls(config.LINE_API_BASE, source, timeout=config.LINE_TIMEOUT_S, proxy=proxy)

    def _client(self, host: str) -> ApiClient:
        client = ApiClient(self._config(host, self.tokens, self.proxy))
        # the SDK fixes "Authorization" at construction; ours is added per call (auth_settings) instead
        client.default_headers.pop("Authorization", None)
        return client

    @staticmethod
    def _config(host: str, tokens, proxy: str | None = None) -> Configuration:
        cfg = _TokenConfiguration(host=host, access_token="")
        cfg.token_source = tokens
        cfg.retries = 0  # retrying is the outbox's job, with the same retry key
        cfg.connection_pool_maxsize = 32
        if proxy:
            cfg.proxy = proxy  # the SDK builds a urllib3 ProxyManager (it ignores HTTPS_PROXY by itself)
        return cfg

    def _authorized(self, fn, *args, **kw):
        """fn(*args, **kw); on a 401 with an issued token, renew it (once per process) and call again once."""
        used = self.tokens.token()
        try:
            return fn(*args, **kw)
        except ApiException as exc:
            if exc.status != 401 or not self.tokens.renewable:
                raise
            log.warning("LINE said 401: renewing the %s token", self.tokens.kind)
            self.tokens.invalidate(used)
        return fn(*args, **kw)

    def _call(self, what: str, fn, *args, _quiet: bool = False, **kw) -> Sent:
        """_quiet: the caller logs the request id itself (replies: one line per batch, see bot/pipeline/replies.py)."""
        try:
            resp = self._authorized(fn, *args, _request_timeout=self.timeout, **kw)
        except line_tokens.TokenError as exc:  # no token to send with: like LINE down, retried by the outbox
            raise GatewayError("retry", None, str(exc)[:500]) from exc
        except (ApiException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise _map_error(exc, what) from exc
        rid = _header(resp.headers, "x-line-request-id")
        if not _quiet:
            log.info("LINE %s ok request_id=%s", what, rid)
        return Sent(rid, resp.data)

    def _post_json(self, what: str, path: str, body: dict, retry_key: str | None = None, quiet: bool = False) -> Sent:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if retry_key:
            headers["X-Line-Retry-Key"] = retry_key
        # response_types_map={}: the body (sent message ids) is not used, so it is not turned into models.
        return self._call(what, self._api_client.call_api, path, "POST", header_params=headers, body=body,
                          auth_settings=["Bearer"], response_types_map={}, _quiet=quiet)

    # -- messages ---------------------------------------------------------------------------------
    def reply(self, reply_token: str, messages: list[dict], quiet: bool = False) -> Sent:
        """quiet: do not log the request id here; the caller does (it must: every request id is logged)."""
        return self._post_json("reply", "/v2/bot/message/reply", {"replyToken": reply_token, "messages": messages},
                               quiet=quiet)

    def push(self, to: str, messages: list[dict], retry_key: str) -> Sent:
        return self._post_json("push", "/v2/bot/message/push", {"to": to, "messages": messages}, retry_key)

    def multicast(self, to: list[str], messages: list[dict], retry_key: str) -> Sent:
        if not 1 <= len(to) <= MULTICAST_MAX:
            raise ValueError(f"multicast needs 1..{MULTICAST_MAX} recipients, got {len(to)}")
        return self._post_json("multicast", "/v2/bot/message/multicast", {"to": to, "messages": messages}, retry_key)

    # -- users and content --------------------------------------------------------------------------
    def get_profile(self, user_id: str) -> dict:
        sent = self._call("profile", self.api.get_profile_with_http_info, user_id)
        return sent.body.to_dict() if hasattr(sent.body, "to_dict") else dict(sent.body or {})

    def get_content(self, message_id: str) -> tuple[bytes, str]:
        try:
            resp = self._authorized(self.blob.get_message_content_with_http_info,
                                    message_id, _request_timeout=self.timeout, _preload_content=False)
        except line_tokens.TokenError as exc:
            raise GatewayError("retry", None, str(exc)[:500]) from exc
        except (ApiException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise _map_error(exc, "content") from exc
        data = resp.raw_data if resp.raw_data is not None else resp.data
        ctype = _header(resp.headers, "content-type") or "application/octet-stream"
        return bytes(data or b""), ctype

    def get_bot_info(self) -> dict:
        """The account's own profile: `basicId` makes the add-friend link (https://line.me/R/ti/p/<basicId>)."""
        sent = self._call("botinfo", self.api.get_bot_info_with_http_info)
        return sent.body.to_dict() if hasattr(sent.body, "to_dict") else dict(sent.body or {})

    # -- quota ----------------------------------------------------------------------------------------
    def get_quota(self) -> dict:
        return self._call("quota", self.api.get_message_quota_with_http_info).body.to_dict()

    def get_consumption(self) -> dict:
        return self._call("consumption", self.api.get_message_quota_consumption_with_http_info).body.to_dict()

    # -- rich menus -------------------------------------------------------------------------------------
    def create_rich_menu(self, menu: dict) -> str:
        sent = self._call("richmenu.create", self.api.create_rich_menu_with_http_info, RichMenuRequest.from_dict(menu))
        return sent.body.rich_menu_id

    def upload_rich_menu_image(self, rich_menu_id: str, image: bytes, content_type: str) -> Sent:
        return self._call("richmenu.image", self.blob.set_rich_menu_image_with_http_info, rich_menu_id,
                          bytearray(image), _headers={"Content-Type": content_type})

    def delete_rich_menu(self, rich_menu_id: str) -> Sent:
        return self._call("richmenu.delete", self.api.delete_rich_menu_with_http_info, rich_menu_id)

    def link_rich_menu(self, user_id: str, rich_menu_id: str) -> Sent:
        return self._call("richmenu.link", self.api.link_rich_menu_id_to_user_with_http_info, user_id, rich_menu_id)

    def link_rich_menu_to_users(self, user_ids: list[str], rich_menu_id: str) -> Sent:
        """LINE's bulk link: up to 500 users per call (LINE links them shortly after answering 202)."""
        if not 1 <= len(user_ids) <= BULK_MAX:
            raise ValueError(f"bulk link takes 1..{BULK_MAX} users, got {len(user_ids)}")
        return self._post_json("richmenu.bulk.link", "/v2/bot/richmenu/bulk/link",
                               {"richMenuId": rich_menu_id, "userIds": list(user_ids)})

    def unlink_rich_menu_from_users(self, user_ids: list[str]) -> Sent:
        if not 1 <= len(user_ids) <= BULK_MAX:
            raise ValueError(f"bulk unlink takes 1..{BULK_MAX} users, got {len(user_ids)}")
        return self._post_json("richmenu.bulk.unlink", "/v2/bot/richmenu/bulk/unlink", {"userIds": list(user_ids)})

    def unlink_rich_menu(self, user_id: str) -> Sent:
        return self._call("richmenu.unlink", self.api.unlink_rich_menu_id_from_user_with_http_info, user_id)

    def set_default_rich_menu(self, rich_menu_id: str) -> Sent:
        return self._call("richmenu.default", self.api.set_default_rich_menu_with_http_info, rich_menu_id)

    def create_rich_menu_alias(self, alias_id: str, rich_menu_id: str) -> Sent:
        req = CreateRichMenuAliasRequest(richMenuAliasId=alias_id, richMenuId=rich_menu_id)
        return self._call("richmenu.alias.create", self.api.create_rich_menu_alias_with_http_info, req)

    def update_rich_menu_alias(self, alias_id: str, rich_menu_id: str) -> Sent:
        req = UpdateRichMenuAliasRequest(richMenuId=rich_menu_id)
        return self._call("richmenu.alias.update", self.api.update_rich_menu_alias_with_http_info, alias_id, req)

    def delete_rich_menu_alias(self, alias_id: str) -> Sent:
        return self._call("richmenu.alias.delete", self.api.delete_rich_menu_alias_with_http_info, alias_id)

    # -- webhook endpoint (the doctor's checks; LINE console's "Webhook URL" and "Verify") ---------------------
    def get_webhook_endpoint(self) -> dict:
        """{"endpoint": the URL LINE delivers webhooks to, "active": "Use webhook" is on}."""
        return self._call("webhook.get", self.api.get_webhook_endpoint_with_http_info).body.to_dict()

    def set_webhook_endpoint(self, endpoint: str) -> Sent:
        from linebot.v3.messaging import SetWebhookEndpointRequest
        return self._call("webhook.set", self.api.set_webhook_endpoint_with_http_info,
                          SetWebhookEndpointRequest(endpoint=endpoint))

    def test_webhook_endpoint(self, endpoint: str | None = None) -> dict:
        """LINE POSTs a signed test webhook to `endpoint` (default: the one set) and says how it went:
        {"success", "timestamp", "statusCode", "reason", "detail"}. LINE waits for our server's answer, so the
        read timeout is longer than the other calls'."""
        from linebot.v3.messaging import TestWebhookEndpointRequest
        fn = self.api.test_webhook_endpoint_with_http_info

        def slow(*args, _request_timeout=None, **kw):
            return fn(*args, _request_timeout=(self.timeout[0], max(self.timeout[1], 30.0)), **kw)
        body = TestWebhookEndpointRequest(endpoint=endpoint) if endpoint else TestWebhookEndpointRequest()
        return self._call("webhook.test", slow, body).body.to_dict()

    def close(self) -> None:
        self._api_client.close()
        self._blob_client.close()
        if hasattr(self.tokens, "close"):
            self.tokens.close()
