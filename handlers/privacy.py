"""Flow: privacy (PDPA). Export everything held about the user; erase personal data after a confirmation.

```mermaid
stateDiagram-v2
    [*] --> export: export keyword
    export --> [*]
    [*] --> confirm: erase keyword
    confirm --> erased: privacy.erase
    confirm --> [*]: privacy.keep
    erased --> [*]: a re-follow starts fresh
```

Erasure keeps what the plan needs anonymously: the user row (pseudonymous id, no names, status "erased"),
the deed rows' counts (their personal fields are erased by `bot.services.deeds.erase_user_deeds`) and the
ledger. Roles, failed-code attempts and the conversation state are deleted; past webhook payloads of the user
are blanked.
"""
from __future__ import annotations

import secrets

from sqlalchemy import delete, func, update
from sqlmodel import select

import messages_th.privacy as th
from bot.conversation.auth import roles_of
from messages_th.common import role_th
from messages_th.dates import thai_datetime
from messages_th.virtues import VIRTUES
from models.core import Bureau, InboxEvent, UserRole
from models.deeds import Deed
from models.onboarding import RegistrationAttempt

VIRTUE_TH = {v.key: v.name for v in VIRTUES}


def export(ctx):
    """Profile, roles, deed counts and list as readable texts; next: nothing."""
    u = ctx.user
    bureau = ctx.session.get(Bureau, u.bureau_id) if u.bureau_id else None
    profile = {"line_user_id": u.line_user_id, "display_name": u.display_name, "full_name": u.full_name,
               "position": u.position, "bureau": bureau.name if bureau else None, "status": u.status,
               "consent_at": thai_datetime(u.consent_at) if u.consent_at else None}
    roles = sorted({role_th(r) for r, _ in roles_of(ctx.session, u)})
    counts = ctx.session.exec(select(Deed.virtue, func.count()).where(Deed.user_id == u.id, Deed.deleted_at.is_(None))
                              .group_by(Deed.virtue)).all()
    deeds = ctx.session.exec(select(Deed).where(Deed.user_id == u.id, Deed.deleted_at.is_(None))
                             .order_by(Deed.deed_date.desc(), Deed.id.desc())).all()
    lines = [th.deed_line(d.deed_date, VIRTUE_TH.get(d.virtue, d.virtue), d.description, len(d.photos or []))
             for d in deeds]
    return th.export_messages(profile, roles, [(VIRTUE_TH.get(v, v), n) for v, n in counts], lines)


def ask_erase(ctx):
    """Explain what goes and ask to confirm; next: privacy.erase or privacy.keep."""
    return [th.erase_confirm()]


def keep(ctx):
    """Nothing erased; next: nothing."""
    return [th.erase_kept()]


def erase(ctx):
    """Anonymise the user, drop roles and state, erase deed details; next: a fresh start if they return."""
    u, real_id = ctx.user, ctx.user.line_user_id
    s = ctx.session
    from bot.services.deeds import erase_user_deeds
    erase_user_deeds(s, u, media_dir=ctx.config.MEDIA_DIR, now=ctx.now)
    s.exec(delete(UserRole).where(UserRole.user_id == u.id))
    s.exec(delete(RegistrationAttempt).where(RegistrationAttempt.user_id == u.id))
    s.execute(update(InboxEvent).where(InboxEvent.line_user_id == real_id,  # the event being handled stays
                                       InboxEvent.status.notin_(("pending", "handled")))
              .values(payload="{}", line_user_id=None))
    u.line_user_id = "erased-" + secrets.token_hex(12)
    u.display_name = u.full_name = u.position = u.rich_menu_id = None
    u.status, u.following, u.consent_at, u.registered_at, u.updated_at = "erased", False, None, None, ctx.now
    s.add(u)
    s.delete(ctx.state)
    ctx.after_commit("link_menu", user_id=real_id, rich_menu_id=None)
    return [th.erased()]


def register(router) -> None:
    router.text(th.EXPORT_WORD, export)
    router.text(th.ERASE_WORD, ask_erase)
    router.postback("privacy.erase", erase)
    router.postback("privacy.keep", keep)
