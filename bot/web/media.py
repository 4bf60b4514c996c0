"""GET /media/<name>: the public images LINE fetches (the digest chart); storage is bot/services/files.py."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, send_from_directory

from bot.services.files import PUBLIC, media_path

bp = Blueprint("media", __name__)
_NAME = re.compile(r"^[A-Za-z0-9_-]{20,80}\.(png|jpg)$")


@bp.get("/media/<name>")
def public_media(name: str):
    if not _NAME.match(name):
        abort(404)
    cfg = current_app.config["BOT"]
    return send_from_directory(media_path(cfg.MEDIA_DIR, PUBLIC), name, max_age=3600)
