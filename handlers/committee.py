"""Flow: committee — the weekly digest on demand (keyword KW_DIGEST or postback `digest.show`).

Same numbers as the Monday push (bot.services.digest.compute); the chart is published under PUBLIC_BASE_URL.
Next step: the committee member reads it; nothing else is asked.
"""
from __future__ import annotations

import logging

from bot.services.digest import compute
from bot.services.files import publish
from messages_th import digest as th
from models.enums import Role

log = logging.getLogger("handlers.committee")


def show_digest(ctx):
    """Committee only (the route says so); replies with the Flex digest and the chart image."""
    data = compute(ctx.session, ctx.now)
    url = None
    try:
        url = publish(ctx.config.MEDIA_DIR, ctx.config.PUBLIC_BASE_URL, th.chart_png(data))
    except OSError:  # the media directory is not writable: the numbers still go out
        log.exception("digest chart not published")
    return th.digest_messages(data, url)


def register(router) -> None:
    router.text(th.KW_DIGEST, show_digest, role=Role.COMMITTEE)
    router.postback("digest.show", show_digest, role=Role.COMMITTEE)
