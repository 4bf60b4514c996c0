"""QR codes drawn on the server as inline SVG (no image fetched at run time; prints sharp at any size)."""
from __future__ import annotations

import qrcode
import qrcode.image.svg

ADD_FRIEND = "https://line.me/R/ti/p/{basic_id}"  # LINE's add-friend link for an account's basic id


def add_friend_url(basic_id: str) -> str:
    return ADD_FRIEND.format(basic_id=basic_id)


def svg(data: str, *, label: str = "") -> str:
    """An <svg> element for `data` (error correction M: survives a smudged print), sized by CSS."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                       image_factory=qrcode.image.svg.SvgPathImage)
    qr.add_data(data)
    qr.make(fit=True)
    text = qr.make_image().to_string(encoding="unicode")
    # the factory writes a fixed size in mm; the page decides the size, and screen readers get the label
    start = text.index("<svg")
    head_end = text.index(">", start)
    head = text[start:head_end]
    for attr in ("width", "height"):
        head = _drop_attr(head, attr)
    extra = f' role="img" aria-label="{_escape(label)}" class="qr"' if label else ' class="qr"'
    return head + extra + text[head_end:]


def _drop_attr(tag: str, name: str) -> str:
    key = f' {name}="'
    i = tag.find(key)
    if i < 0:
        return tag
    j = tag.index('"', i + len(key))
    return tag[:i] + tag[j + 1:]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
