"""CLI for membership, roles and rich menus:

    flask --app bot bureau add <code> <name> | rename <code> <new name> | list
    flask --app bot invite create <bureau> [--uses N] [--days N]      (the code is the last line printed)
    flask --app bot invite revoke <code> | list [--bureau B]
    flask --app bot role grant|revoke <line-user-id> <role> [--bureau B]   (relinks the user's rich menu)
    flask --app bot staff list [--bureau B]
    flask --app bot registrations list | approve <line-user-id> | reject <line-user-id>
"""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlmodel import select

import messages_th.onboarding as th
from messages_th.names import person
from bot.cli._common import bot_state, bureau_or_fail, session, user_or_fail
from bot.line.outbox import enqueue
from bot.services import membership as registry
from models.core import Bureau, User, UserRole, utcnow
from models.enums import EXTRA_ROLES, Role, UserStatus
from models.onboarding import InviteCode


bureau = AppGroup("bureau", help="Bureaus (สำนัก).")
invite = AppGroup("invite", help="Bureau invite codes.")
role = AppGroup("role", help="Extra roles: coordinator (per bureau), committee, admin.")
staff = AppGroup("staff", help="Registered staff.")
registrations = AppGroup("registrations", help="Registrations waiting for an admin.")


@bureau.command("add")
@click.argument("code")
@click.argument("name")
def bureau_add(code, name):
    """The console's rule (membership.add_bureau): the code upper-cased, A–Z 0–9 - _; code and name unique."""
    with session() as s:
        added = registry.add_bureau(s, code, name, utcnow())
        if isinstance(added, dict):
            raise click.ClickException("; ".join(f"{field}: {why}" for field, why in added.items()))
    click.echo(f"added {added.code}: {added.name}")


@bureau.command("rename")
@click.argument("ref")
@click.argument("name")
def bureau_rename(ref, name):
    with session() as s:
        b = bureau_or_fail(s, ref)
        why = registry.rename_bureau(s, b, name)
        if why is not None:
            raise click.ClickException(f"name: {why}")
    click.echo(f"renamed {b.code}: {b.name}")


@bureau.command("list")
def bureau_list():
    with session(readonly=True) as s:
        for b in s.exec(select(Bureau).order_by(Bureau.code)):
            click.echo("\t".join([str(b.id), b.code, b.name] + ([] if b.active else ["(inactive)"])))


@invite.command("create")
@click.argument("bureau_ref")
@click.option("--uses", type=click.IntRange(1), default=None, help="How many registrations it allows.")
@click.option("--days", type=click.IntRange(1), default=None, help="Valid for this many days.")
def invite_create(bureau_ref, uses, days):
    with session() as s:
        inv = registry.create_invite(s, bureau_or_fail(s, bureau_ref), utcnow(), uses=uses, days=days, created_by="cli")
        code = inv.code
    click.echo(f"invite for {bureau_ref} (uses: {uses or 'unlimited'}, days: {days or 'no expiry'}):")
    click.echo(code)


@invite.command("revoke")
@click.argument("code")
def invite_revoke(code):
    with session() as s:
        inv = s.exec(select(InviteCode).where(InviteCode.code == registry.normalize_code(code))).first()
        if inv is None:
            raise click.ClickException(f"no invite code {code!r}")
        changed = registry.revoke_invite(s, inv)
    click.echo(f"revoked {inv.code}" + ("" if changed else " (it already was)"))


@invite.command("list")
@click.option("--bureau", "bureau_ref", default=None)
def invite_list(bureau_ref):
    now = utcnow()
    with session(readonly=True) as s:
        q = select(InviteCode, Bureau).where(InviteCode.bureau_id == Bureau.id).order_by(InviteCode.created_at)
        if bureau_ref:
            q = q.where(Bureau.id == bureau_or_fail(s, bureau_ref).id)
        for inv, b in s.exec(q):
            state = "revoked" if inv.revoked else ("ok" if inv.usable(now) else "expired/used up")
            exp = inv.expires_at.date().isoformat() if inv.expires_at else "-"
            click.echo(f"{inv.code}\t{b.code}\tuses {inv.uses}/{inv.max_uses or '∞'}\texpires {exp}\t{state}")


def _relink(user_id: int) -> None:
    """After the change is committed: LINE is called outside the transaction (bot.line.richmenu.relink)."""
    from bot.line.richmenu import relink
    state = bot_state()
    menu = relink(state.engine, state.gateway, [user_id]).get(user_id)
    if menu:
        click.echo(f"rich menu relinked: {menu}")


def _role_command(op: str):
    @role.command(op, help=f"{op.capitalize()} a role; the user's rich menu is relinked.")
    @click.argument("line_user_id")
    @click.argument("role_name", type=click.Choice([r.value for r in EXTRA_ROLES]))
    @click.option("--bureau", "bureau_ref", default=None, help="Coordinator of this bureau (default: their own).")
    def command(line_user_id, role_name, bureau_ref):
        _change_role(line_user_id, role_name, bureau_ref, op == "grant")


for _op in ("grant", "revoke"):
    _role_command(_op)


def _change_role(line_user_id, role_name, bureau_ref, grant):
    with session() as s:
        user = user_or_fail(s, line_user_id)
        if not user.registered:
            raise click.ClickException("the user is not registered")
        bureau_id = bureau_or_fail(s, bureau_ref).id if bureau_ref else None
        changed = registry.set_role(s, user, role_name, grant, bureau_id)
    click.echo(f"{'granted' if grant else 'revoked'} {role_name}" + ("" if changed else " (no change)"))
    _relink(user.id)


@staff.command("list")
@click.option("--bureau", "bureau_ref", default=None)
def staff_list(bureau_ref):
    with session(readonly=True) as s:
        q = select(User).where(User.status == UserStatus.REGISTERED).order_by(User.bureau_id, User.full_name)
        if bureau_ref:
            q = q.where(User.bureau_id == bureau_or_fail(s, bureau_ref).id)
        for u in s.exec(q):
            b = s.get(Bureau, u.bureau_id) if u.bureau_id else None
            extra = ",".join(r.role for r in s.exec(select(UserRole).where(UserRole.user_id == u.id)))
            cols = [u.line_user_id, b.code if b else "-", person(u.title, u.full_name), u.position or "-",
                    extra or Role.STAFF]
            click.echo("\t".join(cols + ([] if u.following else ["(unfollowed)"])))


@registrations.command("list")
def registrations_list():
    with session(readonly=True) as s:
        for u in registry.pending(s, 500):
            b = s.get(Bureau, u.bureau_id) if u.bureau_id else None
            click.echo(f"{u.line_user_id}\t{b.code if b else '-'}\t{person(u.title, u.full_name)}\t{u.position or '-'}")


def _decision_command(op: str):
    @registrations.command(op, help=f"{op.capitalize()} a pending registration; the user is told by push.")
    @click.argument("line_user_id")
    def command(line_user_id):
        _decide(line_user_id, op == "approve")


for _op in ("approve", "reject"):
    _decision_command(_op)


def _decide(line_user_id, approve):
    with session() as s:
        user = user_or_fail(s, line_user_id)
        if user.status != UserStatus.PENDING_APPROVAL:
            raise click.ClickException(f"not waiting for approval (status: {user.status})")
        decision = registry.decide(s, user, approve, utcnow())
        enqueue(s, decision.push_key, decision.line_user_id,  # the same push the chat's admin.approve sends
                [th.approved_push() if decision.approved else th.rejected_push()])
    click.echo(f"{'approved' if approve else 'rejected'} {line_user_id} (the user is told by push)")
    if approve:
        _relink(user.id)


def register(app) -> None:
    for cmd in (bureau, invite, role, staff, registrations):
        app.cli.add_command(cmd)
