"""Flow: the admin corner in chat. Invite codes, registration approvals, role changes; admins only.

Every handler checks the admin role when it runs: a forged postback (say `admin.approve`) from anyone
else gets the polite refusal and changes nothing.

```mermaid
stateDiagram-v2
    [*] --> menu: admin keyword / admin.menu
    menu --> bureau: admin.invite
    bureau --> [*]: admin.invite bureau=ID (code shown)
    menu --> pending: admin.pending
    pending --> [*]: admin.approve / admin.reject uid=ID (user told by push)
    menu --> search: admin.roles
    search --> pick: name typed
    pick --> roles: admin.pick uid=ID
    roles --> [*]: admin.role uid role op (menu relinked)
```
"""
from __future__ import annotations

from sqlmodel import select

import messages_th.admin as th
from bot.services import membership as registry
from bot.conversation.auth import require
from models.core import Bureau, User, UserRole

FLOW = "admin"
INVITE_DAYS = 30


def _param_user(ctx) -> User | None:
    uid = (ctx.postback[1] if ctx.postback else {}).get("uid", "")
    return ctx.session.get(User, int(uid)) if uid.isdigit() else None


def menu(ctx):
    """Admin actions as buttons; next: admin.invite / admin.pending / admin.roles."""
    return require(ctx, "admin") or [th.admin_menu()]


def invite(ctx):
    """Without a bureau: choose one; with one: a new 30-day code; next: nothing."""
    refusal = require(ctx, "admin")
    if refusal:
        return refusal
    ref = ctx.postback[1].get("bureau", "") if ctx.postback else ""
    bureau = ctx.session.get(Bureau, int(ref)) if ref.isdigit() else None
    if bureau is None:
        rows = ctx.session.exec(select(Bureau).where(Bureau.active.is_(True)).order_by(Bureau.name))
        return [th.choose_bureau([(b.id, b.name) for b in rows])]
    inv = registry.create_invite(ctx.session, bureau, ctx.now, days=INVITE_DAYS, created_by=f"user:{ctx.user.id}")
    return [th.invite_created(inv.code, bureau.name, inv.expires_at, inv.max_uses)]


def pending(ctx):
    """Requests waiting, each with approve / reject buttons; next: admin.approve or admin.reject."""
    refusal = require(ctx, "admin")
    if refusal:
        return refusal
    rows = []
    for u in registry.pending(ctx.session, 12):
        bureau = ctx.session.get(Bureau, u.bureau_id) if u.bureau_id else None
        rows.append((u.id, u.full_name, u.position, bureau.name if bureau else None, u.display_name))
    return [th.pending_list(rows)]


def decide(ctx):
    """Approve (registered, menu linked) or reject (back to consented); the requester is told by push."""
    refusal = require(ctx, "admin")
    if refusal:
        return refusal
    user = _param_user(ctx)
    if user is None or user.status != "pending_approval":
        return [th.not_pending()]
    approve = ctx.postback[0] == "admin.approve"
    registry.decide(ctx.session, user, approve, ctx.now)
    if approve:
        registry.relink(ctx, user)
    return [th.approved(user.full_name) if approve else th.rejected(user.full_name)]


def roles(ctx):
    """Ask whose roles to change; next: the search step."""
    refusal = require(ctx, "admin")
    if refusal:
        return refusal
    ctx.start(FLOW, "search")
    return [th.ask_search()]


def on_search(ctx):
    """Name typed; registered matches as quick replies; next: admin.pick."""
    if ctx.text is None:
        return None
    refusal = require(ctx, "admin")
    if refusal:
        ctx.end()
        return refusal
    ctx.end()
    q = select(User).where(User.status == "registered", User.full_name.contains(ctx.text[:100])).limit(13)
    rows = [(u.id, u.full_name, getattr(ctx.session.get(Bureau, u.bureau_id), "name", "-"))
            for u in ctx.session.exec(q)]
    return [th.matches(rows)]


def pick(ctx):
    """Grant / revoke buttons for one user; next: admin.role."""
    refusal = require(ctx, "admin")
    if refusal:
        return refusal
    user = _param_user(ctx)
    if user is None or not user.registered:
        return None
    current = {r.role for r in ctx.session.exec(select(UserRole).where(UserRole.user_id == user.id))}
    return [th.role_buttons(user.id, user.full_name, current)]


def set_role(ctx):
    """Grant or revoke, then relink the user's rich menu; next: nothing."""
    refusal = require(ctx, "admin")
    if refusal:
        return refusal
    user, params = _param_user(ctx), ctx.postback[1]
    role, grant = params.get("role"), params.get("op") == "grant"
    if user is None or not user.registered or role not in th.EXTRA_ROLES or params.get("op") not in ("grant", "revoke"):
        return None
    registry.set_role(ctx.session, user, role, grant)
    registry.relink(ctx, user)
    return [th.role_changed(user.full_name, role, grant)]


def register(router) -> None:
    router.text(th.ADMIN_WORD, menu)
    router.postback("admin.menu", menu)
    router.postback("admin.invite", invite)
    router.postback("admin.pending", pending)
    router.postback("admin.approve", decide)
    router.postback("admin.reject", decide)
    router.postback("admin.roles", roles)
    router.postback("admin.pick", pick)
    router.postback("admin.role", set_role)
    router.step(FLOW, "search", on_search, hint=th.HINT_SEARCH)
