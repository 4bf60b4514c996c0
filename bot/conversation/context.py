"""What a handler sees: the event, the actor, the conversation state, the clock. Handlers never call LINE."""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlmodel import Session

from bot.conversation.postback import PostbackError, decode
from models.core import ConversationState, User


_MISSING: Any = object()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # keeps tab and newline
PARKED_MAX = 3  # unfinished flows kept for "ทำรายการค้างต่อ"; the oldest beyond this is dropped


class StaleButton(ValueError):
    """A postback whose parameters no longer fit (missing, malformed, pointing at nothing): the router answers
    it as an old button, the same way everywhere."""


class Ctx:
    def __init__(self, *, session: Session, event: dict, user: User | None, state: ConversationState | None,
                 now: datetime, config, fetch_content: Callable[[str], tuple[bytes, str]] | None = None):
        self.session, self.event, self.user, self.state = session, event, user, state
        self.now, self.config = now, config  # aware UTC, like the database
        self._fetch_content = fetch_content
        self.effects: list[tuple[str, dict]] = []  # run after commit, see bot/pipeline/effects.py
        self.router = None  # set by Router.dispatch: the step prompts, for parked flows resumed
        self.offer_parked = False  # set by a park or a menu action: the reply offers the parked flow
        self.postback_error: str | None = None
        self.postback: tuple[str, dict] | None = None
        if event.get("type") == "postback":
            try:
                self.postback = decode(event.get("postback", {}).get("data"))
            except PostbackError as exc:
                self.postback_error = str(exc)

    # -- what arrived ----------------------------------------------------------------------------
    @property
    def message(self) -> dict:
        return self.event.get("message") or {}

    @property
    def message_type(self) -> str | None:
        return self.message.get("type") if self.event.get("type") == "message" else None

    @property
    def text(self) -> str | None:
        """The typed text, stripped, without control characters (a NUL fails on PostgreSQL)."""
        if self.message_type != "text":
            return None
        raw = self.message.get("text")
        return _CONTROL.sub("", raw).strip() if isinstance(raw, str) else ""

    @property
    def postback_params(self) -> dict:
        return (self.event.get("postback") or {}).get("params") or {}

    def arg(self, name: str, cast: Callable = str, default: Any = _MISSING):
        """A postback parameter parsed by `cast`; missing or unparsable raises StaleButton (unless `default`)."""
        raw = (self.postback[1] if self.postback else {}).get(name)
        if raw in (None, ""):
            if default is _MISSING:
                raise StaleButton(f"missing {name}")
            return default
        if cast is int and not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
            # ids and offsets are plain ASCII digits: "²" passes isdigit(), "٣" and " 5" pass int()
            raise StaleButton(f"bad {name}")
        try:
            return cast(raw)
        except (TypeError, ValueError) as exc:
            raise StaleButton(f"bad {name}") from exc

    @property
    def line_user_id(self) -> str | None:
        return (self.event.get("source") or {}).get("userId")

    @property
    def user_ref(self) -> str:
        """What logs name: our internal user id, never the LINE id."""
        return f"#{self.user.id}" if self.user is not None and self.user.id is not None else "(new)"

    # -- conversation state -----------------------------------------------------------------------
    @property
    def flow(self) -> str | None:
        return self.state.flow if self.state else None

    @property
    def step(self) -> str | None:
        return self.state.step if self.state else None

    @property
    def draft(self) -> dict:
        return dict(self.state.draft or {}) if self.state else {}

    def start(self, flow: str, step: str, draft: dict | None = None) -> None:
        self._set(flow, step, dict(draft or {}))

    def goto(self, step: str, **updates) -> None:
        self._set(self.state.flow, step, {**self.draft, **updates})

    def update_draft(self, **updates) -> None:
        self._set(self.state.flow, self.state.step, {**self.draft, **updates})

    def end(self) -> None:
        self._set(None, None, {})

    # -- parked flows: a menu action from the middle of a flow keeps the draft for later ---------------
    @property
    def parked(self) -> list[dict]:
        """Unfinished flows, newest first: {"id", "flow", "step", "draft", "at"}."""
        return list((self.state.parked or []) if self.state else [])

    def park(self) -> None:
        """Keep the active flow (if any) for "ทำรายการค้างต่อ" and leave it."""
        if not self.flow:
            return
        entry = {"id": secrets.token_hex(3), "flow": self.flow, "step": self.step, "draft": self.draft,
                 "at": self.now.isoformat()}
        self._park_list([entry] + self.parked[:PARKED_MAX - 1])
        self.offer_parked = True
        self.end()

    def resume(self, parked_id: str) -> dict | None:
        """Back into a parked flow (the active one, if any, is parked in its place); None when it is gone."""
        entry = next((p for p in self.parked if p["id"] == parked_id), None)
        if entry is None:
            return None
        rest = [p for p in self.parked if p["id"] != parked_id]
        self._park_list(rest)
        self.park()
        self._set(entry["flow"], entry["step"], entry["draft"])
        return entry

    def router_prompt(self) -> list[dict]:
        """The active step's question again (with its buttons), as the router knows it."""
        return self.router.prompt(self) if self.router is not None else []

    def discard(self, parked_id: str) -> dict | None:
        entry = next((p for p in self.parked if p["id"] == parked_id), None)
        if entry is not None:
            self._park_list([p for p in self.parked if p["id"] != parked_id])
        return entry

    def expire_parked(self, keep: timedelta) -> None:
        if self.state is None or not self.state.parked:
            return
        cutoff = (self.now - keep).isoformat()
        kept = [p for p in self.parked if p["at"] >= cutoff]
        if len(kept) != len(self.state.parked):
            self._park_list(kept)

    def _park_list(self, entries: list[dict]) -> None:
        self.state.parked = entries or None  # a new list: JSON columns only notice replacement
        self.session.add(self.state)

    def _set(self, flow, step, draft) -> None:
        # Assign a new dict: JSON columns only notice replacement, not in-place mutation.
        self.state.flow, self.state.step, self.state.draft = flow, step, draft
        self.state.updated_at = self.now  # the clock the expiry check uses
        self.session.add(self.state)

    # -- side effects through the gateway / outbox -------------------------------------------------
    def fetch_content(self, message_id: str) -> tuple[bytes, str]:
        if self._fetch_content is None:
            raise RuntimeError("no content fetcher configured")
        return self._fetch_content(message_id)

    def after_commit(self, kind: str, **args) -> None:
        self.effects.append((kind, args))

    def enqueue_push(self, key: str, to, messages: list[dict], **kw) -> int:
        from bot.line.outbox import enqueue
        return enqueue(self.session, key, to, messages, **kw)
