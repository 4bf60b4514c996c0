"""Files the bot keeps outside the database: private photos (by content hash) and public images for LINE.

Public images (e.g. the digest chart) get a random, unguessable name and are served at /media/<name>,
under PUBLIC_BASE_URL, because LINE fetches image URLs itself.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("media", __name__)
PUBLIC = "public"
PRIVATE = "private"
_NAME = re.compile(r"^[A-Za-z0-9_-]{20,80}\.(png|jpg)$")


def _dir(media_dir: str, kind: str) -> Path:
    path = Path(media_dir) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_private(media_dir: str, data: bytes, ext: str) -> tuple[str, str]:
    """Keep a photo; returns (relative path, sha256). The same bytes twice are stored once."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest}.{ext}"
    target = _dir(media_dir, PRIVATE) / name
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)  # atomic: a reader never sees half a file
    return f"{PRIVATE}/{name}", digest


def delete_private(media_dir: str, rel_path: str) -> None:
    path = Path(media_dir) / rel_path
    if path.parent.name == PRIVATE and path.exists():
        path.unlink()


def publish(media_dir: str, public_base_url: str, data: bytes, ext: str = "png") -> str:
    name = f"{secrets.token_urlsafe(24)}.{ext}"
    (_dir(media_dir, PUBLIC) / name).write_bytes(data)
    return f"{public_base_url.rstrip('/')}/media/{name}"


@bp.get("/media/<name>")
def public_media(name: str):
    if not _NAME.match(name):
        abort(404)
    cfg = current_app.config["BOT"]
    return send_from_directory(_dir(cfg.MEDIA_DIR, PUBLIC), name, max_age=3600)
