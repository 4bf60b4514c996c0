"""The middle test layer: handlers run through the real router with a plain Ctx over a database session; no
web app, no sandbox, no threads. Tests assert returned actions and state, never Thai wording."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from bot.conversation.context import Ctx
from bot.conversation.router import Router
from bot.dev.sandbox import events as ev
from handlers import register_all
from models.core import ConversationState
from models.db import make_engine, session_scope
from tests.conftest import postbacks

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Bangkok, FY 2570


@pytest.fixture(scope="session")
def router() -> Router:
    r = Router()
    register_all(r)
    return r


@pytest.fixture()
def session(db_url):
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        yield s
    engine.dispose()


class Chat:
    """One user's turns: `chat.text("...")`, `chat.postback("deed.when", d="today")` → returned messages."""

    def __init__(self, session, router, user, tmp_path):
        self.session, self.router, self.user = session, router, user
        self.config = SimpleNamespace(FLOW_IDLE_MINUTES=30, MEDIA_DIR=str(tmp_path / "media"))
        self.now = NOW

    @property
    def state(self) -> ConversationState:
        uid = self.user.line_user_id
        st = self.session.get(ConversationState, uid)
        if st is None:
            st = ConversationState(line_user_id=uid, updated_at=self.now)
            self.session.add(st)
        return st

    def send(self, event: dict) -> list[dict]:
        ctx = Ctx(session=self.session, event=event, user=self.user, state=self.state, now=self.now,
                  config=self.config)
        out = self.router.dispatch(ctx)
        self.session.flush()
        return out

    def text(self, s: str) -> list[dict]:
        return self.send(ev.text_event(self.user.line_user_id, s))

    def postback(self, action: str, **params) -> list[dict]:
        from bot.conversation.postback import encode
        return self.send(ev.postback_event(self.user.line_user_id, encode(action, **params)))

    def sticker(self) -> list[dict]:
        return self.send(ev.sticker_event(self.user.line_user_id))


def offered(messages, action: str) -> list[dict]:
    """The params of every `action` button (Flex buttons and quick replies) in these messages."""
    return [p for a, p in postbacks(messages) if a == action]


@pytest.fixture()
def chat_for(session, router, tmp_path):
    return lambda user: Chat(session, router, user, tmp_path)
