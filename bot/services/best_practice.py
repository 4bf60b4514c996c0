"""Best practices (ถอดบทเรียน, issue 17): an author's draft kept in its BestPractice row (status draft), submitted
to the committee, sent back with a comment or approved into the library (แหล่งเรียนรู้); the XLSX export's
values; what the rows hold about a person (PDPA export) and erasing it.

Statuses: draft → submitted → approved | returned → submitted again. One open row (draft or returned) per
author at a time: "ถอดบทเรียน" resumes it rather than starting a second.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services import activities
from bot.services.deeds import MIN_DESCRIPTION_LETTERS as MIN_LETTERS
from bot.services.deeds import letters_in
from messages_th.dates import fiscal_year_be, today_bkk
from messages_th.virtues import BY_KEY
from models.activities import Activity
from models.core import Bureau, User
from models.recognition import BestPractice

DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
OPEN = (DRAFT, RETURNED)
TEXT_FIELDS = ("title", "problem", "action", "result", "lessons")
REQUIRED = TEXT_FIELDS + ("virtue",)
TITLE_MAX, TEXT_MAX, COMMENT_MAX = 200, 2000, 1000
MAX_PHOTOS = 3
PAGE = 9  # library cards a page (a carousel holds 12; one more for "ดูเพิ่ม")


class BestPracticeError(ValueError):
    """`code`: not_found (not there, or not the actor's) | not_open (already submitted or reviewed) |
    incomplete (info: missing fields) | not_submitted (already reviewed, or withdrawn) | own (the author
    reviewing their own) | too_long (info: limit, length) | empty | photos_full | no_activity."""

    def __init__(self, code: str, **info):
        super().__init__(code)
        self.code, self.info = code, info


# ---- the author's draft ------------------------------------------------------------------------------

def open_row(s: Session, user: User) -> BestPractice | None:
    """The author's draft or sent-back best practice (the newest), if any."""
    return s.exec(select(BestPractice).where(BestPractice.author_id == user.id, BestPractice.status.in_(OPEN))
                  .order_by(BestPractice.updated_at.desc(), BestPractice.id.desc())).first()


def start_draft(s: Session, user: User, now: datetime) -> tuple[BestPractice, bool]:
    """(the open row, resumed?) — a new draft in this fiscal year when the author has none open."""
    row = open_row(s, user)
    if row is not None:
        return row, True
    row = BestPractice(fy=fiscal_year_be(today_bkk(now)), author_id=user.id, bureau_id=user.bureau_id,
                       status=DRAFT, created_at=now, updated_at=now)
    s.add(row)
    s.flush()
    return row, False


def own_open(s: Session, user: User, bp_id) -> BestPractice:
    """The actor's own draft or sent-back row; not_found / not_open otherwise (a forged or stale id)."""
    row = s.get(BestPractice, bp_id) if isinstance(bp_id, int) else None
    if row is None or row.author_id != user.id:
        raise BestPracticeError("not_found")
    if row.status not in OPEN:
        raise BestPracticeError("not_open")
    return row


def missing(row: BestPractice) -> list[str]:
    """Required fields still empty, in the flow's order."""
    return [f for f in REQUIRED if not getattr(row, f)]


def check_text(field: str, value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        raise BestPracticeError("empty")
    if letters_in(value) < MIN_LETTERS:  # "😀" or "ok" says nothing (the deed description's rule)
        raise BestPracticeError("no_words")
    limit = TITLE_MAX if field == "title" else TEXT_MAX
    if len(value) > limit:
        raise BestPracticeError("too_long", limit=limit, length=len(value))
    return value


def set_text(s: Session, row: BestPractice, field: str, value: str, now: datetime) -> None:
    if field not in TEXT_FIELDS:
        raise ValueError(field)
    setattr(row, field, check_text(field, value))
    _touch(s, row, now)


def set_virtue(s: Session, row: BestPractice, key: str, now: datetime) -> None:
    if key not in BY_KEY:
        raise BestPracticeError("not_found")
    row.virtue = key
    _touch(s, row, now)


def activity_choices(s: Session, row: BestPractice) -> list[Activity]:
    """This year's register for the picker: the author's bureau's activities, else the whole register."""
    own = activities.list_for(s, row.fy, row.bureau_id) if row.bureau_id else []
    return own or activities.list_for(s, row.fy)


def set_activity(s: Session, row: BestPractice, activity_id: int | None, now: datetime) -> None:
    """An activity of the row's fiscal year (None: none); another year's or an unknown id: no_activity."""
    if activity_id is not None:
        act = s.get(Activity, activity_id)
        if act is None or act.fy != row.fy:
            raise BestPracticeError("no_activity")
    row.activity_id = activity_id
    _touch(s, row, now)


def activity_by_code(s: Session, row: BestPractice, code: str) -> Activity | None:
    """A typed code ("1.2" or "๑.๒") in the row's year's register."""
    arabic = (code or "").strip().translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    return s.exec(select(Activity).where(Activity.fy == row.fy, Activity.code == arabic)).first()


def add_photo(s: Session, row: BestPractice, photo: dict, now: datetime) -> int:
    """Keep an accepted photo ({path, sha256}); returns how many the row has. photos_full at MAX_PHOTOS."""
    photos = list(row.photos or [])
    if len(photos) >= MAX_PHOTOS:
        raise BestPracticeError("photos_full")
    if all(p.get("path") != photo["path"] for p in photos):  # the same picture twice is kept once
        photos.append({"path": photo["path"], "sha256": photo["sha256"]})
    row.photos = photos  # a new list: JSON columns notice replacement only
    _touch(s, row, now)
    return len(photos)


def clear_photos(s: Session, row: BestPractice, now: datetime) -> list[str]:
    """Drop the row's photos (the author re-takes them); returns the paths no other row still uses."""
    paths = [p.get("path") for p in row.photos or [] if p.get("path")]
    row.photos = []
    _touch(s, row, now)
    return [p for p in paths if not photo_in_use(s, p)]


def submit(s: Session, row: BestPractice, now: datetime) -> BestPractice:
    """To the committee's queue; incomplete (info: missing) while a required field is empty."""
    if row.status not in OPEN:
        raise BestPracticeError("not_open")
    gone = missing(row)
    if gone:
        raise BestPracticeError("incomplete", missing=gone)
    row.status, row.submitted_at = SUBMITTED, now
    _touch(s, row, now)
    return row


def discard(s: Session, row: BestPractice) -> list[str]:
    """Delete an open row; returns its photo paths no other row still uses (the caller may delete the files)."""
    if row.status not in OPEN:
        raise BestPracticeError("not_open")
    paths = [p.get("path") for p in row.photos or [] if p.get("path")]
    s.delete(row)
    s.flush()
    return [p for p in paths if not photo_in_use(s, p)]


def _touch(s: Session, row: BestPractice, now: datetime) -> None:
    row.updated_at = now
    s.add(row)
    s.flush()


# ---- the committee -----------------------------------------------------------------------------------

def queue(s: Session, limit: int = 8) -> tuple[list[BestPractice], int]:
    """Submitted best practices, the longest waiting first (at most `limit`), and how many wait in all."""
    rows = s.exec(select(BestPractice).where(BestPractice.status == SUBMITTED)
                  .order_by(BestPractice.submitted_at, BestPractice.id).limit(limit)).all()
    return list(rows), pending_count(s)


def pending_count(s: Session) -> int:
    """How many wait for the committee (for other queues' summaries, e.g. the nominations' "พิจารณา")."""
    return int(s.scalar(select(func.count()).select_from(BestPractice).where(BestPractice.status == SUBMITTED)))


def _to_review(s: Session, reviewer: User, bp_id) -> BestPractice:
    row = s.get(BestPractice, bp_id) if isinstance(bp_id, int) else None
    if row is None:
        raise BestPracticeError("not_found")
    if row.status != SUBMITTED:
        raise BestPracticeError("not_submitted", status=row.status)
    if row.author_id is not None and row.author_id == reviewer.id:
        raise BestPracticeError("own")  # nobody approves their own lesson into the library
    return row


def check_reviewable(s: Session, reviewer: User, bp_id) -> BestPractice:
    """The row a committee member may review now (the send-back's comment step asks this first)."""
    return _to_review(s, reviewer, bp_id)


def approve(s: Session, reviewer: User, bp_id, now: datetime) -> BestPractice:
    row = _to_review(s, reviewer, bp_id)
    row.status, row.reviewer_id, row.reviewed_at = APPROVED, reviewer.id, now
    _touch(s, row, now)
    return row


def send_back(s: Session, reviewer: User, bp_id, comment: str, now: datetime) -> BestPractice:
    row = _to_review(s, reviewer, bp_id)
    comment = (comment or "").strip()
    if not comment:
        raise BestPracticeError("empty")
    if len(comment) > COMMENT_MAX:
        raise BestPracticeError("too_long", limit=COMMENT_MAX, length=len(comment))
    row.status, row.review_comment = RETURNED, comment
    row.reviewer_id, row.reviewed_at = reviewer.id, now
    _touch(s, row, now)
    return row


def author_of(s: Session, row: BestPractice) -> User | None:
    """The author while they can still be told (registered, following); None after an erase or unfollow."""
    user = s.get(User, row.author_id) if row.author_id else None
    return user if user is not None and user.registered and user.following else None


# ---- reading -----------------------------------------------------------------------------------------

def library(s: Session, virtue: str | None = None, offset: int = 0, limit: int = PAGE) -> tuple[list[BestPractice], bool]:
    """Approved best practices, newest approval first, of one virtue or all; (page, more after it?)."""
    q = select(BestPractice).where(BestPractice.status == APPROVED)
    if virtue:
        q = q.where(BestPractice.virtue == virtue)
    rows = s.exec(q.order_by(BestPractice.reviewed_at.desc(), BestPractice.id.desc())
                  .offset(max(0, offset)).limit(limit + 1)).all()
    return list(rows[:limit]), len(rows) > limit


def readable(s: Session, user: User, bp_id, committee: bool) -> BestPractice:
    """A row the actor may read whole: approved ones (everyone), their own, and the submitted ones (committee)."""
    row = s.get(BestPractice, bp_id) if isinstance(bp_id, int) else None
    if row is None:
        raise BestPracticeError("not_found")
    if row.status == APPROVED or row.author_id == user.id or (committee and row.status == SUBMITTED):
        return row
    raise BestPracticeError("not_found")


@dataclass(frozen=True)
class View:
    """A best practice as plain values for the cards (messages_th.best_practice)."""
    id: int
    fy: int
    title: str
    problem: str
    action: str
    result: str
    lessons: str
    virtue: str | None
    activity: tuple[str, str] | None  # (code, name)
    photos: int
    status: str
    author: str | None  # None after the author's erase
    bureau: str | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_comment: str | None
    photo_paths: tuple[str, ...] = ()


def view(s: Session, row: BestPractice) -> View:
    return views(s, [row])[0]


def views(s: Session, rows: list[BestPractice]) -> list[View]:
    """Views of many rows with their names, bureaus and activities read in three queries."""
    def by_id(model, ids):
        ids = {i for i in ids if i}
        return {r.id: r for r in s.exec(select(model).where(model.id.in_(ids)))} if ids else {}
    users = by_id(User, [r.author_id for r in rows])
    bureaus = by_id(Bureau, [r.bureau_id for r in rows])
    acts = by_id(Activity, [r.activity_id for r in rows])
    out = []
    for r in rows:
        author = users.get(r.author_id)
        act = acts.get(r.activity_id)
        out.append(View(r.id, r.fy, r.title, r.problem, r.action, r.result, r.lessons, r.virtue,
                        (act.code, act.name) if act else None, len(r.photos or []), r.status,
                        (author.full_name or author.display_name) if author else None,
                        bureaus[r.bureau_id].name if r.bureau_id in bureaus else None,
                        r.submitted_at, r.reviewed_at, r.review_comment,
                        tuple(p.get("path", "") for p in r.photos or [])))
    return out


def export_rows(s: Session, fy: int | None = None) -> list[View]:
    """The approved best practices (of one fiscal year, or all), oldest approval first: the XLSX's rows
    (messages_th.best_practice.export_xlsx); the CLI and the console call this."""
    q = select(BestPractice).where(BestPractice.status == APPROVED)
    if fy is not None:
        q = q.where(BestPractice.fy == fy)
    return views(s, list(s.exec(q.order_by(BestPractice.reviewed_at, BestPractice.id))))


# ---- PDPA --------------------------------------------------------------------------------------------

def photo_in_use(s: Session, path: str) -> bool:
    """Another best practice still shows this (content-addressed) photo file."""
    for photos in s.exec(select(BestPractice.photos)):
        if any(p.get("path") == path for p in photos or []):
            return True
    return False


def export_for(s: Session, user: User) -> dict:
    """What the best-practice rows hold about the user, as values: what they wrote (every status) and the
    reviews they gave (their decision and comment on others' work)."""
    written = s.exec(select(BestPractice).where(BestPractice.author_id == user.id)
                     .order_by(BestPractice.created_at, BestPractice.id)).all()
    reviewed = s.exec(select(BestPractice).where(BestPractice.reviewer_id == user.id)
                      .order_by(BestPractice.reviewed_at, BestPractice.id)).all()
    return {
        "best_practices": [
            {"id": r.id, "fy": r.fy, "title": r.title, "problem": r.problem, "action": r.action, "result": r.result,
             "lessons": r.lessons, "virtue": r.virtue, "activity_id": r.activity_id, "photos": len(r.photos or []),
             "status": r.status, "review_comment": r.review_comment, "created_at": r.created_at,
             "submitted_at": r.submitted_at, "reviewed_at": r.reviewed_at} for r in written],
        "best_practice_reviews": [
            {"id": r.id, "title": r.title, "status": r.status, "review_comment": r.review_comment,
             "reviewed_at": r.reviewed_at} for r in reviewed],
    }


def erase_user(s: Session, user: User, now: datetime) -> set[str]:
    """Approved best practices stay in the library without their author (author_id emptied; the bureau
    stays); the author's unpublished ones (draft, submitted, returned) are deleted; reviews they gave keep
    the decision, not the reviewer. Returns the photo paths of deleted rows no best practice still uses (the
    caller deletes the files it finds unused elsewhere)."""
    paths: set[str] = set()
    for row in s.exec(select(BestPractice).where(BestPractice.author_id == user.id)).all():
        if row.status == APPROVED:
            row.author_id, row.updated_at = None, now
            s.add(row)
        else:
            paths |= {p.get("path") for p in row.photos or [] if p.get("path")}
            s.delete(row)
    for row in s.exec(select(BestPractice).where(BestPractice.reviewer_id == user.id)).all():
        row.reviewer_id, row.updated_at = None, now
        s.add(row)
    s.flush()
    return {p for p in paths if not photo_in_use(s, p)}


# ---- demo ------------------------------------------------------------------------------------------

# Invented examples for the demo only (bot/dev/demo calls seed_demo); no real office's work.
_DEMO = (
    ("[ตัวอย่างสมมติ] หนังสือเวียนออนไลน์ลดกระดาษ", "หนังสือเวียนพิมพ์แจกทุกคน เดือนละราว 3,000 แผ่น และถึงมือช้า",
     "ย้ายหนังสือเวียนขึ้นระบบออนไลน์ อบรมทุกฝ่าย 2 รอบ", "กระดาษลดลงราวร้อยละ 80 หนังสือถึงทุกคนภายในวันเดียว",
     "ผู้บริหารเริ่มใช้ก่อน ทุกคนจึงตามง่าย", "sufficiency", APPROVED),
    ("[ตัวอย่างสมมติ] ประชุมเริ่มตรงเวลา", "ประชุมประจำสัปดาห์เริ่มช้ากว่ากำหนดเฉลี่ย 15 นาที",
     "ตั้งนาฬิกาเตือนและเริ่มตรงเวลาแม้ผู้เข้าร่วมยังไม่ครบ", "ประชุมเริ่มตรงเวลาทุกครั้งตลอดไตรมาส",
     "ตกลงกติกาด้วยกันก่อน แล้วหัวหน้าทำเป็นตัวอย่าง", "discipline", APPROVED),
    ("[ตัวอย่างสมมติ] จุดรับคืนของหาย", "ของที่เก็บได้ในอาคารไม่มีที่รวบรวม เจ้าของตามหาไม่เจอ",
     "ตั้งจุดรับคืนของหายที่ประชาสัมพันธ์ พร้อมสมุดบันทึก", "คืนของให้เจ้าของได้ 12 ชิ้นใน 2 เดือน",
     "ประกาศให้ทุกคนรู้จักจุดนี้ตั้งแต่วันแรก", "honesty", SUBMITTED),
)


def seed_demo(s: Session, now: datetime) -> int:
    """Invented best practices for the demo (two in the library, one waiting for the committee), written by
    the first registered staff member without a role and approved by a committee member; adds nothing twice."""
    from models.core import UserRole
    if s.exec(select(BestPractice).where(BestPractice.title == _DEMO[0][0])).first():
        return 0
    with_roles = select(UserRole.user_id)
    author = s.exec(select(User).where(User.status == "registered", User.id.not_in(with_roles))
                    .order_by(User.id)).first()
    reviewer = s.exec(select(User).join(UserRole, UserRole.user_id == User.id)
                      .where(UserRole.role == "committee").order_by(User.id)).first()
    if author is None or reviewer is None:
        return 0
    for title, problem, action, result, lessons, virtue, status in _DEMO:
        s.add(BestPractice(fy=fiscal_year_be(today_bkk(now)), author_id=author.id, bureau_id=author.bureau_id,
                           title=title, problem=problem, action=action, result=result, lessons=lessons,
                           virtue=virtue, status=status, submitted_at=now,
                           reviewer_id=reviewer.id if status == APPROVED else None,
                           reviewed_at=now if status == APPROVED else None, created_at=now, updated_at=now))
    s.flush()
    return len(_DEMO)
