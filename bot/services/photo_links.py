"""Links to private photos (deed photos are private files: bot/services/files.py store_private).

LINE shows an image only from a public HTTPS URL that its servers fetch. Publishing a copy would make a
staff member's photo public for good (and survive a PDPA erase unless every copy is tracked). So a photo is
served from its private file through an unguessable, expiring signed URL instead: HMAC-SHA-256 over the
file's name and the expiry, under a key derived from the channel secret (server-only, already required in
production; a derived key so the signature says nothing about the secret). Whoever holds a link can see the
photo until it expires; a new view of "my record" gives fresh links. An erased photo's file is gone: 404.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from bot.services.files import PRIVATE

TTL = timedelta(days=7)  # long enough to look back in the chat for a while, short enough to limit a leak
_NAME = re.compile(r"^[0-9a-f]{64}\.(jpg|png)$")


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"private-photo-links/v1", hashlib.sha256).digest()


def _sig(secret: str, name: str, expires: int) -> str:
    return hmac.new(_key(secret), f"{name}|{expires}".encode(), hashlib.sha256).hexdigest()


def name_of(rel_path: str) -> str | None:
    """The file name of a stored photo path ("private/<sha256>.jpg"), or None if it is not one."""
    kind, _, name = (rel_path or "").partition("/")
    return name if kind == PRIVATE and _NAME.match(name) else None


def signed_url(base_url: str, secret: str, rel_path: str, now: datetime, ttl: timedelta = TTL) -> str | None:
    """The photo's URL for LINE, valid until now + ttl; None without a secret or for a path not a photo's."""
    name = name_of(rel_path)
    if not (secret and base_url and name):
        return None
    expires = int((now + ttl).timestamp())
    return f"{base_url.rstrip('/')}/media/photo/{name}?e={expires}&s={_sig(secret, name, expires)}"


def valid(secret: str, name: str, expires: str, sig: str, now: datetime) -> bool:
    """The link's signature matches and it has not expired."""
    if not (secret and _NAME.match(name or "") and (expires or "").isdigit()):
        return False
    if int(expires) < now.timestamp():
        return False
    return hmac.compare_digest(_sig(secret, name, int(expires)), sig or "")
