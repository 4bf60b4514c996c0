"""The secretariat console: Thai web pages for the people who run the plan (issue 15).

Routes only: each page module in `pages/` reads and writes through `bot/services`, which also hold the role
checks (`bot.services.console_access`); this package signs people in, keeps the session cookie, checks CSRF on
every form (Flask-WTF) and turns `Forbidden` into a 403 page.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_wtf.csrf import CSRFError


def init_console(app: Flask, config) -> None:
    from bot.web.console import filters, fonts, guard, pages, signin  # noqa: F401  (routes register on import)
    from bot.web.console.blueprint import bp, csrf

    app.config.update(
        SECRET_KEY=config.console_secret_key(),
        SESSION_COOKIE_NAME="console_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.APP_ENV == "production",
        SESSION_COOKIE_PATH="/console",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # CSRF is checked by the console's guard only (the webhook and the sandbox are signed, not forms);
        # a token lives as long as the session (8 hours idle), not Flask-WTF's default hour.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,  # the reverse proxy may not pass the Referer on; the token is the check
    )
    csrf.init_app(app)
    if not bp._got_registered_once:  # one module-level blueprint serves every app the process builds (tests)
        for page in pages.blueprints():
            bp.register_blueprint(page)
    app.register_blueprint(bp)
    filters.register(app)
    app.register_error_handler(CSRFError, guard.csrf_failed)
