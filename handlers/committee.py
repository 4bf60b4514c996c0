"""Flow: committee — the weekly digest on demand (keyword KW_DIGEST or postback `digest.show`).

Same numbers as the Monday push (bot.services.digest.compute); the chart is published under PUBLIC_BASE_URL.
Next step: the committee member reads it; nothing else is asked.
"""
from __future__ import annotations

import json

from bot.services.digest import compute
from bot.services.files import public_name, public_url
from messages_th import digest as th
from models.enums import Role


def show_digest(ctx):
    """Committee only (the route says so); replies with the Flex digest and the chart image. The chart is
    drawn after the commit (an effect), not inside the batch's transaction."""
    data = compute(ctx.session, ctx.now)
    name = public_name("digest", json.dumps(data, sort_keys=True, default=str, ensure_ascii=False))
    ctx.after_commit("write_public", media_dir=ctx.config.MEDIA_DIR, name=name, render=lambda: th.chart_png(data))
    return th.digest_messages(data, public_url(ctx.config.PUBLIC_BASE_URL, name))


def register(router) -> None:
    router.text(th.KW_DIGEST, show_digest, role=Role.COMMITTEE)
    router.postback("digest.show", show_digest, role=Role.COMMITTEE)
