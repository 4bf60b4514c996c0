"""Sign-in by the one-time link from the bot (`/console/login/<token>`), sign-out, and in the sandbox only a
one-click sign-in as each demo persona."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, session, url_for

from bot.services import console_access as access
from bot.web.console.blueprint import bp
from bot.web.console.guard import db, now
from models.core import User


@bp.get("/login/<token>")
def signin(token: str):
    with db() as s:
        result = access.redeem_link(s, token, now())
    if isinstance(result, access.LinkRefused):
        return render_template("console/link_refused.html", reason=str(result)), 403
    sid, _viewer = result
    session.clear()
    session.permanent = True
    session["sid"] = sid
    return redirect(url_for("console.overview.index"))


@bp.post("/logout")
def signout():
    sid = session.get("sid")
    if sid:
        with db() as s:
            access.end(s, sid, now())
    session.clear()
    return redirect(url_for("console.signed_out"))


@bp.get("/signed-out")
def signed_out():
    return render_template("console/signed_out.html", reason="signed_out")


def _sandbox() -> bool:
    return bool(current_app.config["BOT"].SANDBOX)


@bp.get("/dev/personas")
def dev_personas():
    """Demo only (SANDBOX=1): the demo's people with a console role, one click each."""
    if not _sandbox():
        abort(404)
    with db() as s:
        from sqlmodel import select
        people = []
        for u in s.exec(select(User).where(User.status == "registered").order_by(User.id)):
            found = access.console_role(s, u)
            if found:
                people.append((u.id, u.full_name or u.display_name or f"#{u.id}", found[0]))
    return render_template("console/dev_personas.html", people=people)


@bp.post("/dev/personas/<int:user_id>")
def dev_signin(user_id: int):
    if not _sandbox():
        abort(404)
    with db() as s:
        user = s.get(User, user_id)
        issued = access.issue_link(s, user, now()) if user else None
    if issued is None:
        abort(404)
    return redirect(url_for("console.signin", token=issued[0]))
