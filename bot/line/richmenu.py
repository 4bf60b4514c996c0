"""Per-role rich menus: build (images + areas from `messages_th.menu`), deploy through the gateway, relink.

`deploy()` is safe to run again: it creates fresh menus, uploads their images, points the aliases
`menu-<key>-a` / `-b` at them, makes the guest menu LINE's default (what anyone without a menu of their own
sees: not registered yet, erased, refused), records the ids in `RichMenuDeployment`, relinks every registered
user who still follows the account to the menu of their role, and only then deletes the menus it replaced.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, select

from bot.line.gateway import GatewayError
from bot.conversation.postback import encode
from bot.services.membership import menu_for, menu_ids
from messages_th.art import content_type, menu_areas, render_rich_menu
from messages_th.menu import CHAT_BAR, GUEST, MENUS, SHAPES, action_of, tiles
from models.core import User, utcnow
from models.enums import UserStatus
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


def deploy(session: Session, gateway, now, echo=print) -> dict[tuple[str, str], str]:
    """Create and upload all menus, repoint aliases, store ids, relink users, delete the old menus."""
    old = menu_ids(session)
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
    for (key, page), menu_id in new.items():
        if len(MENUS[key]) > 1:
            _set_alias(gateway, alias_id(key, page), menu_id)
    gateway.set_default_rich_menu(new[(GUEST, "a")])  # before the old one (maybe the default) is deleted
    rows = {(d.menu_key, d.page): d for d in session.exec(select(RichMenuDeployment))}
    for (key, page), menu_id in new.items():
        row = rows.get((key, page)) or RichMenuDeployment(menu_key=key, page=page, rich_menu_id=menu_id)
        row.rich_menu_id, row.deployed_at = menu_id, now
        session.add(row)
    session.flush()
    linked = relink_all(session, gateway, new)
    echo(f"linked {linked} users")
    for menu_id in set(old.values()) - set(new.values()):
        _quietly(gateway.delete_rich_menu, menu_id)
    return new


def _quietly(fn, menu_id: str) -> None:
    try:
        fn(menu_id)
    except GatewayError as exc:
        log.warning("could not delete menu %s: %s", menu_id, exc)


def relink_all(session: Session, gateway, ids: dict | None = None) -> int:
    """Link every registered, following user to their role's menu; returns how many links were made."""
    ids = ids if ids is not None else menu_ids(session)
    n = 0
    for user in session.exec(select(User).where(User.status == UserStatus.REGISTERED, User.following.is_(True))):
        if relink_user(session, gateway, user, ids):
            n += 1
    return n


def relink_user(session: Session, gateway, user: User, ids: dict | None = None) -> bool:
    """Link (or unlink) one user's menu now, from the CLI; a LINE failure is logged, not raised."""
    menu = menu_for(session, user, ids)
    try:
        if menu:
            gateway.link_rich_menu(user.line_user_id, menu)
        else:
            gateway.unlink_rich_menu(user.line_user_id)
    except GatewayError as exc:
        log.warning("relink %s failed: %s", user.id, exc)
        return False
    user.rich_menu_id = menu
    session.add(user)
    return bool(menu)


@click.command("richmenu-deploy")
@with_appcontext
@click.option("--save-dir", default=None, help="Also write the rendered images here (e.g. docs/richmenu).")
def richmenu_deploy(save_dir):
    """Create the per-role rich menus, repoint aliases, relink everyone, delete the replaced menus."""
    if save_dir:
        for path in render_all(save_dir):
            click.echo(f"wrote {path}")
    with session_scope(current_app.extensions["bot"].engine) as s:
        deploy(s, current_app.extensions["bot"].gateway, utcnow(), echo=click.echo)
    click.echo("rich menus deployed")
