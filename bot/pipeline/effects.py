"""Side effects a handler asks for, run by the inbox after its transaction commits.

Handlers never call LINE; when a flow needs LINE to do something besides answering (link a user's rich
menu after registration or a role change), it calls `ctx.after_commit(kind, **args)`. A LINE failure
(GatewayError) is logged and left for the reconciling command (`flask --app bot richmenu-deploy` relinks
everyone). An unknown kind or wrong arguments is a programming error and raises.
"""
from __future__ import annotations

import logging

from bot.line.gateway import GatewayError
from bot.services.files import write_public

log = logging.getLogger("bot.pipeline.effects")


def _link_menu(gateway, engine, user_id: str, rich_menu_id: str | None) -> None:
    if rich_menu_id:
        gateway.link_rich_menu(user_id, rich_menu_id)
    else:
        gateway.unlink_rich_menu(user_id)


def _save_profile(gateway, engine, user_id: str) -> None:
    """After consent: store the LINE display name (it prefills the registration name step)."""
    from sqlmodel import select

    from models.core import User
    from models.db import session_scope
    from models.enums import UserStatus
    name = (gateway.get_profile(user_id) or {}).get("displayName")
    try:
        with session_scope(engine) as s:
            user = s.exec(select(User).where(User.line_user_id == user_id)).first()
            if name and user is not None and user.status not in (UserStatus.REFUSED, UserStatus.ERASED):
                user.display_name = name[:200]
    except Exception as exc:  # noqa: BLE001 - a nicety; the user can type their name
        log.warning("saving the LINE profile failed: %s", type(exc).__name__)  # logs never name a LINE id


def _write_public(gateway, engine, media_dir: str, name: str, render) -> None:
    """A public image rendered after the commit (no transaction waits on Pillow), before the reply that
    names it goes out."""
    try:
        write_public(media_dir, name, render)
    except OSError as exc:  # the media directory is not writable: the reply's numbers still go out
        log.warning("public file %s not written: %s", name, exc)


def _checkpoint(gateway, engine) -> None:
    """After a PDPA erase: SQLite's WAL still holds the erased values in older frames until a checkpoint."""
    from models.db import checkpoint
    try:
        checkpoint(engine)
    except Exception as exc:  # noqa: BLE001 - the next automatic checkpoint overwrites them too, later
        log.warning("WAL checkpoint after an erase failed: %s", type(exc).__name__)


KINDS = {"link_menu": _link_menu, "save_profile": _save_profile, "write_public": _write_public,
         "checkpoint": _checkpoint}


class EffectRunner:
    """Runs `ctx.after_commit` effects with the process's gateway and engine (handlers pass only their data)."""

    def __init__(self, gateway, engine):
        self.gateway, self.engine = gateway, engine

    def run(self, effects: list[tuple[str, dict]]) -> None:
        for kind, args in effects:
            effect = KINDS[kind]  # KeyError: a kind nobody implements, a bug
            try:
                effect(self.gateway, self.engine, **args)  # TypeError (wrong arguments) is a bug too: raised
            except GatewayError as exc:
                log.warning("effect %s failed: %s", kind, exc)
