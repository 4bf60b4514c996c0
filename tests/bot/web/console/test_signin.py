"""Signing in to the console: the chat's one-time link, its refusals, sessions, sign-out and CSRF."""
from __future__ import annotations

import json

from sqlmodel import select

from bot.services import membership
from models.console import ConsoleSession
from models.core import User
from tests.bot.web.console.conftest import csrf_of, link_for
from tests.conftest import uris


def _uri_of(msg) -> str | None:
    found = uris(msg)
    return found[0] if found else None


def _line_id(db, user_id):
    with db() as s:
        return s.get(User, user_id).line_user_id


def test_admin_signs_in_from_the_chat_link_once(send, line, db, personas, app):
    lid = _line_id(db, personas.admin)
    send("text", lid, "แดชบอร์ด")
    card = line.messages_for(lid)[-1]
    uri = _uri_of(card)
    assert uri and uri.startswith("http://bot.test/console/login/"), card
    path = uri.removeprefix("http://bot.test")
    browser = app.test_client()
    resp = browser.get(path)
    assert resp.status_code == 302
    page = browser.get("/console/")
    assert page.status_code == 200 and "สมใจ เลขานุการ" in page.get_data(as_text=True)
    # the same link again, even from another browser: refused, no second session
    again = app.test_client().get(path)
    assert again.status_code == 403 and "ถูกใช้ไปแล้ว" in again.get_data(as_text=True)
    with db() as s:
        assert len(s.exec(select(ConsoleSession)).all()) == 1


def test_staff_typing_the_word_gets_a_polite_refusal_and_no_link(send, line, db, personas):
    lid = _line_id(db, personas.staff)
    send("text", lid, "แดชบอร์ด")
    msg = line.messages_for(lid)[-1]
    assert _uri_of(msg) is None and "ผู้ประสานงาน" in msg["text"]


def test_expired_link_is_refused(app, db, clock, personas):
    path = link_for(db, clock, personas.coord_a)
    clock.advance(minutes=11)
    resp = app.test_client().get(path)
    assert resp.status_code == 403 and "หมดอายุ" in resp.get_data(as_text=True)


def test_unknown_token_is_refused(client):
    resp = client.get("/console/login/not-a-real-token")
    assert resp.status_code == 403 and "ไม่พบลิงก์" in resp.get_data(as_text=True)


def test_every_console_page_needs_a_session(app, client):
    rules = [r for r in app.url_map.iter_rules()
             if r.rule.startswith("/console") and "GET" in r.methods and not r.arguments
             and r.endpoint not in ("console.signed_out", "console.dev_personas")]
    assert len(rules) >= 8
    for rule in rules:
        resp = client.get(rule.rule)
        assert resp.status_code == 401, rule.rule
        assert "เข้าสู่ระบบ" in resp.get_data(as_text=True)


def test_role_removed_in_chat_ends_console_access_at_next_request(app, db, personas, login):
    browser = app.test_client()
    login(browser, personas.committee)
    assert browser.get("/console/").status_code == 200
    with db() as s:
        membership.set_role(s, s.get(User, personas.committee), "committee", grant=False)
    resp = browser.get("/console/")
    assert resp.status_code == 401 and "หมดเวลา" in resp.get_data(as_text=True)
    with db() as s:
        membership.set_role(s, s.get(User, personas.committee), "committee", grant=True)
    assert browser.get("/console/").status_code == 401  # the ended session stays ended


def test_idle_eight_hours_signs_out(app, clock, personas, login):
    browser = app.test_client()
    login(browser, personas.admin)
    clock.advance(hours=7, minutes=59)
    assert browser.get("/console/").status_code == 200  # use keeps it alive
    clock.advance(hours=8, minutes=1)
    assert browser.get("/console/").status_code == 401


def test_sign_out_ends_the_session_and_needs_its_csrf_token(app, personas, login):
    browser = app.test_client()
    login(browser, personas.admin)
    assert browser.post("/console/logout").status_code == 400  # no token: refused, still signed in
    assert browser.get("/console/").status_code == 200
    token = csrf_of(browser.get("/console/").get_data(as_text=True))
    assert browser.post("/console/logout", data={"csrf_token": token}).status_code == 302
    assert browser.get("/console/").status_code == 401


def test_cookie_is_httponly_lax_and_scoped_to_the_console(app, db, clock, personas):
    resp = app.test_client().get(link_for(db, clock, personas.admin))
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # APP_ENV=test; production sets it (test_config_production_cookie)


def test_production_cookie_is_secure(config, clock):
    from bot import create_app
    config.APP_ENV = "production"
    config.PUBLIC_BASE_URL = "https://bot.example.go.th"  # production refuses an http address (bot/app.py)
    app = create_app(config, clock=clock, recover_every_s=None)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        app.extensions["bot"].close()


def test_cli_prints_a_link_for_a_console_role_and_refuses_staff(app, db, personas):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["console-link", _line_id(db, personas.coord_a)])
    assert ok.exit_code == 0 and "/console/login/" in ok.output
    path = "/console/login/" + ok.output.split("/console/login/")[1].split()[0]
    assert app.test_client().get(path).status_code == 302
    refused = runner.invoke(args=["console-link", _line_id(db, personas.staff)])
    assert refused.exit_code != 0 and "no console role" in refused.output


def test_sandbox_persona_sign_in_is_absent_outside_the_demo(client):
    assert client.get("/console/dev/personas").status_code == 404
    assert client.post("/console/dev/personas/1").status_code == 404


def test_no_link_is_ever_posted_in_a_group_chat(send, line, db, personas):
    from bot.dev.sandbox import events as ev
    from models.console import ConsoleLink
    lid = _line_id(db, personas.admin)
    event = ev.text_event(lid, "แดชบอร์ด")
    send({**event, "source": {"type": "group", "groupId": "C" + "1" * 32, "userId": lid}})
    msg = line.messages_for(lid)[-1]
    assert _uri_of(msg) is None and "แชตส่วนตัว" in json.dumps(msg, ensure_ascii=False)
    with db() as s:
        assert s.exec(select(ConsoleLink)).all() == []
