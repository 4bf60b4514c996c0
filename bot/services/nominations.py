"""Nominations of outstanding officials and bureaus (issue 17): windows, the nominee's consent, the committee's
scores, the ranked result and who hears the announcement. The chat, the CLI and (later) the console call these.

Rules, in one place:
- A window is per fiscal year and kind ("person" | "bureau"); its criteria are the CriteriaItem list of kind
  "nom-person" / "nom-bureau" for that year (`bot.services.activities.import_criteria`).
- Nominating, consenting and scoring happen while the window is open: status "open" and today (Bangkok)
  between opens_on and closes_on. After closes_on (or an admin's close) the result is ranked on demand.
- A person's nomination waits for the nominee's consent ("awaiting_consent"); only "submitted" ones reach the
  committee. A refusal makes it "declined" and nothing of it is shown to the committee. A bureau nomination
  carries no personal data and is sent by the bureau's own coordinator, so it is "submitted" at once.
- A committee member never scores a nominee of their own bureau.
- Ranking: the mean over scorers of each scorer's total points; ties by more scorers, then the earlier nomination.
- Announcement opt-in: a staff member's own word sets a setting `nom_news:<user id>` (present = opted in,
  removed on opt-out or erase); the committee then picks the whole office or only those who opted in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from bot.services import activities as register
from bot.services import audience, deed_stats
from bot.services import rounds as rounds_svc
from bot.services.membership import search_registered
from messages_th.dates import fiscal_year_be, fiscal_year_bounds, start_of_day_bkk, today_bkk
from messages_th.virtues import VIRTUES
from models.activities import CriteriaItem
from models.campaigns import CampaignResponse
from models.core import Bureau, User, UserRole
from models.deeds import Deed, LedgerEntry
from models.enums import Role, RoundState
from models.recognition import Nomination, NominationScore, NominationWindow
from models.rounds import Round
from models.worker import WorkerSetting

KINDS = ("person", "bureau")
CRITERIA_KIND = {"person": "nom-person", "bureau": "nom-bureau"}
POINTS = (1, 2, 3, 4, 5)
REASON_MAX = 500     # characters of one reason (the consent card and the committee's card show every reason)
NEWS_KEY = "nom_news:"
DRAFT, AWAITING, SUBMITTED, DECLINED, WITHDRAWN = "draft", "awaiting_consent", "submitted", "declined", "withdrawn"
LIVE = (AWAITING, SUBMITTED)  # a nomination that stops the same nominee being nominated again in the window


class NominationError(Exception):
    """`code`: bad_kind | bad_dates | exists | closed | duplicate | no_criteria | not_found."""

    def __init__(self, code: str, **info):
        super().__init__(code)
        self.code, self.info = code, info


# -- windows -----------------------------------------------------------------------------------------------

def open_window(s: Session, fy: int, kind: str, opens_on: date, closes_on: date, now: datetime,
                created_by: int | None = None) -> NominationWindow:
    """A new window; one open window per year and kind."""
    if kind not in KINDS:
        raise NominationError("bad_kind")
    if closes_on < opens_on:
        raise NominationError("bad_dates")
    if s.exec(select(NominationWindow).where(NominationWindow.fy == fy, NominationWindow.kind == kind,
                                             NominationWindow.status == "open")).first():
        raise NominationError("exists")
    w = NominationWindow(fy=fy, kind=kind, opens_on=opens_on, closes_on=closes_on, created_by=created_by,
                         created_at=now)
    s.add(w)
    s.flush()
    return w


def close_window(s: Session, window: NominationWindow) -> bool:
    """An admin's close (or the result asked for after closes_on); True when it changed anything."""
    if window.status != "open":
        return False
    window.status = "closed"
    s.add(window)
    s.flush()
    return True


def get_window(s: Session, window_id: int | None) -> NominationWindow | None:
    return s.get(NominationWindow, window_id) if window_id else None


def windows(s: Session, fy: int | None = None) -> list[NominationWindow]:
    q = select(NominationWindow)
    if fy is not None:
        q = q.where(NominationWindow.fy == fy)
    return list(s.exec(q.order_by(NominationWindow.fy.desc(), NominationWindow.kind, NominationWindow.id)))


def is_open(window: NominationWindow, today: date) -> bool:
    return window.status == "open" and window.opens_on <= today <= window.closes_on


def result_ready(window: NominationWindow, today: date) -> bool:
    return window.status != "open" or today > window.closes_on


def open_windows(s: Session, today: date) -> list[NominationWindow]:
    q = select(NominationWindow).where(NominationWindow.status == "open", NominationWindow.opens_on <= today,
                                       NominationWindow.closes_on >= today)
    return list(s.exec(q.order_by(NominationWindow.kind)))


def finished_windows(s: Session, today: date) -> list[NominationWindow]:
    """Windows whose result can be ranked (closed, announced, or open past closes_on), newest first."""
    return [w for w in windows(s) if result_ready(w, today)][:10]


def criteria(s: Session, window: NominationWindow) -> list[CriteriaItem]:
    return register.criteria_of(s, CRITERIA_KIND[window.kind], window.fy)


# -- who nominates whom ------------------------------------------------------------------------------------

def coordinated_bureaus(s: Session, user: User) -> list[int]:
    """Bureaus the user may nominate for: those they coordinate; an admin, every active bureau."""
    rows = list(s.exec(select(UserRole.role, UserRole.bureau_id).where(UserRole.user_id == user.id)))
    if any(r == Role.ADMIN for r, _ in rows):
        return list(s.exec(select(Bureau.id).where(Bureau.active == True).order_by(Bureau.id)))  # noqa: E712
    return sorted({b for r, b in rows if r == Role.COORDINATOR and b is not None})


def bureaus_named(s: Session, ids: list[int]) -> list[tuple[int, str]]:
    if not ids:
        return []
    return list(s.exec(select(Bureau.id, Bureau.name).where(Bureau.id.in_(ids)).order_by(Bureau.name)).all())


def search_nominees(s: Session, nominator: User, text: str, limit: int = 12) -> list[User]:
    """Registered people of the nominator's bureaus whose name contains `text` (the nominator included: a
    coordinator may be the bureau's best example too)."""
    out: list[User] = []
    for bid in coordinated_bureaus(s, nominator):
        out += search_registered(s, text, limit + 1, bureau_id=bid)
    return sorted(out, key=lambda u: u.full_name or "")[:limit + 1]


def may_nominate(s: Session, nominator: User, bureau_id: int | None) -> bool:
    return bureau_id is not None and bureau_id in coordinated_bureaus(s, nominator)


def live_nomination(s: Session, window: NominationWindow, *, nominee_id: int | None = None,
                    bureau_id: int | None = None) -> Nomination | None:
    """The nomination of this person (or bureau) already waiting or submitted in the window."""
    q = select(Nomination).where(Nomination.window_id == window.id, Nomination.status.in_(LIVE))
    q = q.where(Nomination.nominee_id == nominee_id) if nominee_id else q.where(
        Nomination.nominee_id.is_(None), Nomination.bureau_id == bureau_id)
    return s.exec(q).first()


# -- the record attached -----------------------------------------------------------------------------------

def person_evidence(s: Session, user: User, fy: int) -> dict:
    """The nominee's record in the fiscal year: live deeds by virtue, hours of จิตอาสา, campaigns checked in
    to, and the ledger entry of their latest deed change (seq and hash, checkable with ledger-verify)."""
    start, end = fiscal_year_bounds(fy)
    live = (Deed.user_id == user.id, Deed.deleted_at.is_(None), Deed.deed_date >= start, Deed.deed_date <= end)
    by_virtue = dict(s.exec(select(Deed.virtue, func.count()).where(*live).group_by(Deed.virtue)).all())
    hours = s.exec(select(func.coalesce(func.sum(Deed.hours), 0)).where(*live, Deed.virtue == "volunteer")).one()
    campaigns = s.exec(select(func.count()).select_from(CampaignResponse).where(
        CampaignResponse.user_id == user.id, CampaignResponse.checked_in_at >= start_of_day_bkk(start),
        CampaignResponse.checked_in_at < start_of_day_bkk(end + timedelta(days=1)))).one()
    last = s.exec(select(LedgerEntry.seq, LedgerEntry.hash).join(Deed, Deed.id == LedgerEntry.deed_id)
                  .where(Deed.user_id == user.id).order_by(LedgerEntry.seq.desc()).limit(1)).first()
    return {"fy": fy, "virtues": {v.key: int(by_virtue.get(v.key, 0)) for v in VIRTUES},
            "volunteer_hours": round(float(hours or 0), 1), "campaigns": int(campaigns or 0),
            "ledger": {"seq": last[0], "hash": last[1]} if last else None}


def bureau_evidence(s: Session, bureau_id: int, fy: int, now: datetime) -> dict:
    """The bureau's numbers in the fiscal year: staff with a deed (participation), rounds due so far sent on
    time, and the register's activities its latest reports say are done."""
    start, end = fiscal_year_bounds(fy)
    today = today_bkk(now)
    part, staff, deeds = deed_stats.participation(s, bureau_id, start, min(end, today))
    rounds = list(s.exec(select(Round).where(Round.fy == fy).order_by(Round.due_date)))
    due = [r for r in rounds if r.due_date < today]
    states = [rounds_svc.round_status(s, r, bureau_id, now) for r in due]
    acts = register.list_for(s, fy, bureau_id)
    done = set()
    for r in rounds:  # later rounds override earlier ones: the latest word on each activity counts
        report = rounds_svc.latest_submitted(s, r.id, bureau_id)
        items = ((report.data or {}).get("items") or {}) if report else {}
        for a in acts:
            status = (items.get(f"a{a.id}") or {}).get("status")
            if status == "done":
                done.add(a.id)
            elif status:
                done.discard(a.id)
    return {"fy": fy, "participants": part, "staff": staff, "deeds": deeds,
            "participation_pct": round(100.0 * part / staff, 1) if staff else None,
            "rounds_due": len(due), "rounds_on_time": sum(st == RoundState.SUBMITTED for st in states),
            "rounds_late": sum(st == RoundState.LATE for st in states),
            "activities_planned": len(acts), "activities_done": len(done)}


# -- nominate, consent -------------------------------------------------------------------------------------

def clean_reasons(reasons: dict) -> dict:
    return {str(k): " ".join(str(v).split())[:REASON_MAX] for k, v in reasons.items() if str(v).strip()}


def create(s: Session, window: NominationWindow, nominator: User, *, bureau_id: int, nominee: User | None,
           reasons: dict, now: datetime) -> Nomination:
    """A person's nomination waits for consent; a bureau's is submitted at once (module docstring)."""
    if not is_open(window, today_bkk(now)):
        raise NominationError("closed")
    if (window.kind == "person") != (nominee is not None):
        raise NominationError("bad_kind")
    if nominee is not None and (nominee.bureau_id != bureau_id or not nominee.registered):
        raise NominationError("not_found")
    if not may_nominate(s, nominator, bureau_id):
        raise NominationError("not_found")
    if live_nomination(s, window, nominee_id=nominee.id if nominee else None, bureau_id=bureau_id):
        raise NominationError("duplicate")
    evidence = person_evidence(s, nominee, window.fy) if nominee else bureau_evidence(s, bureau_id, window.fy, now)
    nom = Nomination(window_id=window.id, bureau_id=bureau_id, nominee_id=nominee.id if nominee else None,
                     nominator_id=nominator.id, reasons=clean_reasons(reasons), evidence=evidence,
                     status=AWAITING if nominee else SUBMITTED, consent_at=None if nominee else now,
                     created_at=now, updated_at=now)
    s.add(nom)
    s.flush()
    return nom


def get(s: Session, nom_id: int | None) -> Nomination | None:
    return s.get(Nomination, nom_id) if nom_id else None


def answer_consent(s: Session, nom: Nomination | None, user: User, agree: bool, now: datetime) -> str:
    """'submitted' | 'declined' | 'already' (answered before: nothing changes) | 'closed' | 'not_yours'."""
    if nom is None or nom.nominee_id != user.id or nom.status == WITHDRAWN:
        return "not_yours"
    if nom.status != AWAITING:
        return "already"
    window = s.get(NominationWindow, nom.window_id)
    if not is_open(window, today_bkk(now)):
        return "closed"
    nom.status, nom.updated_at = (SUBMITTED if agree else DECLINED), now
    if agree:
        nom.consent_at = now
    else:
        nom.evidence = {}  # a refusal keeps nothing of their record
    s.add(nom)
    s.flush()
    return nom.status


# -- the committee -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    nomination: Nomination
    window: NominationWindow
    nominee: User | None
    bureau: Bureau
    scored: bool
    own_bureau: bool


def queue(s: Session, scorer: User, today: date) -> list[QueueItem]:
    """Submitted nominations of open windows, those the scorer has not scored first, then the rest."""
    wins = {w.id: w for w in open_windows(s, today)}
    if not wins:
        return []
    noms = s.exec(select(Nomination).where(Nomination.window_id.in_(wins), Nomination.status == SUBMITTED)
                  .order_by(Nomination.id)).all()
    scored = set(s.exec(select(NominationScore.nomination_id).where(NominationScore.scorer_id == scorer.id)))
    out = [QueueItem(n, wins[n.window_id], s.get(User, n.nominee_id) if n.nominee_id else None,
                     s.get(Bureau, n.bureau_id), n.id in scored, n.bureau_id == scorer.bureau_id) for n in noms]
    return sorted(out, key=lambda q: (q.scored or q.own_bureau, q.nomination.id))


def score_problem(s: Session, nom: Nomination | None, scorer: User, today: date) -> str | None:
    """None when the scorer may score it; else 'gone' | 'closed' | 'own_bureau'."""
    if nom is None or nom.status != SUBMITTED:
        return "gone"
    if not is_open(s.get(NominationWindow, nom.window_id), today):
        return "closed"
    if nom.bureau_id == scorer.bureau_id:
        return "own_bureau"
    return None


def save_scores(s: Session, nom: Nomination, scorer: User, scores: dict, now: datetime) -> bool:
    """The scorer's points per criterion (a second scoring replaces the first); True when it was new."""
    clean = {str(k): int(v) for k, v in scores.items() if int(v) in POINTS}
    row = s.exec(select(NominationScore).where(NominationScore.nomination_id == nom.id,
                                               NominationScore.scorer_id == scorer.id)).first()
    new = row is None
    row = row or NominationScore(nomination_id=nom.id, scorer_id=scorer.id, created_at=now)
    row.scores, row.updated_at = clean, now
    s.add(row)
    s.flush()
    return new


def scores_of(s: Session, nom: Nomination, scorer: User) -> dict:
    row = s.exec(select(NominationScore).where(NominationScore.nomination_id == nom.id,
                                               NominationScore.scorer_id == scorer.id)).first()
    return dict(row.scores) if row else {}


@dataclass(frozen=True)
class Ranked:
    rank: int
    nomination: Nomination
    name: str          # the person's full name, or the bureau's name
    title: str | None  # the person's title (คำนำหน้า)
    bureau: str
    mean: float | None  # mean total points; None when nobody scored it
    scorers: int
    max_points: int     # a scorer's highest possible total


def ranking(s: Session, window: NominationWindow) -> list[Ranked]:
    """Submitted nominations ranked (module docstring); unscored ones last, unranked."""
    n_crit = len(criteria(s, window)) or 1
    noms = s.exec(select(Nomination).where(Nomination.window_id == window.id, Nomination.status == SUBMITTED)
                  .order_by(Nomination.id)).all()
    rows = []
    for n in noms:
        totals = [sum(int(v) for v in r.scores.values()) for r in
                  s.exec(select(NominationScore).where(NominationScore.nomination_id == n.id))]
        mean = round(sum(totals) / len(totals), 2) if totals else None
        bureau = s.get(Bureau, n.bureau_id)
        person = s.get(User, n.nominee_id) if n.nominee_id else None
        rows.append((n, person, bureau, mean, len(totals)))
    rows.sort(key=lambda r: (r[3] is None, -(r[3] or 0), -r[4], r[0].id))
    out, rank = [], 0
    for n, person, bureau, mean, k in rows:
        rank = rank + 1 if mean is not None else 0
        out.append(Ranked(rank, n, (person.full_name if person else bureau.name) or "-",
                          person.title if person else None, bureau.name, mean, k, n_crit * max(POINTS)))
    return out


def close_if_due(s: Session, window: NominationWindow, today: date) -> None:
    """Asking for the result after closes_on closes the window: no more scores once a ranking was shown."""
    if window.status == "open" and today > window.closes_on:
        close_window(s, window)


# -- the announcement --------------------------------------------------------------------------------------

def set_news(s: Session, user: User, on: bool) -> bool:
    """Opt in to (or out of) the announcements; True when it changed anything."""
    key = f"{NEWS_KEY}{user.id}"
    row = s.get(WorkerSetting, key)
    if on and row is None:
        s.add(WorkerSetting(key=key, value={"v": True}))
        return True
    if not on and row is not None:
        s.delete(row)
        return True
    return False


def follows_news(s: Session, user: User) -> bool:
    return s.get(WorkerSetting, f"{NEWS_KEY}{user.id}") is not None


def audience_ids(s: Session, who: str) -> list[str]:
    """LINE ids the announcement goes to: "all" the reachable staff, "optin" those of them who opted in."""
    if who == "all":
        return audience.staff_ids(s)
    keys = s.exec(select(WorkerSetting.key).where(WorkerSetting.key.like(f"{NEWS_KEY}%"))).all()
    ids = [int(k[len(NEWS_KEY):]) for k in keys if k[len(NEWS_KEY):].isdigit()]
    if not ids:
        return []
    q = (select(User.line_user_id).join(Bureau, Bureau.id == User.bureau_id)
         .where(audience.reachable(), Bureau.active == True, User.id.in_(ids)).order_by(User.id))  # noqa: E712
    return list(s.exec(q))


def announce_key(window: NominationWindow) -> str:
    return f"nomination:{window.id}:announce"


def mark_announced(s: Session, window: NominationWindow) -> bool:
    """True the first time (a second confirm sends nothing more)."""
    if window.status == "announced":
        return False
    window.status = "announced"
    s.add(window)
    s.flush()
    return True


# -- PDPA --------------------------------------------------------------------------------------------------

def export_for(s: Session, user: User) -> dict:
    """What these tables hold about the user, values only (the caller words it)."""
    def nom_row(n: Nomination) -> dict:
        w = s.get(NominationWindow, n.window_id)
        return {"id": n.id, "fy": w.fy, "kind": w.kind, "status": n.status, "reasons": dict(n.reasons or {}),
                "evidence": dict(n.evidence or {}), "consent_at": n.consent_at, "created_at": n.created_at}
    about = s.exec(select(Nomination).where(Nomination.nominee_id == user.id).order_by(Nomination.id)).all()
    made = s.exec(select(Nomination).where(Nomination.nominator_id == user.id).order_by(Nomination.id)).all()
    scores = s.exec(select(NominationScore).where(NominationScore.scorer_id == user.id)
                    .order_by(NominationScore.id)).all()
    return {"nominated": [nom_row(n) for n in about],
            "nominations_made": [{"id": n.id, "fy": s.get(NominationWindow, n.window_id).fy, "status": n.status,
                                  "reasons": dict(n.reasons or {})} for n in made],
            "scores_given": [{"nomination_id": r.nomination_id, "scores": dict(r.scores or {}),
                              "updated_at": r.updated_at} for r in scores],
            "announcement_opt_in": follows_news(s, user)}


def erase_user(s: Session, user: User, now: datetime) -> None:
    """Nominations of the person go (with their scores): they are about them. As nominator and window creator
    the link is cut; the scores they gave stay with the erased (nameless) user row, so others' rankings
    hold. Their opt-in goes."""
    mine = list(s.exec(select(Nomination.id).where(Nomination.nominee_id == user.id)))
    if mine:
        s.exec(delete(NominationScore).where(NominationScore.nomination_id.in_(mine)))
        s.exec(delete(Nomination).where(Nomination.id.in_(mine)))
    for n in s.exec(select(Nomination).where(Nomination.nominator_id == user.id)):
        n.nominator_id, n.updated_at = None, now
        s.add(n)
    for w in s.exec(select(NominationWindow).where(NominationWindow.created_by == user.id)):
        w.created_by = None
        s.add(w)
    s.exec(delete(WorkerSetting).where(WorkerSetting.key == f"{NEWS_KEY}{user.id}"))
    s.flush()


# -- demo --------------------------------------------------------------------------------------------------

DEMO_CRITERIA = {
    "person": ("(ตัวอย่าง) ปฏิบัติงานด้วยความซื่อสัตย์สุจริต โปร่งใส ตรวจสอบได้",
               "(ตัวอย่าง) มีจิตอาสา ช่วยเหลืองานส่วนรวมและผู้อื่นอย่างสม่ำเสมอ",
               "(ตัวอย่าง) รักษาวินัย ตรงต่อเวลา เป็นแบบอย่างที่ดีแก่เพื่อนร่วมงาน"),
    "bureau": ("(ตัวอย่าง) บุคลากรร่วมบันทึกความดีและกิจกรรมอย่างทั่วถึง",
               "(ตัวอย่าง) ส่งรายงานตามแผนตรงเวลาและครบถ้วน",
               "(ตัวอย่าง) มีผลงานส่งเสริมจริยธรรมและความโปร่งใสที่เป็นรูปธรรม"),
}


def seed_demo(s: Session, now: datetime) -> list[NominationWindow]:
    """Invented example criteria (marked "(ตัวอย่าง)") and an open window of each kind for this fiscal year,
    closing in 30 days; safe to run twice."""
    today = today_bkk(now)
    fy = fiscal_year_be(today)
    out = []
    for kind, texts in DEMO_CRITERIA.items():
        ckind = CRITERIA_KIND[kind]
        if not register.criteria_of(s, ckind, fy):
            for pos, text in enumerate(texts, 1):
                s.add(CriteriaItem(kind=ckind, fy=fy, position=pos, text=text, created_at=now))
        w = s.exec(select(NominationWindow).where(NominationWindow.fy == fy, NominationWindow.kind == kind)).first()
        out.append(w or open_window(s, fy, kind, today, today + timedelta(days=30), now))
    s.flush()
    return out

