"""What a handler sees: the event, the actor, the conversation state, the clock. Handlers never call LINE."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlmodel import Session

from bot.conversation.postback import PostbackError, decode
from models.core import ConversationState, User


class Ctx:
    def __init__(self, *, session: Session, event: dict, user: User | None, state: ConversationState | None,
                 now: datetime, config, fetch_content: Callable[[str], tuple[bytes, str]] | None = None):
        self.session, self.event, self.user, self.state = session, event, user, state
        self.now, self.config = now, config  # aware UTC, like the database
        self._fetch_content = fetch_content
        self.effects: list[tuple[str, dict]] = []  # run after commit, see bot/effects.py
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
        return self.message.get("text", "").strip() if self.message_type == "text" else None

    @property
    def postback_params(self) -> dict:
        return (self.event.get("postback") or {}).get("params") or {}

    @property
    def line_user_id(self) -> str | None:
        return (self.event.get("source") or {}).get("userId")

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
