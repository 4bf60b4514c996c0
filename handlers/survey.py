"""Flow: the ITA internal survey drive (issue 17) — no steps: staff type the keyword for the open drive's link
and "ตอบแล้ว", or tap "ตอบแล้ว" on the invite or a reminder (the worker's survey job sends both).

```mermaid
stateDiagram-v2
    [*] --> [*]: KW_SURVEY typed (staff): the open drives, each with its link and "ตอบแล้ว" until tapped
    [*] --> [*]: survey.done id= (staff): counted once; a second tap, a closed or another bureau's drive said so
```
The admin sets the link and window in the console (bot/web/console/pages/survey.py) or the CLI (`survey`).
"""
from __future__ import annotations

import messages_th.survey as th
from bot.services import survey as svc
from models.enums import Role


def show(ctx):
    """The open drives inviting this staff member; next: the link, or "ตอบแล้ว"."""
    drives = svc.open_for(ctx.session, ctx.user, ctx.now)
    return [th.drives_card(drives, {d.id: svc.answered_at(ctx.session, d.id, ctx.user.id) for d in drives})]


def done(ctx):
    """The staff member's own "ตอบแล้ว" (never an answer); a double tap counts once."""
    status, _drive = svc.mark_done(ctx.session, ctx.arg("id", int), ctx.user, ctx.now)
    return [th.done(status)]


def register(router) -> None:
    router.text(th.KW_SURVEY, show, role=Role.STAFF)
    router.postback("survey.done", done, role=Role.STAFF)
