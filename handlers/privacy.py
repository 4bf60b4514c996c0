"""Flow: privacy (PDPA). Export everything held about the user; erase personal data after a confirmation.

Stateless (no conversation steps): the confirmation is a card with two buttons, valid whenever it is tapped.

```mermaid
stateDiagram-v2
    [*] --> [*]: export keyword (everything held, as texts)
    [*] --> [*]: erase keyword (the confirmation card)
    [*] --> [*]: privacy.erase (erased; a re-follow starts fresh) / privacy.keep
```

What erasure keeps and deletes: bot/services/privacy.py.
"""
from __future__ import annotations

import messages_th.privacy as th
from bot.conversation.auth import roles_of
from bot.services import privacy as svc
from messages_th.common import role_th
from messages_th.dates import thai_datetime
from messages_th.virtues import VIRTUES

VIRTUE_TH = {v.key: v.name for v in VIRTUES}


def export(ctx):
    """Profile, roles, deed counts and list as readable texts; next: nothing."""
    data = svc.export_data(ctx.session, ctx.user)
    u = data.user
    profile = {"line_user_id": u.line_user_id, "display_name": u.display_name, "title": u.title,
               "full_name": u.full_name,
               "position": u.position, "bureau": data.bureau, "status": u.status,
               "consent_at": thai_datetime(u.consent_at) if u.consent_at else None}
    roles = sorted({role_th(r) for r, _ in roles_of(ctx.session, u)})
    lines = [th.deed_line(d.deed_date, VIRTUE_TH.get(d.virtue, d.virtue), d.description, len(d.photos or []))
             for d in data.deeds]
    return th.export_messages(profile, roles, [(VIRTUE_TH.get(v, v), n) for v, n in data.counts], lines,
                              recognition=data.recognition)


def ask_erase(ctx):
    """Explain what goes and ask to confirm; next: privacy.erase or privacy.keep."""
    return [th.erase_confirm()]


def keep(ctx):
    """Nothing erased; next: nothing."""
    return [th.erase_kept()]


def erase(ctx):
    """Anonymise the user, drop roles and state, erase deed details; next: a fresh start if they return."""
    real_id = svc.erase_user(ctx.session, ctx.user, ctx.state, media_dir=ctx.config.MEDIA_DIR, now=ctx.now,
                             event_id=ctx.event.get("webhookEventId"))
    ctx.after_commit("link_menu", user_id=real_id, rich_menu_id=None)
    ctx.after_commit("checkpoint")  # SQLite: the erased values leave the WAL too
    return [th.erased()]


def register(router) -> None:
    router.text(th.EXPORT_WORD, export)
    router.text(th.ERASE_WORD, ask_erase)
    # erasing deletes the conversation state, parked flows too: nothing is parked to be offered back
    router.postback("privacy.erase", erase, keeps_flow=True)
    router.postback("privacy.keep", keep)
