"""Per-role rich menus: build (images + areas from `messages_th.menu`), deploy through the gateway, relink.

`deploy()` is safe to run again: it creates fresh menus, uploads their images, points the aliases
`menu-<key>-a` / `-b` at them, makes the guest menu LINE's default (what anyone without a menu of their own
sees: not registered yet, erased, refused), records the ids in `RichMenuDeployment`, relinks every registered
user who still follows the account to the menu of their role (LINE's bulk link, 500 users a call, with no
database transaction open), and only then deletes the menus it replaced.
"""
from __future__ import annotations

import logging
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.line.gateway import BULK_MAX, GatewayError
from bot.conversation.postback import encode
from bot.services import audience
from bot.services.membership import menu_for, menu_ids
from messages_th.art import content_type, menu_areas, render_rich_menu
from messages_th.menu import CHAT_BAR, GUEST, MENUS, SHAPES, action_of, tiles
from models.core import User
from models.db import session_scope
from models.onboarding import RichMenuDeployment

log = logging.getLogger("bot.line.richmenu")
SIZE, GRID = (2500, 1686), (3, 2)
PAGES = "ab"


def alias_id(key: str, page: str) -> str:
    return f"menu-{key}-{page}"


def _shape(key: str) -> tuple[tuple[int, int], tuple[int, int]]:
    return SHAPES.get(key, (SIZE, GRID))


@lru_cache(maxsize=16)
def _image(key: str, page_no: int) -> bytes:
    pages = MENUS[key]
    tab_labels = [label for label, _ in pages] if len(pages) > 1 else None
    return render_rich_menu(*_shape(key), tiles(pages[page_no][1]), tab_labels, active_tab=page_no)


def build(key: str, page_no: int) -> tuple[dict, bytes]:
    """(rich menu request body, image bytes) for one page of one role's menu."""
    pages = MENUS[key]
    tab_labels = [label for label, _ in pages] if len(pages) > 1 else None
    label, keys = pages[page_no]
    image = _image(key, page_no)
    size, grid = _shape(key)
    bounds = menu_areas(size, grid, tab_labels)
    areas = []
    for i, b in enumerate(bounds[:len(tab_labels or ())]):
        page = PAGES[i]
        areas.append({"bounds": b, "action": {"type": "richmenuswitch", "richMenuAliasId": alias_id(key, page),
                                              "data": encode("menu.tab", key=key, page=page)}})
    for b, k in zip(bounds[len(tab_labels or ()):], keys):
        areas.append({"bounds": b, "action": action_of(k)})
    body = {"size": {"width": size[0], "height": size[1]}, "selected": True,
            "name": f"{key}-{PAGES[page_no]} {label}"[:300], "chatBarText": CHAT_BAR, "areas": areas}
    return body, image


def render_all(out_dir: str | Path) -> list[Path]:
    """Write every page as PNG/JPEG (docs/richmenu/) to look at."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, pages in MENUS.items():
        for n in range(len(pages)):
            _, image = build(key, n)
            path = out / f"menu-{key}-{PAGES[n]}.{'png' if content_type(image) == 'image/png' else 'jpg'}"
            path.write_bytes(image)
            paths.append(path)
    return paths


def _set_alias(gateway, alias: str, menu_id: str) -> None:
    try:
        gateway.update_rich_menu_alias(alias, menu_id)
    except GatewayError as exc:
        if exc.status != 404:
            raise
        gateway.create_rich_menu_alias(alias, menu_id)


def deploy(db: Engine | Session, gateway, now, echo=print) -> dict[tuple[str, str], str]:
    """Create and upload all menus, repoint aliases, store ids, relink users, delete the old menus.

    Given an engine, no transaction is open while LINE is called (uploads take seconds, and on SQLite an
    open write transaction holds the lock the webhook needs): read, call LINE, then write in short sessions.
    Given a session, everything happens in the caller's transaction (tests that set up rows and deploy)."""
    scope = _scope(db)
    with scope(readonly=True) as s:
        old = menu_ids(s)
    new = _upload_all(gateway, echo)
    for (key, page), menu_id in new.items():
        if len(MENUS[key]) > 1:
            _set_alias(gateway, alias_id(key, page), menu_id)
    gateway.set_default_rich_menu(new[(GUEST, "a")])  # before the old one (maybe the default) is deleted
    with scope() as s:
        rows = {(d.menu_key, d.page): d for d in s.exec(select(RichMenuDeployment))}
        for (key, page), menu_id in new.items():
            row = rows.get((key, page)) or RichMenuDeployment(menu_key=key, page=page, rich_menu_id=menu_id)
            row.rich_menu_id, row.deployed_at = menu_id, now
            s.add(row)
    linked = sum(1 for menu in relink(db, gateway, ids=new).values() if menu)
    echo(f"linked {linked} users")
    for menu_id in set(old.values()) - set(new.values()):
        _quietly(gateway.delete_rich_menu, menu_id)
    return new


def _upload_all(gateway, echo) -> dict[tuple[str, str], str]:
    new: dict[tuple[str, str], str] = {}
    try:
        for key, pages in MENUS.items():
            for n in range(len(pages)):
                body, image = build(key, n)
                menu_id = gateway.create_rich_menu(body)
                new[(key, PAGES[n])] = menu_id
                gateway.upload_rich_menu_image(menu_id, image, content_type(image))
                echo(f"created {alias_id(key, PAGES[n])}: {menu_id}")
    except GatewayError:
        for menu_id in new.values():  # leave LINE as it was: the old menus stay in use
            _quietly(gateway.delete_rich_menu, menu_id)
        raise
    return new


def _quietly(fn, menu_id: str) -> None:
    try:
        fn(menu_id)
    except GatewayError as exc:
        log.warning("could not delete menu %s: %s", menu_id, exc)


def relink(db: Engine | Session, gateway, user_ids: list[int] | None = None,
           ids: dict | None = None) -> dict[int, str | None]:
    """Link users to their top role's menu (or unlink them): these following users, or every registered,
    following user. Returns {user id: menu id or None} for what LINE accepted; a failure is logged, not
    raised. The users are read first, LINE is called outside any transaction, then the links are stored."""
    scope = _scope(db)
    with scope(readonly=True) as s:
        ids = ids if ids is not None else menu_ids(s)
        q = select(User).where(User.following.is_(True)).order_by(User.id)
        # everyone: the same reachable rule as pushes (bot.services.audience); given ids: unlink them too
        q = q.where(audience.reachable()) if user_ids is None else q.where(User.id.in_(user_ids))
        plan = [(u.id, u.line_user_id, menu_for(s, u, ids)) for u in s.exec(q)]
    done: dict[int, str | None] = {}
    groups: dict[str | None, list[tuple[int, str]]] = {}
    for user_id, line_user_id, menu in plan:
        groups.setdefault(menu, []).append((user_id, line_user_id))
    for menu, members in groups.items():
        for i in range(0, len(members), BULK_MAX):
            batch = members[i:i + BULK_MAX]
            if _link_batch(gateway, menu, batch):
                done.update((user_id, menu) for user_id, _ in batch)
    if done:
        by_menu: dict[str | None, list[int]] = {}
        for user_id, menu in done.items():
            by_menu.setdefault(menu, []).append(user_id)
        with scope() as s:  # one UPDATE per menu and 500 users, not one row at a time
            for menu, users in by_menu.items():
                for i in range(0, len(users), BULK_MAX):
                    s.execute(update(User).where(User.id.in_(users[i:i + BULK_MAX])).values(rich_menu_id=menu)
                              .execution_options(synchronize_session="fetch"))
    return done


def _link_batch(gateway, menu: str | None, batch: list[tuple[int, str]]) -> bool:
    """One user: the per-user call (LINE applies it before answering, the user sees it at once); more: LINE's
    bulk call, 500 a call (2,000 users are 4 calls, not 2,000). A refused batch is logged by internal ids."""
    line_ids = [line_user_id for _, line_user_id in batch]
    try:
        if len(batch) == 1:
            if menu:
                gateway.link_rich_menu(line_ids[0], menu)
            else:
                gateway.unlink_rich_menu(line_ids[0])
        elif menu:
            gateway.link_rich_menu_to_users(line_ids, menu)
        else:
            gateway.unlink_rich_menu_from_users(line_ids)
    except GatewayError as exc:
        log.warning("relink of users %s failed: %s", ",".join(str(u) for u, _ in batch[:20])
                    + ("…" if len(batch) > 20 else ""), exc)
        return False
    return True


def _scope(db: Engine | Session):
    """session_scope over an engine, or the caller's own session (its transaction, its commit)."""
    if isinstance(db, Session):
        return lambda readonly=False: nullcontext(db)
    return lambda readonly=False: session_scope(db, readonly=readonly)
