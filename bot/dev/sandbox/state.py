"""In-memory, thread-safe state of the sandbox LINE platform: what was sent, tokens, keys, quota."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import asdict, dataclass

from .errors import ApiError
from .faults import Faults
from .richmenus import RichMenuStore

_QUOTABLE = {"text", "textV2", "sticker", "image", "video"}  # types LINE returns a quoteToken for
_FIRST = ["สมชาย", "สมหญิง", "วิภาวี", "ประเสริฐ", "กมลชนก", "อรุณี", "ธนพล", "ศิริพร", "ชัยวัฒน์", "นภาพร"]
_LAST = ["ใจดี", "รักชาติ", "มั่นคง", "สุขสันต์", "ศรีสุข", "แก้วมณี", "ทองดี", "บุญมา"]


@dataclass(frozen=True)
class Delivery:
    seq: int
    kind: str            # reply | push | multicast
    to: str              # one recipient (a multicast records one Delivery per user)
    messages: list
    timestamp: float     # epoch seconds
    request_id: str
    retry_key: str | None
    sent_messages: list

    def to_dict(self) -> dict:
        return asdict(self)


class SandboxState:
    def __init__(self, reply_token_ttl: float = 60.0, clock=time.monotonic):
        self.reply_token_ttl = reply_token_ttl
        self.clock = clock  # injectable so tests can expire tokens without sleeping
        self._lock = threading.RLock()
        self.faults = Faults()
        self.richmenus = RichMenuStore()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.deliveries: list[Delivery] = []
            self._seq = 0
            self.tokens: dict[str, list] = {}       # token -> [user_id, issued_at, used]
            self.retry_keys: dict[str, tuple] = {}  # key -> (request_id, sent_messages)
            self.quota_limit: int | None = None
            self.usage = 0
            self.profiles: dict[str, dict] = {}
            self.contents: dict[str, tuple[bytes, str]] = {}
            self.loadings: list[dict] = []
            self.blocked: set[str] = set()
        self.faults.clear()  # also wakes requests hanging in an injected timeout
        self.richmenus.reset()

    # -- reply tokens -------------------------------------------------------------------------
    def issue_reply_token(self, user_id: str, token: str | None = None) -> str:
        token = token or secrets.token_hex(16)
        with self._lock:
            self.tokens.setdefault(token, [user_id, self.clock(), False])  # redelivery keeps state
        return token

    def issue_reply_tokens(self, user_ids: list[str]) -> list[str]:
        """One fresh token per user, in order, under one lock: a benchmark registers tens of thousands at once."""
        with self._lock:
            now = self.clock()
            tokens = [secrets.token_hex(16) for _ in user_ids]
            for token, user_id in zip(tokens, user_ids):
                self.tokens[token] = [user_id, now, False]
        return tokens

    def _take_token(self, token: str) -> str:
        entry = self.tokens.get(token)
        if not entry or entry[2] or self.clock() - entry[1] > self.reply_token_ttl:
            raise ApiError(400, "Invalid reply token")
        entry[2] = True
        return entry[0]

    # -- sending ------------------------------------------------------------------------------
    def _sent(self, messages: list) -> list[dict]:
        out = []
        for msg in messages:
            item = {"id": str(secrets.randbelow(9 * 10**17) + 10**17)}
            if msg.get("type") in _QUOTABLE:
                item["quoteToken"] = secrets.token_urlsafe(24)
            out.append(item)
        return out

    def _record(self, kind, users, messages, request_id, retry_key, sent) -> None:
        now = time.time()
        for user in users:
            self._seq += 1
            self.deliveries.append(
                Delivery(self._seq, kind, user, messages, now, request_id, retry_key, sent))

    def reply(self, token: str, messages: list, request_id: str) -> list[dict]:
        with self._lock:
            user = self._take_token(token)
            sent = self._sent(messages)
            self._record("reply", [user], messages, request_id, None, sent)
            return sent

    def send(self, kind: str, to: list[str], messages: list, request_id: str,
             retry_key: str | None = None) -> list[dict]:
        """push (one user) or multicast; retry-key check, quota and recording are atomic."""
        with self._lock:
            if retry_key and retry_key in self.retry_keys:
                first_id, first_sent = self.retry_keys[retry_key]
                extra = {"sentMessages": first_sent} if first_sent else {}
                raise ApiError(409, "The retry key is already accepted",
                               headers={"x-line-accepted-request-id": first_id}, **extra)
            billed = [u for u in to if u not in self.blocked]  # blocked: 200, not billed/delivered
            if self.quota_limit is not None and self.usage + len(billed) > self.quota_limit:
                raise ApiError(429, "You have reached your monthly limit.")
            self.usage += len(billed)
            sent = self._sent(messages) if kind == "push" else []
            self._record(kind, billed, messages, request_id, retry_key, sent)
            if retry_key:
                self.retry_keys[retry_key] = (request_id, sent)
            return sent

    # -- quota, profiles, content, loading ----------------------------------------------------
    def set_quota(self, limit: int | None) -> None:
        with self._lock:
            self.quota_limit = limit

    def quota(self) -> dict:
        lim = self.quota_limit
        return {"type": "none"} if lim is None else {"type": "limited", "value": lim}

    def consumption(self) -> int:
        return self.usage

    def set_profile(self, user_id: str, displayName: str, pictureUrl: str | None = None) -> None:
        with self._lock:
            self.profiles[user_id] = {"displayName": displayName, "pictureUrl": pictureUrl}

    def profile(self, user_id: str) -> dict:
        known = self.profiles.get(user_id)
        if known is None:
            h = hashlib.sha256(user_id.encode()).digest()
            known = {"displayName": f"{_FIRST[h[0] % len(_FIRST)]} {_LAST[h[1] % len(_LAST)]}"}
        out = {"userId": user_id, "displayName": known["displayName"], "language": "th"}
        if known.get("pictureUrl"):
            out["pictureUrl"] = known["pictureUrl"]
        return out

    def set_blocked(self, user_id: str, blocked: bool = True) -> None:
        with self._lock:
            (self.blocked.add if blocked else self.blocked.discard)(user_id)

    def put_content(self, message_id: str, data: bytes, content_type: str) -> None:
        with self._lock:
            self.contents[str(message_id)] = (data, content_type)

    def content(self, message_id: str) -> tuple[bytes, str]:
        found = self.contents.get(str(message_id))
        if found is None:
            raise ApiError(404, "Not found")
        return found

    def record_loading(self, chat_id: str, seconds: int) -> None:
        with self._lock:
            self.loadings.append({"chatId": chat_id, "loadingSeconds": seconds, "timestamp": time.time()})

    def set_faults(self, **kwargs):
        return self.faults.set(**kwargs)

    # -- look-ups -----------------------------------------------------------------------------
    def all_deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self.deliveries)

    def deliveries_for(self, user_id: str, since: int = 0) -> list[Delivery]:
        return [d for d in self.all_deliveries() if d.to == user_id and d.seq > since]

    def deliveries_since(self, since: int = 0, user_id: str | None = None) -> list[Delivery]:
        return [d for d in self.all_deliveries()
                if d.seq > since and (user_id is None or d.to == user_id)]

    def messages_for(self, user_id: str) -> list[dict]:
        """Every message the user received, oldest first (flattened across deliveries)."""
        return [m for d in self.deliveries_for(user_id) for m in d.messages]

    def count_deliveries(self, user_id: str | None = None, kind: str | None = None) -> int:
        return sum(1 for d in self.all_deliveries()
                   if (user_id is None or d.to == user_id) and (kind is None or d.kind == kind))
