"""The ITA internal survey drive (issue 17): the admin sets the survey's link and window, the worker invites the
staff and reminds those who have not said "ตอบแล้ว", and the rate of self-reported answers is counted by bureau.

The survey itself is the ITA's, anonymous and not ours: we hold the link, the window, and who tapped "ตอบแล้ว"
(never an answer). Chat (handlers/survey.py), console (bot/web/console/pages/survey.py), CLI (bot/cli/survey.py)
and the job (scheduler/survey.py) call these same rules. The response rate by bureau goes through the digest's
small-group rule (`digest.group_small`), applied by the digest and the console page (this module is imported by
the digest, so it does not import it back).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.services import audience, audit, thai_dates
from bot.services.console_access import Viewer, require_admin, require_read_bureau
from messages_th.dates import BKK, end_of_day_bkk, fiscal_year_be, start_of_day_bkk, today_bkk
from models.core import Bureau, User
from models.recognition import SurveyDrive, SurveyResponse

TITLE_MAX = 200
URL_MAX = 500            # the column; LINE's URI action takes 1,000
REMIND_DAYS = (7, 2)     # reminders this many days before the close, to those who have not answered
REMIND_AT = time(9, 0)   # planned at 09:00 Bangkok on those days (quiet hours still apply)
SAME_SUBMIT = timedelta(minutes=10)  # a confirm sent twice makes one drive
OPEN, CLOSED = "open", "closed"
DEFAULT_TITLE = "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (ITA)"  # the ITA tool's own name (reference text)


class DriveError(Exception):
    """`problems`: field → code ('empty', 'too_long', 'not_https', 'bad_url', 'past', 'too_far',
    'before_open', 'no_bureau', 'bad_bureau', 'started'); the caller words each next to its field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{k}={v}" for k, v in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class Draft:
    title: str
    url: str
    opens_on: date
    closes_on: date
    bureau_ids: list[int] | None = None  # None: every bureau


@dataclass(frozen=True)
class Forecast:
    """What the drive will cost in LINE pushes (each recipient of a multicast is one message)."""
    recipients: int
    reminders: int      # reminder rounds inside the window
    most: int           # invite + every reminder to everyone (the upper bound: answered people get none)


def url_problem(url: str) -> str | None:
    """None when `url` is an https link a phone can open; else 'empty' | 'too_long' | 'not_https' | 'bad_url'."""
    url = (url or "").strip()
    if not url:
        return "empty"
    if len(url) > URL_MAX:
        return "too_long"
    if any(c.isspace() or ord(c) < 0x20 for c in url):
        return "bad_url"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return "bad_url"
    if parts.scheme.lower() != "https":
        return "not_https"
    if not host or "." not in host.strip(".") or parts.username or parts.password:
        return "bad_url"  # a credential in a link sent to every staff member is never right
    return None


def window(opens_on: date, closes_on: date) -> tuple[datetime, datetime]:
    """The drive's times: from 00:00 of the first day to 23:59:59 of the last, Bangkok."""
    return start_of_day_bkk(opens_on), end_of_day_bkk(closes_on)


def remind_days(opens_on: date, closes_on: date) -> list[date]:
    """The days a reminder goes (after the first day, within the window), earliest first."""
    return sorted(closes_on - timedelta(days=d) for d in REMIND_DAYS if opens_on < closes_on - timedelta(days=d))


def _active_bureau_ids(s: Session) -> set[int]:
    return set(s.exec(select(Bureau.id).where(Bureau.active == True)))  # noqa: E712


def check_draft(s: Session, draft: Draft, now: datetime, drive: SurveyDrive | None = None) -> None:
    """DriveError naming every wrong field; nothing is written. Editing a drive (`drive`): the first day and the
    bureaus are fixed once it has opened (the invite went out with them)."""
    problems: dict[str, str] = {}
    today = today_bkk(now)
    title = draft.title.strip()
    if not title:
        problems["title"] = "empty"
    elif len(title) > TITLE_MAX:
        problems["title"] = "too_long"
    if (why := url_problem(draft.url)) is not None:
        problems["url"] = why
    started = drive is not None and drive.opens_at <= now
    if started:
        if draft.opens_on != drive.opens_at.astimezone(BKK).date():
            problems["opens_on"] = "started"
        if draft.bureau_ids != drive.bureau_ids:
            problems["bureaus"] = "started"
    elif draft.opens_on < today:
        problems["opens_on"] = "past"
    latest = thai_dates.end_of_next_fiscal_year(today)
    if draft.opens_on > latest:
        problems["opens_on"] = "too_far"
    if draft.closes_on < draft.opens_on:
        problems["closes_on"] = "before_open"
    elif draft.closes_on < today:
        problems["closes_on"] = "past"
    elif draft.closes_on > latest:
        problems["closes_on"] = "too_far"
    if draft.bureau_ids is not None and "bureaus" not in problems:
        if not draft.bureau_ids:
            problems["bureaus"] = "no_bureau"
        elif set(draft.bureau_ids) - _active_bureau_ids(s):
            problems["bureaus"] = "bad_bureau"
    if problems:
        raise DriveError(problems)


def forecast(s: Session, draft: Draft) -> Forecast:
    n = len(audience.staff_ids(s, draft.bureau_ids))
    k = len(remind_days(draft.opens_on, draft.closes_on))
    return Forecast(n, k, n * (1 + k))


def preview(s: Session, draft: Draft, now: datetime, drive: SurveyDrive | None = None) -> Forecast:
    """Checks the draft (DriveError) and says what it will cost: shown before anything is saved."""
    check_draft(s, draft, now, drive)
    return forecast(s, draft)


def _values(d: SurveyDrive) -> dict:
    return {"title": d.title, "url": d.url, "opens_at": d.opens_at, "closes_at": d.closes_at,
            "bureau_ids": d.bureau_ids, "status": d.status}


def create(s: Session, draft: Draft, now: datetime, *, actor_id: int | None) -> tuple[SurveyDrive, bool]:
    """A new drive (audited); the worker's survey job invites on its first day. (drive, False) when the same
    person confirmed the same drive a moment ago (a second click): nothing new is made."""
    check_draft(s, draft, now)
    opens_at, closes_at = window(draft.opens_on, draft.closes_on)
    twin = s.exec(select(SurveyDrive).where(
        SurveyDrive.created_by == actor_id, SurveyDrive.url == draft.url.strip(), SurveyDrive.opens_at == opens_at,
        SurveyDrive.closes_at == closes_at, SurveyDrive.created_at >= now - SAME_SUBMIT)).first()
    if twin is not None:
        return twin, False
    drive = SurveyDrive(fy=fiscal_year_be(draft.opens_on), title=draft.title.strip(), url=draft.url.strip(),
                        opens_at=opens_at, closes_at=closes_at,
                        bureau_ids=sorted(draft.bureau_ids) if draft.bureau_ids is not None else None,
                        status=OPEN, created_by=actor_id, created_at=now)
    s.add(drive)
    s.flush()
    audit.record(s, actor_id, "survey.create", f"survey:{drive.id}", now,
                 after=_values(drive) | {"recipients": forecast(s, draft).recipients})
    return drive, True


def update_drive(s: Session, drive: SurveyDrive, draft: Draft, now: datetime, *, actor_id: int | None) -> SurveyDrive:
    """Title, link and last day (and, before it opens, the first day and bureaus); audited."""
    check_draft(s, draft, now, drive)
    before = _values(drive)
    drive.title, drive.url = draft.title.strip(), draft.url.strip()
    drive.opens_at, drive.closes_at = window(draft.opens_on, draft.closes_on)
    drive.fy = fiscal_year_be(draft.opens_on)
    drive.bureau_ids = sorted(draft.bureau_ids) if draft.bureau_ids is not None else None
    if drive.status == CLOSED and drive.closes_at > now:
        drive.status = OPEN  # a later last day reopens a drive closed early
    s.add(drive)
    s.flush()
    audit.record(s, actor_id, "survey.update", f"survey:{drive.id}", now, before=before, after=_values(drive))
    return drive


def close(s: Session, drive: SurveyDrive, now: datetime, *, actor_id: int | None) -> bool:
    """Ends the drive now (no more reminders, "ตอบแล้ว" refused); False when it was already closed."""
    if not is_open(drive, now):
        return False
    before = _values(drive)
    drive.status = CLOSED
    s.add(drive)
    audit.record(s, actor_id, "survey.close", f"survey:{drive.id}", now, before=before, after=_values(drive))
    return True


def draft_of(drive: SurveyDrive) -> Draft:
    return Draft(drive.title, drive.url, drive.opens_at.astimezone(BKK).date(),
                 drive.closes_at.astimezone(BKK).date(), drive.bureau_ids)


# ---- reading ------------------------------------------------------------------------------------------

def get(s: Session, drive_id: int) -> SurveyDrive | None:
    return s.get(SurveyDrive, drive_id)


def all_drives(s: Session, limit: int = 50) -> list[SurveyDrive]:
    return list(s.exec(select(SurveyDrive).order_by(SurveyDrive.opens_at.desc(), SurveyDrive.id.desc()).limit(limit)))


def is_open(drive: SurveyDrive, now: datetime) -> bool:
    return drive.status == OPEN and drive.opens_at <= now <= drive.closes_at


def state(drive: SurveyDrive, now: datetime) -> str:
    """'upcoming' | 'open' | 'closed' (by the admin, or its last day passed)."""
    if drive.status == CLOSED or now > drive.closes_at:
        return "closed"
    return "upcoming" if now < drive.opens_at else "open"


def in_target(drive: SurveyDrive, user: User) -> bool:
    return bool(user.registered and user.bureau_id is not None
                and (drive.bureau_ids is None or user.bureau_id in drive.bureau_ids))


def open_for(s: Session, user: User, now: datetime) -> list[SurveyDrive]:
    """Open drives inviting this user, closing soonest first."""
    q = select(SurveyDrive).where(SurveyDrive.status == OPEN, SurveyDrive.opens_at <= now,
                                  SurveyDrive.closes_at >= now).order_by(SurveyDrive.closes_at, SurveyDrive.id)
    return [d for d in s.exec(q) if in_target(d, user)]


def answered_at(s: Session, drive_id: int, user_id: int) -> datetime | None:
    return s.exec(select(SurveyResponse.answered_at).where(SurveyResponse.drive_id == drive_id,
                                                           SurveyResponse.user_id == user_id)).first()


def mark_done(s: Session, drive_id: int, user: User, now: datetime) -> tuple[str, SurveyDrive | None]:
    """The user's own "ตอบแล้ว": ('ok' | 'already' | 'closed' | 'upcoming' | 'not_target' | 'gone', drive).
    A second tap (or two at once) counts once: the (drive, user) row is unique."""
    drive = s.get(SurveyDrive, drive_id)
    if drive is None:
        return "gone", None
    if not in_target(drive, user):
        return "not_target", drive
    st = state(drive, now)
    if st != "open":
        return st, drive
    if answered_at(s, drive.id, user.id) is not None:
        return "already", drive
    try:
        with s.begin_nested():  # a tap racing another in a second batch: the loser reads "already"
            s.add(SurveyResponse(drive_id=drive.id, user_id=user.id, bureau_id=user.bureau_id, answered_at=now))
    except IntegrityError:
        return "already", drive
    return "ok", drive


def answered_ids(s: Session, drive_id: int) -> set[int]:
    return set(s.exec(select(SurveyResponse.user_id).where(SurveyResponse.drive_id == drive_id)))


def targets(s: Session, drive: SurveyDrive, *, skip_muted: bool = False) -> list[str]:
    """LINE ids of the reachable staff the drive invites who have not said "ตอบแล้ว" (audience's rule)."""
    ids = audience.staff_ids(s, drive.bureau_ids, skip_muted=skip_muted)
    done = answered_ids(s, drive.id)
    if not done:
        return ids
    gone = set(s.exec(select(User.line_user_id).where(User.id.in_(done))))
    return [i for i in ids if i not in gone]


def bureau_counts(s: Session, drive: SurveyDrive, bureau_ids: frozenset[int] | None = None) -> list[dict]:
    """Per invited active bureau (by code): {name, code, id, staff (reachable now), participants (said
    "ตอบแล้ว" while in it), deeds: 0 (group_small's shape)}; `bureau_ids` limits the rows (a coordinator)."""
    q = select(Bureau).where(Bureau.active == True).order_by(Bureau.code)  # noqa: E712
    if drive.bureau_ids is not None:
        q = q.where(Bureau.id.in_(drive.bureau_ids))
    if bureau_ids is not None:
        q = q.where(Bureau.id.in_(bureau_ids))
    bureaus = list(s.exec(q))
    staff = dict(s.exec(select(User.bureau_id, func.count(User.id)).where(
        audience.reachable(), User.bureau_id.in_([b.id for b in bureaus])).group_by(User.bureau_id)).all())
    done = dict(s.exec(select(SurveyResponse.bureau_id, func.count(SurveyResponse.id)).where(
        SurveyResponse.drive_id == drive.id).group_by(SurveyResponse.bureau_id)).all())
    # someone who answered and then left the account is no longer in `staff`: a rate never goes over 100%
    return [{"name": b.name, "code": b.code, "id": b.id, "staff": int(staff.get(b.id, 0)), "deeds": 0,
             "participants": min(int(done.get(b.id, 0)), int(staff.get(b.id, 0)))} for b in bureaus]


def for_digest(s: Session, now: datetime) -> SurveyDrive | None:
    """The drive the weekly digest reports: open now, or closed within the last week (its final rate)."""
    q = select(SurveyDrive).where(SurveyDrive.opens_at <= now, SurveyDrive.closes_at >= now - timedelta(days=7))
    return s.exec(q.order_by(SurveyDrive.closes_at.desc(), SurveyDrive.id.desc())).first()


# ---- the console's reads (roles: admin edits; the committee reads every bureau; a coordinator their own) --

def console_drives(s: Session, viewer: Viewer) -> list[SurveyDrive]:
    if not viewer.sees_all:
        require_read_bureau(viewer, next(iter(viewer.bureau_ids), None))
    return all_drives(s)


def console_counts(s: Session, viewer: Viewer, drive: SurveyDrive) -> list[dict]:
    """bureau_counts within what the viewer may read (raw: the page puts them through the small-group rule)."""
    if viewer.sees_all:
        return bureau_counts(s, drive)
    require_read_bureau(viewer, next(iter(viewer.bureau_ids), None))
    return bureau_counts(s, drive, viewer.bureau_ids)


def console_create(s: Session, viewer: Viewer, draft: Draft, now: datetime) -> tuple[SurveyDrive, bool]:
    require_admin(viewer)
    return create(s, draft, now, actor_id=viewer.user_id)


def console_update(s: Session, viewer: Viewer, drive: SurveyDrive, draft: Draft, now: datetime) -> SurveyDrive:
    require_admin(viewer)
    return update_drive(s, drive, draft, now, actor_id=viewer.user_id)


def console_close(s: Session, viewer: Viewer, drive: SurveyDrive, now: datetime) -> bool:
    require_admin(viewer)
    return close(s, drive, now, actor_id=viewer.user_id)


def bureau_choices(s: Session) -> list[tuple[int, str]]:
    return [(int(i), n) for i, n in s.exec(select(Bureau.id, Bureau.name).where(Bureau.active == True)  # noqa: E712
                                           .order_by(Bureau.name))]


# ---- PDPA (wired into bot/services/privacy.py by the lead) ---------------------------------------------

def export_for(s: Session, user: User) -> dict:
    """What the survey tables hold about the user, as values: their "ตอบแล้ว" taps (never an answer: we have
    none) and the drives they set up as an admin."""
    taps = s.exec(select(SurveyDrive.title, SurveyDrive.fy, SurveyResponse.answered_at)
                  .join(SurveyDrive, SurveyDrive.id == SurveyResponse.drive_id)
                  .where(SurveyResponse.user_id == user.id).order_by(SurveyResponse.answered_at)).all()
    made = s.exec(select(SurveyDrive.title, SurveyDrive.url, SurveyDrive.created_at)
                  .where(SurveyDrive.created_by == user.id).order_by(SurveyDrive.created_at)).all()
    return {"survey_answered": [{"title": t, "fy": fy, "answered_at": at} for t, fy, at in taps],
            "survey_drives_created": [{"title": t, "url": u, "created_at": at} for t, u, at in made]}


def erase_user(s: Session, user: User, now: datetime) -> None:
    """The drives they created lose their name (the drive stays); their "ตอบแล้ว" rows stay under the
    pseudonymous user row privacy.erase_user leaves (as campaign answers do), so the bureau's rate does not
    change, with the moment of the tap cut to its day: nothing left ties a time to a person."""
    s.exec(update(SurveyDrive).where(SurveyDrive.created_by == user.id).values(created_by=None))
    for row in s.exec(select(SurveyResponse).where(SurveyResponse.user_id == user.id)):
        row.answered_at = start_of_day_bkk(row.answered_at.astimezone(BKK).date())
        s.add(row)
    s.flush()


# ---- demo data (the lead's bot/dev/demo/seed.py calls it) ------------------------------------------------

DEMO_URL = "https://example.com/ita-iit-demo"  # invented: example.com is reserved for examples


def seed_demo(s: Session, now: datetime) -> SurveyDrive:
    """An invented drive open from today for three weeks, to every bureau (once: a second call returns it)."""
    found = s.exec(select(SurveyDrive).where(SurveyDrive.url == DEMO_URL)).first()
    if found is not None:
        return found
    today = today_bkk(now)
    opens_at, closes_at = window(today, today + timedelta(days=21))
    drive = SurveyDrive(fy=fiscal_year_be(today), title="แบบวัด IIT ตัวอย่าง (ข้อมูลสมมติสำหรับทดลองระบบ)",
                        url=DEMO_URL, opens_at=opens_at, closes_at=closes_at, status=OPEN, created_at=now)
    s.add(drive)
    s.flush()
    return drive
