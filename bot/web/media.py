"""GET /media/<name>: the public images LINE fetches (the digest chart); GET /media/photo/<name>: a private
deed photo through its signed, expiring link (bot/services/photo_links.py). Storage: bot/services/files.py."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, request, send_from_directory

from bot.services import photo_links
from bot.services.files import PRIVATE, PUBLIC, media_path

bp = Blueprint("media", __name__)
_NAME = re.compile(r"^[A-Za-z0-9_-]{20,80}\.(png|jpg)$")


@bp.get("/media/<name>")
def public_media(name: str):
    if not _NAME.match(name):
        abort(404)
    cfg = current_app.config["BOT"]
    return send_from_directory(media_path(cfg.MEDIA_DIR, PUBLIC), name, max_age=3600)


@bp.get("/media/photo/<name>")
def private_photo(name: str):
    """A private photo through its signed, expiring link (why not a public copy: bot/services/photo_links.py)."""
    cfg = current_app.config["BOT"]
    if not photo_links.valid(cfg.LINE_CHANNEL_SECRET, name, request.args.get("e", ""), request.args.get("s", ""),
                             current_app.extensions["bot"].clock()):
        abort(404)  # the same answer for a bad signature, an expired link and a missing file: nothing to probe
    return send_from_directory(media_path(cfg.MEDIA_DIR, PRIVATE), name, max_age=3600)
