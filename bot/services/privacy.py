"""PDPA: everything held about a user (export) and erasure of their personal data across the tables and files.

Erasure keeps only what the plan needs anonymously: the user row (a random pseudonymous id, no names, status
"erased", the bureau), the deed rows' counts (virtue, date, bureau, source, volunteer numbers; their texts and
photos are blanked by `bot.services.deeds.erase_user_deeds`, which also appends the ledger's `erase` entries),
the ledger (salted hashes only), campaign answers (by internal id) and wrong invite codes of the last day
(keyed by an HMAC of the LINE id, no raw id: the lockout holds through an erase and a new follow; membership.py).
Everything else naming them goes: roles, older failed-code attempts (by user id), the conversation state
(drafts and parked flows, with their photos), delegations they are part of, their photos in round reports,
their settings, the payloads, replies and errors of their webhook events (the erase event's own row
included), their place among outbox recipients and the pushes addressed to them alone, and stored replies or
pushes to others that name them. README "Privacy" says why.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from sqlalchemy import Text, cast, delete, func, or_, update
from sqlmodel import Session, select

from bot.services import best_practice, nominations, survey
from bot.services.deeds import erase_user_deeds
from bot.services.files import PRIVATE, delete_private
from models.console import ConsoleLink, ConsoleSession
from models.core import Bureau, ConversationState, InboxEvent, OutboxMessage, User, UserRole
from models.deeds import Deed
from models.enums import InboxStatus, OutboxStatus, UserStatus
from models.onboarding import RegistrationAttempt
from models.recognition import BestPractice
from models.rounds import RoundReport
from models.worker import Delegation, WorkerSetting


@dataclass(frozen=True)
class Export:
    """What the bot holds about one user, as values (the caller words it)."""
    user: User
    bureau: str | None
    counts: list[tuple[str, int]]  # (virtue key, live deeds)
    deeds: list[Deed]              # live deeds, newest first
    recognition: dict              # best practices, nominations and scores, survey taps (each service's export_for)


def export_data(s: Session, user: User) -> Export:
    bureau = s.get(Bureau, user.bureau_id) if user.bureau_id else None
    live = (Deed.user_id == user.id, Deed.deleted_at.is_(None))
    counts = s.exec(select(Deed.virtue, func.count()).where(*live).group_by(Deed.virtue)).all()
    deeds = s.exec(select(Deed).where(*live).order_by(Deed.deed_date.desc(), Deed.id.desc())).all()
    recognition = {**best_practice.export_for(s, user), **nominations.export_for(s, user),
                   **survey.export_for(s, user)}
    return Export(user, bureau.name if bureau else None, [(v, int(n)) for v, n in counts], list(deeds), recognition)


# What an erased user row keeps (every other nullable column is emptied): the bureau, for the counts per bureau.
USER_KEPT = frozenset({"bureau_id"})


def erase_user(s: Session, user: User, state: ConversationState | None, *, media_dir: str | None,
               now: datetime, event_id: str | None = None) -> str:
    """Erase everything naming the user (module docstring); `event_id`: the webhookEventId of the erase
    request itself, whose inbox row is scrubbed in this same transaction. Returns the LINE id they had (whose
    rich menu the caller unlinks)."""
    real_id = user.line_user_id
    markers = [m for m in (real_id, user.display_name, user.full_name) if m]
    files = {p for d in s.scalars(select(Deed).where(Deed.user_id == user.id)) for p in _photo_paths(d.photos)}
    files |= _photo_paths([state.draft, state.parked]) if state is not None else set()
    files |= _erase_report_photos(s, user)
    erase_user_deeds(s, user, media_dir=None, now=now)  # its files are deleted below, with the others
    # recognition (issue 17): an approved best practice stays in the library without its author; the rest of
    # their lessons, nominations of them, their opt-ins go; survey taps stay anonymous (each service says how)
    files |= best_practice.erase_user(s, user, now)
    nominations.erase_user(s, user, now)
    survey.erase_user(s, user, now)
    s.exec(delete(UserRole).where(UserRole.user_id == user.id))
    s.exec(delete(RegistrationAttempt).where(RegistrationAttempt.user_id == user.id))
    # console sign-in links and sessions end with the person (audit entries keep only the internal id)
    s.exec(delete(ConsoleLink).where(ConsoleLink.user_id == user.id))
    s.exec(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
    # the coordinator's reminders would go to a dead id (deputy), or a deputy would act for nobody (coordinator)
    s.exec(delete(Delegation).where(or_(Delegation.deputy_id == user.id, Delegation.coordinator_id == user.id)))
    s.exec(delete(WorkerSetting).where(WorkerSetting.key == f"digest_optout:{user.id}"))  # their own setting
    _scrub_inbox(s, real_id, markers, event_id)
    _scrub_outbox(s, real_id, markers, event_id, now)
    user.line_user_id = "erased-" + secrets.token_hex(12)
    for col in User.__table__.columns:  # names, title, position, consent, rich menu, and any column added later
        if col.nullable and col.name not in USER_KEPT:
            setattr(user, col.name, None)
    user.status, user.following = UserStatus.ERASED, False
    user.updated_at = now
    s.add(user)
    if state is not None:
        s.delete(state)
    s.flush()
    for path in sorted(files):  # a file is kept while anybody else's deed, report or draft still uses it
        if media_dir and not _still_used(s, path):
            delete_private(media_dir, path)
    return real_id


def _photo_paths(value) -> set[str]:
    """Every private photo path inside a JSON value (deed photo lists, drafts, parked flows, report data)."""
    if isinstance(value, dict):
        return set().union(*(_photo_paths(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_photo_paths(v) for v in value)) if value else set()
    if isinstance(value, str) and value.startswith(PRIVATE + "/") and "/" not in value[len(PRIVATE) + 1:]:
        return {value}
    return set()


def _still_used(s: Session, path: str) -> bool:
    name = PurePosixPath(path).name  # content-addressed: the same bytes of another user share the file
    for col in (Deed.photos, RoundReport.data, ConversationState.draft, ConversationState.parked, BestPractice.photos):
        if s.scalar(select(func.count()).select_from(col.table).where(cast(col, Text).contains(name, autoescape=True))):
            return True
    return False


def _erase_report_photos(s: Session, user: User) -> set[str]:
    """Take the photos the user added out of every version of every round report; returns their paths.
    Who added a photo is in data["uploads"]; reports from before it was kept count as their author's."""
    gone: set[str] = set()
    for report in s.scalars(select(RoundReport)).all():
        data = report.data or {}
        uploads = data.get("uploads", {})
        items = data.get("items", {})
        theirs = {p for ans in items.values() for p in ans.get("photos", [])
                  if (uploads[p] if p in uploads else report.author_id) == user.id}
        if not theirs:
            continue
        gone |= theirs
        report.data = {**data, "items": {k: {**ans, "photos": [p for p in ans.get("photos", []) if p not in theirs]}
                                         if "photos" in ans else ans for k, ans in items.items()},
                       "uploads": {p: u for p, u in uploads.items() if p not in theirs}}
        s.add(report)
    return gone


def _forms(marker: str) -> tuple[str, ...]:
    """A value as stored: as it is (payloads) and as JSON columns keep it (non-ASCII as \\uXXXX escapes)."""
    escaped = json.dumps(marker)[1:-1]
    return (marker,) if escaped == marker else (marker, escaped)


def _mentions(col, markers: list[str]):
    return or_(*(cast(col, Text).contains(f, autoescape=True) for m in markers for f in _forms(m)))


def _redacted(payload: str, *, keep_token: bool) -> str:
    """What an inbox row keeps of an event: what it was, never who or what they said. The erase request's own
    row keeps its reply token (random, valid a minute) so a crash-recovery may still answer through it."""
    try:
        ev = json.loads(payload)
    except ValueError:
        ev = {}
    ev = ev if isinstance(ev, dict) else {}
    keep = ("type", "webhookEventId", "timestamp", "mode") + (("replyToken",) if keep_token else ())
    return json.dumps({**{k: ev[k] for k in keep if k in ev}, "erased": True})


def _scrub_inbox(s: Session, real_id: str, markers: list[str], event_id: str | None) -> None:
    """Their events (the erase request included; not events still waiting, which come after it and belong to
    whoever writes next): no LINE id, no payload beyond the event's type, no stored reply, no error text.
    Finished events of others whose payload or reply names them: those parts redacted."""
    t = InboxEvent
    own = or_(t.webhook_event_id == event_id, t.status != InboxStatus.PENDING) if event_id else \
        t.status != InboxStatus.PENDING
    for row in s.scalars(select(t).where(t.line_user_id == real_id, own)).all():
        this = row.webhook_event_id == event_id
        row.payload, row.line_user_id, row.error = _redacted(row.payload, keep_token=this), None, None
        if not this:  # the erase request's reply is decided after this handler; it names nobody
            row.reply = []
        s.add(row)
    finished = t.status.in_((InboxStatus.DONE, InboxStatus.IGNORED, InboxStatus.FAILED))
    for row in s.scalars(select(t).where(finished, or_(_mentions(t.payload, markers), _mentions(t.reply, markers)))).all():
        if any(f in row.payload for m in markers for f in _forms(m)):
            row.payload = _redacted(row.payload, keep_token=False)
        row.reply, row.error = [], None
        s.add(row)


def _scrub_outbox(s: Session, real_id: str, markers: list[str], event_id: str | None, now: datetime) -> None:
    """Pushes: they leave every recipient list; a push to them alone (or one naming them) still waiting is
    deleted, one already sent keeps only its count. The erase reply's fallback push is ruled out in advance."""
    t = OutboxMessage
    for row in s.scalars(select(t).where(or_(cast(t.recipients, Text).contains(real_id, autoescape=True),
                                              _mentions(t.messages, markers)))).all():
        waiting = row.status == OutboxStatus.PENDING
        others = [r for r in row.recipients or [] if r != real_id]
        names_them = any(f in json.dumps(row.messages, ensure_ascii=False) or f in json.dumps(row.messages)
                         for m in markers for f in _forms(m))
        if waiting and (not others or names_them):
            s.delete(row)
            continue
        row.recipients = others
        if waiting:
            row.recipient_count = len(others)
        if not others or names_them:
            row.messages, row.last_error = [], None
        s.add(row)
    if event_id:
        # The pipeline pushes a reply LINE did not take, to the LINE id in the event (bot/pipeline/replies.py,
        # key "reply:<webhookEventId>"): taking the key first means the confirmation goes as a reply or not at
        # all, never as a push row that would keep their LINE id.
        key = f"reply:{event_id}"
        if s.scalar(select(func.count()).select_from(t).where(t.key == key)) == 0:
            s.add(OutboxMessage(key=key, recipients=[], recipient_count=0, messages=[], category="reply-fallback",
                                status=OutboxStatus.DEAD, last_error="recipient erased (PDPA)", created_at=now,
                                next_attempt_at=now))
