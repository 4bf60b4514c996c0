"""The console's Thai font (Sarabun, OFL, vendored in messages_th/fonts for the images): served by us, so the
pages look the same on every desk without fetching a web font (government networks often block them)."""
from __future__ import annotations

from flask import abort, send_from_directory

from bot.web.console.blueprint import bp
from messages_th.art import FONT_DIR

FONTS = {"Sarabun-Regular.ttf", "Sarabun-Bold.ttf"}


@bp.get("/fonts/<name>")
def font(name: str):
    if name not in FONTS:
        abort(404)
    return send_from_directory(FONT_DIR, name, max_age=7 * 24 * 3600)
