"""Browser chat simulator (SANDBOX mode only): act as a seeded staff member, coordinator, committee member,
admin or a brand-new user, through the real webhook path.

The page (`bot/dev/simulator_static/`, no build step, nothing from a CDN) talks only to this blueprint, which
proxies to the sandbox LINE platform at `Config.LINE_API_BASE`:

    browser ──/sim/api/send──▶ here ──/_sandbox/webhook──▶ sandbox ──signed POST /callback──▶ bot
    browser ◀─/sim/api/deliveries (poll ~1 s)── here ◀── /_sandbox/deliveries ◀── replies, pushes
"""
from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import requests
from flask import Blueprint, Response, abort, current_app, jsonify, request, send_from_directory

log = logging.getLogger("bot.dev.simulator")
STATIC = Path(__file__).resolve().parent / "simulator_static"
FONTS = Path(__file__).resolve().parents[2] / "messages_th" / "fonts"
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_MENU_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
_SEND_KINDS = {"text", "postback", "image", "follow", "unfollow"}
_TIMEOUT = 15.0

bp = Blueprint("simulator", __name__, static_folder=str(STATIC), static_url_path="/sim/static")


def _cfg():
    return current_app.config["BOT"]


def _sandbox(method: str, path: str, **kw) -> requests.Response:
    url = _cfg().LINE_API_BASE.rstrip("/") + path
    try:
        return requests.request(method, url, timeout=kw.pop("timeout", _TIMEOUT), **kw)
    except requests.RequestException as exc:
        log.warning("sandbox unreachable (%s %s): %s", method, path, exc)
        abort(502, description=f"sandbox LINE platform unreachable at {_cfg().LINE_API_BASE}")


def _relay(resp: requests.Response) -> Response:
    ctype = resp.headers.get("Content-Type", "application/json")
    return Response(resp.content, status=resp.status_code, content_type=ctype)


def _user_id(value: str | None) -> str:
    if not value or not _USER_ID.match(value):
        abort(400, description="userId must be U + 32 hex digits")
    return value


@bp.get("/")
def index():
    resp = send_from_directory(STATIC, "index.html")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/sim/fonts/<name>")
def font(name: str):
    if not re.fullmatch(r"[A-Za-z0-9-]+\.ttf", name):
        abort(404)
    return send_from_directory(FONTS, name, max_age=86400)


@bp.get("/sim/api/info")
def info():
    cfg = _cfg()
    # Changes with every demo run (fresh token): the page drops chat logs kept from an older sandbox.
    run = hashlib.sha256(f"{cfg.LINE_CHANNEL_ACCESS_TOKEN}|{cfg.LINE_API_BASE}".encode()).hexdigest()[:12]
    return jsonify(run=run, sandbox=cfg.LINE_API_BASE)


@bp.get("/sim/api/personas")
def personas():
    """Seeded people to act as, strongest role first within each bureau."""
    from sqlmodel import select

    from bot.conversation.auth import RANK
    from messages_th.names import person
    from models.core import Bureau, User, UserRole
    from models.db import session_scope

    engine = current_app.extensions["bot"].engine
    out = []
    with session_scope(engine, readonly=True) as s:
        bureaus = {b.id: b for b in s.exec(select(Bureau))}
        roles: dict[int, list[str]] = {}
        for r in s.exec(select(UserRole)):
            roles.setdefault(r.user_id, []).append(r.role)
        for u in s.exec(select(User).where(User.status != "erased").order_by(User.id)):
            user_roles = sorted(set(roles.get(u.id, [])) | ({"staff"} if u.registered else set()),
                                key=lambda r: -RANK.get(r, 0))
            b = bureaus.get(u.bureau_id)
            out.append({"userId": u.line_user_id, "name": person(u.title, u.full_name or u.display_name or u.line_user_id[:9]),
                        "position": u.position, "bureau": b.name if b else None,
                        "bureauCode": b.code if b else None, "status": u.status,
                        "roles": user_roles, "role": user_roles[0] if user_roles else None})
    rank = {"admin": 0, "committee": 1, "coordinator": 2, "staff": 3, None: 4}
    out.sort(key=lambda p: (rank.get(p["role"], 4), p["bureauCode"] or "", p["name"]))
    return jsonify(personas=out)


@bp.post("/sim/api/profile")
def profile():
    """Tell the sandbox a persona's LINE display name (what the bot reads from the profile API)."""
    body = request.get_json(silent=True) or {}
    user = _user_id(body.get("userId"))
    name = str(body.get("displayName") or "")[:100] or "ผู้ใช้ใหม่"
    return _relay(_sandbox("POST", "/_sandbox/profile", json={"userId": user, "displayName": name}))


@bp.post("/sim/api/send")
def send():
    """One user action → the sandbox builds the LINE event, signs it and POSTs it to /callback."""
    body = request.get_json(silent=True) or {}
    if body.get("type") not in _SEND_KINDS:
        abort(400, description=f"type must be one of {sorted(_SEND_KINDS)}")
    _user_id(body.get("userId"))
    keep = {"type", "userId", "text", "data", "params", "imageBase64", "contentType"}
    return _relay(_sandbox("POST", "/_sandbox/webhook", json={k: v for k, v in body.items() if k in keep}))


@bp.get("/sim/api/deliveries")
def deliveries():
    params = {"since": request.args.get("since", default=0, type=int)}
    if request.args.get("user"):
        params["user"] = _user_id(request.args.get("user"))
    return _relay(_sandbox("GET", "/_sandbox/deliveries", params=params, timeout=5.0))


@bp.get("/sim/api/demo")
def demo():
    """What a newcomer needs beside the chat: the invite codes from the demo database and the clock's jobs."""
    from bot.dev.demo.panel import HOW_TO_REGISTER, invites, job_names
    from models.core import utcnow
    from models.db import session_scope

    state = current_app.extensions["bot"]
    with session_scope(state.engine, readonly=True) as s:
        codes = invites(s, utcnow())
    return jsonify(invites=codes, howToRegister=HOW_TO_REGISTER, jobs=job_names(state.config))


@bp.post("/sim/api/jobs/run")
def run_jobs():
    """Run the clock's jobs now (quiet hours ignored) and send their pushes: they show up in the chats."""
    from bot.dev.demo.panel import run_now

    body = request.get_json(silent=True) or {}
    names = body.get("jobs") or None
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        abort(400, description="jobs must be a list of job names")
    state = current_app.extensions["bot"]
    try:
        return jsonify(run_now(state.engine, state.config, state.gateway, names))
    except KeyError as exc:
        abort(400, description=exc.args[0])


@bp.get("/sim/api/richmenu/user/<user_id>")
def user_menu(user_id: str):
    return _relay(_sandbox("GET", f"/_sandbox/richmenu/user/{_user_id(user_id)}"))


@bp.get("/sim/api/richmenu/alias/<alias_id>")
def alias_menu(alias_id: str):
    if not _MENU_ID.match(alias_id):
        abort(404)
    return _relay(_sandbox("GET", f"/_sandbox/richmenu/alias/{alias_id}"))


@bp.get("/sim/api/richmenu/<menu_id>/image")
def menu_image(menu_id: str):
    if not _MENU_ID.match(menu_id):
        abort(404)
    resp = _relay(_sandbox("GET", f"/_sandbox/richmenu/{menu_id}/image"))
    resp.headers["Cache-Control"] = "max-age=3600"  # LINE never replaces an uploaded menu image
    return resp


def register_simulator(app) -> None:
    if not app.config["BOT"].SANDBOX:
        return  # never next to real LINE credentials
    app.register_blueprint(bp)
