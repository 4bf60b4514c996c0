"""Files the bot keeps outside the database: private photos (by content hash) and public images for LINE.

`accept_photo` is the one photo intake (deed photos, pledge progress, round-report evidence): it checks
the size and that the bytes really are a JPEG or PNG before anything is written.

Public images (e.g. the digest chart) get a random, unguessable name; bot/web/media.py serves them at
/media/<name> under PUBLIC_BASE_URL, because LINE fetches image URLs itself.
"""
from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path

from PIL import Image

PUBLIC = "public"
PRIVATE = "private"
MAX_PHOTO_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png"}  # Pillow's format name → the stored extension


class PhotoError(ValueError):
    """`code`: too_large (info: limit_mb, size) | not_image; callers pick the Thai message."""

    def __init__(self, code: str, **info):
        super().__init__(code)
        self.code, self.info = code, info


def media_path(media_dir: str, kind: str) -> Path:
    path = Path(media_dir) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_private(media_dir: str, data: bytes, ext: str) -> tuple[str, str]:
    """Keep a photo; returns (relative path, sha256). The same bytes twice are stored once."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest}.{ext}"
    target = media_path(media_dir, PRIVATE) / name
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
    """Write a public image; returns the URL LINE will fetch it from."""
    name = f"{secrets.token_urlsafe(24)}.{ext}"
    (media_path(media_dir, PUBLIC) / name).write_bytes(data)
    return f"{public_base_url.rstrip('/')}/media/{name}"


def public_name(kind: str, content_key: str, ext: str = "png") -> str:
    """A public file's name fixed by what it shows (the same digest numbers give the same chart), so the URL
    can go into a reply before the file is written after the commit."""
    return f"{kind}-{hashlib.sha256(content_key.encode()).hexdigest()[:32]}.{ext}"


def public_url(public_base_url: str, name: str) -> str:
    return f"{public_base_url.rstrip('/')}/media/{name}"


def write_public(media_dir: str, name: str, render) -> None:
    """Write the public file `name` from `render()` unless it is there already (a second view renders nothing)."""
    path = media_path(media_dir, PUBLIC) / name
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(render())
        tmp.replace(path)  # whole or not at all: LINE may fetch it at once


def image_ext(data: bytes) -> str:
    """The extension for a real JPEG/PNG of at most MAX_PHOTO_BYTES; PhotoError otherwise. The type comes
    from the bytes, never from LINE's content type."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError("too_large", limit_mb=MAX_PHOTO_BYTES // (1024 * 1024), size=len(data))
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.verify()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for junk input
        raise PhotoError("not_image") from exc
    if fmt not in IMAGE_FORMATS:
        raise PhotoError("not_image")
    return IMAGE_FORMATS[fmt]


def accept_photo(media_dir: str, data: bytes) -> dict:
    """Check the bytes (image_ext), then store them privately: {path, sha256}. Nothing is written on error."""
    path, digest = store_private(media_dir, data, image_ext(data))
    return {"path": path, "sha256": digest}
