"""Flow: the admin corner in chat. Invite codes, registration approvals, role changes; admins only.

Every route declares the admin role, so the router checks it before the handler runs: a forged postback
(say `admin.approve`) from anyone else gets the polite refusal and changes nothing. The buttons carry what
they act on (`uid`, `bureau`), so only the name search is a conversation step.

```mermaid
stateDiagram-v2
    [*] --> search: admin.roles (from the admin menu: admin keyword / admin.menu)
    search --> search: nobody registered matches
    search --> [*]: matches as buttons (admin.pick uid → admin.role uid role op; menu relinked)
    [*] --> [*]: admin.invite [bureau] (code shown) / admin.pending or "อนุมัติ" → admin.approve, admin.reject uid
```
"""
from __future__ import annotations

from enum import StrEnum

import messages_th.admin as th
import messages_th.names as names
import messages_th.onboarding as th_onboarding
from bot.conversation.context import StaleButton
from bot.conversation.flow import restart
from bot.services import audience, quiet_hours
from bot.services import membership as registry
from models.enums import EXTRA_ROLES, Role, UserStatus

FLOW = "admin"
INVITE_DAYS = 30
SHOWN = 13  # quick replies


class Step(StrEnum):
    SEARCH = "search"


def menu(ctx):
    """Admin actions as buttons; next: admin.invite / admin.pending / admin.roles."""
    return [th.admin_menu()]


def invite(ctx):
    """Without a bureau: choose one; with one: a new 30-day code; next: nothing."""
    bureau = registry.get_bureau(ctx.session, ctx.arg("bureau", int, default=None))
    if bureau is None:
        return [th.choose_bureau([(b.id, b.name) for b in registry.active_bureaus(ctx.session)])]
    inv = registry.create_invite(ctx.session, bureau, ctx.now, days=INVITE_DAYS, created_by=f"user:{ctx.user.id}")
    return [th.invite_created(inv.code, bureau.name, inv.expires_at, inv.max_uses)]


def _row(ctx, u):
    return (u.id, names.person(u.title, u.full_name), u.position, registry.bureau_name(ctx.session, u.bureau_id),
            u.display_name)


def pending(ctx):
    """Requests waiting, each with approve / reject buttons; next: admin.approve or admin.reject."""
    return [th.pending_list([_row(ctx, u) for u in registry.pending(ctx.session, 12)])]


def tell_admins(ctx, user) -> None:
    """A new approval request, pushed to every admin with the approve / refuse buttons, outside quiet hours.
    The key names the request's event, so a re-handled event adds nothing and a later request is told again."""
    admins = audience.role_ids(ctx.session, Role.ADMIN)
    if admins:
        event = ctx.event.get("webhookEventId") or ctx.now.isoformat()
        ctx.enqueue_push(f"approval:{user.id}:{event}", admins, [th.approval_request(_row(ctx, user))],
                         not_before=quiet_hours.not_before(ctx.session, ctx.now))


def approve(ctx):
    """admin.approve uid: registered, menu linked; the requester is told by push."""
    return _decide(ctx, True)


def reject(ctx):
    """admin.reject uid: back to consented (they may use an invite code); told by push."""
    return _decide(ctx, False)


def _decide(ctx, approve: bool):
    user = registry.get_user(ctx.session, ctx.arg("uid", int))
    if user is None or user.status != UserStatus.PENDING_APPROVAL:
        return [th.not_pending()]
    decision = registry.decide(ctx.session, user, approve, ctx.now)
    ctx.enqueue_push(decision.push_key, decision.line_user_id,
                     [th_onboarding.approved_push() if approve else th_onboarding.rejected_push()])
    if approve:
        _relink(ctx, user)
    return [th.approved(user.full_name, user.title) if approve else th.rejected(user.full_name, user.title)]


def roles(ctx):
    """Ask whose roles to change; next: the search step."""
    restart(ctx, FLOW, Step.SEARCH)
    return [th.ask_search()]


def on_search(ctx):
    """Name typed; registered matches as quick replies; next: admin.pick (or type another name)."""
    if ctx.text is None:
        return None
    rows = [(u.id, names.person(u.title, u.full_name), registry.bureau_name(ctx.session, u.bureau_id) or "-")
            for u in registry.search_registered(ctx.session, names.split_title(ctx.text)[1], SHOWN)]  # "นายสมชาย"
    if rows:
        ctx.end()
    return [th.matches(rows)]


def pick(ctx):
    """Grant / revoke buttons for one user; next: admin.role."""
    user = registry.get_user(ctx.session, ctx.arg("uid", int))
    if user is None or not user.registered:
        return None
    return [th.role_buttons(user.id, names.person(user.title, user.full_name), registry.extra_roles(ctx.session, user))]


def set_role(ctx):
    """Grant or revoke, then relink the user's rich menu; next: nothing."""
    user, role, op = registry.get_user(ctx.session, ctx.arg("uid", int)), ctx.arg("role"), ctx.arg("op")
    if user is None or not user.registered or role not in EXTRA_ROLES or op not in ("grant", "revoke"):
        raise StaleButton("not a role change")
    grant = op == "grant"
    registry.set_role(ctx.session, user, role, grant)
    _relink(ctx, user)
    return [th.role_changed(user.full_name, role, grant, user.title)]


def _relink(ctx, user) -> None:
    ctx.after_commit("link_menu", user_id=user.line_user_id, rich_menu_id=registry.relink(ctx.session, user))


def register(router) -> None:
    admin = Role.ADMIN
    router.text(th.ADMIN_WORD, menu, role=admin)
    router.postback("admin.menu", menu, role=admin)
    router.postback("admin.invite", invite, role=admin)
    router.postback("admin.pending", pending, role=admin)
    router.text(th.PENDING_WORDS[0], pending, *th.PENDING_WORDS[1:], role=admin)
    router.postback("admin.approve", approve, role=admin)
    router.postback("admin.reject", reject, role=admin)
    router.postback("admin.roles", roles, role=admin)
    router.postback("admin.pick", pick, role=admin)
    router.postback("admin.role", set_role, role=admin)
    router.step(FLOW, Step.SEARCH, on_search, th.HINT_SEARCH, prompt=lambda ctx: th.ask_search())
