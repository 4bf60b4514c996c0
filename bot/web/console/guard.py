"""Every console request: who is signed in (re-checked against the database each time), CSRF on forms, and
the 403/400 pages. Pages get `viewer()`, `db()` and `now()` from here."""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, g, redirect, render_template, request, session, url_for

from bot.services import console_access as access
from bot.web.console.blueprint import bp, csrf
from messages_th.dates import fiscal_year_be, today_bkk
from models.db import session_scope

OPEN_ENDPOINTS = {"console.signin", "console.signed_out", "console.static", "console.font", "console.dev_personas",
                  "console.dev_signin"}


def now():
    return current_app.extensions["bot"].clock()


@contextmanager
def db():
    """A session for one page's work; commits when the block ends without an error."""
    with session_scope(current_app.extensions["bot"].engine) as s:
        yield s


def viewer() -> access.Viewer:
    return g.viewer


def requested_fy() -> int:
    """The fiscal year (พ.ศ.) a page was asked for (`?fy=` or a form's `fy`); the current one when it is
    missing, not a number, or outside พ.ศ. 2400–2799."""
    default = fiscal_year_be(today_bkk(now()))
    try:
        fy = int(request.values.get("fy", default))
    except ValueError:
        return default
    return fy if 2400 <= fy <= 2799 else default


@bp.before_request
def _load_viewer():
    g.viewer = None
    sid = session.get("sid")
    if sid:
        with db() as s:
            g.viewer = access.resume(s, sid, now())
        if g.viewer is None:
            session.clear()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if g.viewer is None:
        return render_template("console/signed_out.html", reason="expired" if sid else "anonymous"), 401
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()  # CSRFError → csrf_failed (400)
    return None


@bp.app_errorhandler(access.Forbidden)
def _forbidden(_err):
    return render_template("console/forbidden.html"), 403


def csrf_failed(_err):
    """A form without its token (or from another site): 400, nothing changed."""
    if request.path.startswith("/console"):
        return render_template("console/bad_form.html"), 400
    return {"error": "CSRF token missing or invalid"}, 400


@bp.app_context_processor
def _nav():
    from bot.web.console.pages import nav_for
    v = g.get("viewer")
    return {"viewer": v, "nav": nav_for(v) if v else []}


def back(endpoint: str, **values):
    return redirect(url_for(endpoint, **values))
