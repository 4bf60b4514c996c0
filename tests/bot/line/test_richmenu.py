"""Per-role rich menus: built from messages_th.menu, accepted by the sandbox, redeployable, relinked by role."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlmodel import select

from bot.conversation.postback import decode, encode
from bot.line.richmenu import PAGES, build
from messages_th.menu import MENUS
from models.core import User
from models.onboarding import RichMenuDeployment
from tests.factories import make_bureau, make_user

ROOT = Path(__file__).resolve().parents[3]
U, GONE, COORD = "U" + "e" * 32, "U" + "f" * 32, "U" + "0" * 32


def _all_actions():
    for key, pages in MENUS.items():
        for n in range(len(pages)):
            body, image = build(key, n)
            yield key, n, body, image


def test_menus_fit_line_limits_and_tap_areas_match_registered_actions(bot):
    for key, n, body, image in _all_actions():
        assert len(image) <= 1_000_000
        with Image.open(io.BytesIO(image)) as img:
            assert img.size == (body["size"]["width"], body["size"]["height"])
            assert img.size in ((2500, 1686), (2500, 843))  # LINE's full and compact sizes
        assert len(body["areas"]) <= 20 and len(body["chatBarText"]) <= 14
        for area in body["areas"]:
            action = area["action"]
            if action["type"] in ("postback", "richmenuswitch"):
                assert decode(action["data"])[0] in bot.router.postback_actions, action
            else:
                assert action["type"] == "message" and action["text"]
        tabs = [a for a in body["areas"] if a["action"]["type"] == "richmenuswitch"]
        assert len(tabs) == (len(MENUS[key]) if len(MENUS[key]) > 1 else 0)


def test_rendered_images_are_kept_in_docs():
    for key, pages in MENUS.items():
        for n in range(len(pages)):
            assert (ROOT / "docs" / "richmenu" / f"menu-{key}-{PAGES[n]}.png").is_file()


def test_deploy_twice_replaces_menus_and_relinks_users_by_role(app, db, line):
    with db() as s:
        b = make_bureau(s)
        make_user(s, b, line_user_id=U)
        make_user(s, b, line_user_id=COORD, roles=("coordinator",))
        make_user(s, b, line_user_id=GONE).following = False
    runner = app.test_cli_runner()
    first = runner.invoke(args=["richmenu-deploy"])
    assert first.exit_code == 0, first.output
    with db() as s:
        ids1 = {(d.menu_key, d.page): d.rich_menu_id for d in s.exec(select(RichMenuDeployment))}
    assert len(ids1) == 6 and set(line.richmenus.menus) == set(ids1.values())
    assert line.richmenus.linked(U) == ids1[("staff", "a")]
    assert line.richmenus.linked(COORD) == ids1[("coordinator", "a")]
    # No menu of their own (unfollowed here; also anyone not registered yet): LINE shows the guest menu.
    assert line.richmenus.effective(GONE) == line.richmenus.get_default() == ids1[("guest", "a")]
    assert line.richmenus.effective("U" + "9" * 32) == ids1[("guest", "a")]
    assert line.richmenus.alias("menu-coordinator-b")["richMenuId"] == ids1[("coordinator", "b")]
    second = runner.invoke(args=["richmenu-deploy"])
    assert second.exit_code == 0, second.output
    with db() as s:
        ids2 = {(d.menu_key, d.page): d.rich_menu_id for d in s.exec(select(RichMenuDeployment))}
    assert not set(ids1.values()) & set(ids2.values())
    assert set(line.richmenus.menus) == set(ids2.values())  # the replaced menus are gone
    assert line.richmenus.linked(U) == ids2[("staff", "a")]
    assert line.richmenus.alias("menu-committee-a")["richMenuId"] == ids2[("committee", "a")]
    assert line.richmenus.get_default() == ids2[("guest", "a")]  # the old default was replaced, then deleted


def test_tab_switch_postback_is_answered_with_nothing(send, line, db):
    with db() as s:
        make_user(s, make_bureau(s), line_user_id=U, roles=("coordinator",))
    send("postback", U, encode("menu.tab", key="coordinator", page="b"))
    assert line.messages_for(U) == []


def test_typed_menu_offers_the_same_actions_as_the_rich_menu(bot):
    from messages_th.menu import QUICK, menu_message
    for role in (None, "staff", "coordinator", "committee", "admin"):
        items = menu_message(role)["quickReply"]["items"]
        assert len(items) <= 13
        for item in items:
            if item["action"]["type"] == "postback":
                assert decode(item["action"]["data"])[0] in bot.router.postback_actions
    for key, pages in MENUS.items():
        tiles = {k for _, keys in pages for k in keys}
        assert tiles <= set(QUICK["admin" if key == "committee" else key])


def test_deploy_holds_no_database_connection_while_it_talks_to_line(app, bot, db, monkeypatch):
    """Uploading the menu images takes seconds; an open transaction meanwhile (on SQLite: the write lock)
    would stall every chat answer. So nothing is checked out of the pool while LINE is called."""
    with db() as s:
        make_user(s, make_bureau(s), line_user_id=U)
    seen = []
    for name in ("upload_rich_menu_image", "link_rich_menu", "set_default_rich_menu"):
        real = getattr(bot.gateway, name)

        def spy(*args, _real=real, **kwargs):
            seen.append(bot.engine.pool.checkedout())
            return _real(*args, **kwargs)
        monkeypatch.setattr(bot.gateway, name, spy)
    res = app.test_cli_runner().invoke(args=["richmenu-deploy"])
    assert res.exit_code == 0, res.output
    assert len(seen) == 6 + 1 + 1 and set(seen) == {0}  # six images, the default, one user linked
    with db() as s:
        ids = {(d.menu_key, d.page): d.rich_menu_id for d in s.exec(select(RichMenuDeployment))}
        assert s.exec(select(User).where(User.line_user_id == U)).one().rich_menu_id == ids[("staff", "a")]


def test_deploy_links_many_users_in_bulk_calls_of_500_with_no_database_connection_held(app, bot, db, line,
                                                                                       monkeypatch):
    """2,000 staff would be 2,000 calls (and, once, one long transaction): LINE's bulk link takes 500 a call."""
    with db() as s:
        bureau = make_bureau(s)
        make_user(s, bureau, line_user_id=COORD, roles=("coordinator",))
        staff = [make_user(s, bureau, line_user_id=f"U{i + 1:032x}").line_user_id for i in range(1001)]
    calls = []
    for name in ("link_rich_menu_to_users", "link_rich_menu"):
        real = getattr(bot.gateway, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            calls.append((_name, len(args[0]) if isinstance(args[0], list) else 1, bot.engine.pool.checkedout()))
            return _real(*args, **kwargs)
        monkeypatch.setattr(bot.gateway, name, spy)
    res = app.test_cli_runner().invoke(args=["richmenu-deploy"])
    assert res.exit_code == 0, res.output
    assert sorted(c[:2] for c in calls) == sorted([("link_rich_menu_to_users", 500), ("link_rich_menu_to_users", 500),
                                                   ("link_rich_menu", 1), ("link_rich_menu", 1)])
    assert {c[2] for c in calls} == {0}
    with db() as s:
        ids = {(d.menu_key, d.page): d.rich_menu_id for d in s.exec(select(RichMenuDeployment))}
        stored = {u.line_user_id: u.rich_menu_id for u in s.exec(select(User))}
    assert line.richmenus.linked(staff[0]) == line.richmenus.linked(staff[-1]) == ids[("staff", "a")]
    assert line.richmenus.linked(COORD) == ids[("coordinator", "a")]
    assert stored[staff[777]] == ids[("staff", "a")] and stored[COORD] == ids[("coordinator", "a")]
    assert "linked 1002 users" in res.output


def test_bulk_link_is_checked_against_lines_limits(bot, line):
    import pytest
    from bot.line.gateway import GatewayError
    with pytest.raises(ValueError):
        bot.gateway.link_rich_menu_to_users([f"U{i:032x}" for i in range(501)], "richmenu-x")
    with pytest.raises(GatewayError) as err:  # the sandbox: an unknown menu is 404, as LINE answers
        bot.gateway.link_rich_menu_to_users([U, COORD], "richmenu-" + "0" * 32)
    assert err.value.status == 404
