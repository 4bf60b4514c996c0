"""A simulated fiscal year's LINE bill (issue 19): `python -m bench.year_cost [--write] [--pg URL]`.

An invented office (2,000 staff in 20 bureaus, 2 coordinators each, 15 committee members, 3 admins; every name
and LINE id made up) lives through one fiscal year, 1 October to 30 September, on a fake clock. The worker's
real jobs (scheduler.jobs.run_job: fiscal_year 00:05, reminders 09:00, digest Monday 08:30, campaigns, survey)
enqueue into the real outbox, and the real sender (bot.line.outbox.send_due) sends it to a counting gateway
that bills each recipient against a monthly quota the way LINE does, so quiet hours, de-duplication by key and
the quota guard all count. People act through the service functions the chat and console call: bureaus submit
their round reports (seeded spread: most on time, some late after reminders, a few never), a dozen campaigns
are previewed then confirmed, staff answer and check in, an ITA survey drive runs, newcomers are approved.
Replies are free and not sent through LINE here: their number is modelled (REPLIES_PER_STAFF a month), and a
small share of them (FALLBACK_RATE) become pushes, as bot/pipeline/replies.py does when a reply fails.

Campaign and survey jobs tick every minute / five minutes in the worker; here they run at the moments their
plans can change (each campaign's confirm, reminder moments and start; the drive's first day and 09:00), plus
hourly in the day, which decides the same sends for far fewer ticks.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import tempfile
import time as wall
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from unittest import mock

from bench.common import ROOT, fmt_table, fresh_schema, machine_info, replace_section

COMMAND = ".venv/bin/python -m bench.year_cost --write"

# LINE Official Account plans in Thailand as we understand them (lineforbusiness.com/th, the 2023 packages):
# name, messages included a month, baht a month. Prices and quotas change: check them before quoting a bill,
# and pass --tiers (or YEAR_COST_TIERS) to use others. Only pushes and multicasts count; replies are free.
DEFAULT_TIERS = "Free=300/0,Basic=15000/1280,Pro=35000/1780"
DEFAULT_PLAN = "Basic"  # the configured quota the year must fit (--plan)

REPLIES_PER_STAFF = 8     # chat replies a staff member gets in a month (logging two deeds ≈ 8 exchanges), assumed
FALLBACK_RATE = 0.003     # share of replies that become pushes (reply token expired in a backlog, LINE 5xx), assumed
APPROVALS_PER_MONTH = 4   # newcomers who register by admin approval instead of an invite code, assumed
MUTED_SHARE = 0.10        # staff who muted reminders (campaign and survey reminders skip them)
JOIN, DECLINE, CHECK_IN = 0.40, 0.15, 0.80  # campaign answers (share of invited) and check-ins (share of joined)
REPORT_REPLIES = 12       # replies in one bureau's report submission in chat
GOAL_NON_CAMPAIGN = 0.2   # issue 19: non-campaign pushes per staff member per month, at most

CATEGORIES = ("reminders", "digests", "campaigns", "ita_survey", "approvals", "reply_fallbacks", "other")
CATEGORY_TH = {"reminders": "deadline reminders", "digests": "digests", "campaigns": "campaigns",
               "ita_survey": "ITA survey drive", "approvals": "approvals", "reply_fallbacks": "reply fallbacks",
               "other": "alerts/other"}
BROADCASTS = ("campaigns", "ita_survey")  # previewed by whoever confirms them; the rest is "non-campaign"

# One campaign a month: (month, day, hour, minute, bureaus invited (None: every bureau), invented title).
CAMPAIGNS = (
    (10, 28, 13, 30, 5, "(ตัวอย่าง) ประชุมชี้แจงแผนคุณธรรมประจำปี"),
    (11, 18, 9, 30, 2, "(ตัวอย่าง) จิตอาสาทำความสะอาดรอบอาคาร"),
    (12, 3, 8, 30, None, "(ตัวอย่าง) ทำบุญตักบาตรเนื่องในวันพ่อแห่งชาติ"),
    (1, 20, 13, 30, 1, "(ตัวอย่าง) อบรมประมวลจริยธรรมสำหรับบุคลากรใหม่"),
    (2, 17, 10, 0, None, "(ตัวอย่าง) รณรงค์ปิดไฟและเครื่องปรับอากาศช่วงพักกลางวัน"),
    (3, 10, 10, 0, 5, "(ตัวอย่าง) ร่วมบริจาคโลหิต"),
    (4, 9, 10, 0, 2, "(ตัวอย่าง) รดน้ำดำหัวผู้อาวุโสเนื่องในวันสงกรานต์"),
    (5, 26, 13, 30, 10, "(ตัวอย่าง) เสวนาต้านทุจริตในองค์กร"),
    (6, 9, 10, 0, 1, "(ตัวอย่าง) ปลูกต้นไม้เฉลิมพระเกียรติ"),
    (7, 21, 9, 0, None, "(ตัวอย่าง) ทำบุญเนื่องในวันเข้าพรรษา"),
    (8, 11, 10, 0, 2, "(ตัวอย่าง) มุทิตาจิตเนื่องในวันแม่แห่งชาติ"),
    (9, 22, 13, 30, 10, "(ตัวอย่าง) มุทิตาจิตผู้เกษียณอายุราชการ"),
)
CAMPAIGN_LEAD = timedelta(days=14)  # confirmed two weeks ahead
VIRTUES = ("volunteer", "sufficiency", "honesty", "discipline", "gratitude")
SURVEY = ((5, 3), (5, 31))  # the ITA drive's first and last day (the IIT tool's usual window), invented link

# Holidays with a fixed date (month, day, name); the lunar ones differ every year and are given per FY. The
# secretariat enters the year's real list (console วันหยุด); these stand in for it.
FIXED_HOLIDAYS = ((10, 13, "วันนวมินทรมหาราช"), (10, 23, "วันปิยมหาราช"), (12, 5, "วันพ่อแห่งชาติ"),
                  (12, 10, "วันรัฐธรรมนูญ"), (12, 31, "วันสิ้นปี"), (1, 1, "วันขึ้นปีใหม่"), (4, 6, "วันจักรี"),
                  (4, 13, "วันสงกรานต์"), (4, 14, "วันสงกรานต์"), (4, 15, "วันสงกรานต์"), (5, 4, "วันฉัตรมงคล"),
                  (6, 3, "วันเฉลิมพระชนมพรรษาสมเด็จพระราชินี"), (7, 28, "วันเฉลิมพระชนมพรรษา"),
                  (8, 12, "วันแม่แห่งชาติ"))
LUNAR_HOLIDAYS = {2570: ((2027, 2, 22, "ชดเชยวันมาฆบูชา (โดยประมาณ)"), (2027, 5, 20, "วันวิสาขบูชา (โดยประมาณ)"),
                         (2027, 7, 19, "วันเข้าพรรษา (โดยประมาณ)"), (2026, 12, 7, "ชดเชยวันพ่อแห่งชาติ"))}


@dataclass(frozen=True)
class Tier:
    name: str
    messages: int
    baht: int


def parse_tiers(text: str) -> list[Tier]:
    """"Free=300/0,Basic=15000/1280": name=messages/baht a month, smallest first."""
    out = []
    for part in text.split(","):
        name, rest = part.strip().split("=")
        messages, baht = rest.split("/")
        out.append(Tier(name.strip(), int(messages), int(baht)))
    return sorted(out, key=lambda t: t.messages)


@dataclass
class Params:
    staff: int = 2000
    bureaus: int = 20
    coordinators: int = 2
    committee: int = 15
    admins: int = 3
    fy: int = 2570
    start: date | None = None  # default 1 October of the FY
    months: int = 12
    seed: int = 19
    replies_per_staff: int = REPLIES_PER_STAFF
    fallback_rate: float = FALLBACK_RATE
    approvals_per_month: int = APPROVALS_PER_MONTH
    tiers: list[Tier] = field(default_factory=lambda: parse_tiers(os.environ.get("YEAR_COST_TIERS", DEFAULT_TIERS)))
    plan: str = DEFAULT_PLAN

    @property
    def quota(self) -> int:
        return next(t.messages for t in self.tiers if t.name.lower() == self.plan.lower())


# ---- the fake clock and the counting gateway -------------------------------------------------------------

class Clock:
    def __init__(self, now: datetime):
        self.now = now


class CountingGateway:
    """Stands in for LINE: counts each push and multicast against a monthly quota (Bangkok months), answers
    429 "monthly limit" past it, 409 on a retry key seen before; never calls anything."""

    def __init__(self, clock: Clock, limit: int | None):
        self.clock, self.limit = clock, limit
        self.used: Counter = Counter()   # month → recipients billed
        self.calls: list[tuple] = []     # (month, kind, retry_key, recipients)
        self.refused: Counter = Counter()  # month → sends LINE refused for the monthly limit
        self._keys: dict[str, str] = {}

    def _send(self, kind: str, to: list[str], retry_key: str):
        from bot.line.gateway import GatewayError, Sent
        if retry_key in self._keys:
            raise GatewayError("conflict", 409, "The retry key is already accepted",
                               accepted_request_id=self._keys[retry_key])
        month = month_of(self.clock.now)
        if self.limit is not None and self.used[month] + len(to) > self.limit:
            self.refused[month] += 1
            raise GatewayError("retry", 429, "You have reached your monthly limit.")
        self.used[month] += len(to)
        rid = uuid.uuid4().hex
        self._keys[retry_key] = rid
        self.calls.append((month, kind, retry_key, len(to)))
        return Sent(rid)

    def push(self, to: str, messages: list[dict], retry_key: str):
        return self._send("push", [to], retry_key)

    def multicast(self, to: list[str], messages: list[dict], retry_key: str):
        return self._send("multicast", list(to), retry_key)

    def get_quota(self) -> dict:
        return {"type": "none"} if self.limit is None else {"type": "limited", "value": self.limit}

    def get_consumption(self) -> dict:
        return {"totalUsage": self.used[month_of(self.clock.now)]}


def month_of(dt: datetime) -> tuple[int, int]:
    from messages_th.dates import to_bkk
    local = to_bkk(dt)
    return local.year, local.month


def month_th(month: tuple[int, int]) -> str:
    from messages_th.dates import BE_OFFSET, MONTHS_SHORT
    return f"{MONTHS_SHORT[month[1] - 1]} {month[0] + BE_OFFSET}"


def category_of(key: str) -> str:
    """The bill's category from the outbox key (each job and flow names its keys)."""
    head = key.split(":", 1)[0]
    return {"deadline": "reminders", "digest": "digests", "campaign": "campaigns", "survey": "ita_survey",
            "approval": "approvals", "reg-approved": "approvals", "reg-rejected": "approvals",
            "reply": "reply_fallbacks"}.get(head, "other")


def at(day: date, hh: int, mm: int = 0) -> datetime:
    from messages_th.dates import BKK
    return datetime.combine(day, time(hh, mm), tzinfo=BKK).astimezone(timezone.utc)


def as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


# ---- the invented office ------------------------------------------------------------------------------------

def fy_days(p: Params) -> tuple[date, date]:
    from messages_th.dates import fiscal_year_bounds
    first, last = fiscal_year_bounds(p.fy)
    start = p.start or first
    y, m = start.year, start.month + p.months
    end = min(last, date(y + (m - 1) // 12, (m - 1) % 12 + 1, 1) - timedelta(days=1))
    return start, end


def holidays_of(fy: int) -> list[tuple[date, str]]:
    from messages_th.dates import fiscal_year_bounds
    first, _ = fiscal_year_bounds(fy)
    days = [(date(first.year if m >= 10 else first.year + 1, m, d), name) for m, d, name in FIXED_HOLIDAYS]
    days += [(date(y, m, d), name) for y, m, d, name in LUNAR_HOLIDAYS.get(fy, ())]
    return sorted(dict(days).items())


def build(engine, p: Params, now: datetime) -> dict:
    """Bureaus, staff and roles, last year's rounds (so the clock's rollover opens this year's on 1 October,
    as in production), this year's holidays through the holiday service. Returns ids the script needs."""
    from sqlalchemy import insert
    from sqlmodel import select

    from bot.dev.demo.seed import fake_line_id
    from bot.services import holidays, rounds
    from models.core import Bureau, User, UserRole
    from models.db import session_scope

    rng = random.Random(p.seed)
    with session_scope(engine) as s:
        bureaus = [Bureau(code=f"B{i + 1:02d}", name=f"สำนักตัวอย่างที่ {i + 1} (ข้อมูลสมมติ)") for i in range(p.bureaus)]
        s.add_all(bureaus)
        s.flush()
        rows = [dict(line_user_id=fake_line_id(f"year:{n}"), display_name=f"บุคลากร {n + 1}", title="นาย",
                     full_name=f"บุคลากรสมมติ {n + 1}", position="นักวิเคราะห์ (สมมติ)",
                     bureau_id=bureaus[n % p.bureaus].id, status="registered", following=True,
                     consent_at=now, registered_at=now, mute_reminders=rng.random() < MUTED_SHARE,
                     created_at=now, updated_at=now) for n in range(p.staff)]
        s.execute(insert(User.__table__), rows)
        users = list(s.exec(select(User.id, User.bureau_id).order_by(User.id)))
        by_bureau: dict[int, list[int]] = defaultdict(list)
        for uid, bid in users:
            by_bureau[bid].append(uid)
        roles, coordinators = [], {}
        for b in bureaus:
            coordinators[b.id] = by_bureau[b.id][:p.coordinators]
            roles += [dict(user_id=u, role="coordinator", bureau_id=b.id, granted_at=now) for u in coordinators[b.id]]
        pool = [u for b in bureaus for u in by_bureau[b.id][p.coordinators:]]
        committee, admins = pool[:p.committee], pool[p.committee:p.committee + p.admins]
        roles += [dict(user_id=u, role="committee", bureau_id=None, granted_at=now) for u in committee]
        roles += [dict(user_id=u, role="admin", bureau_id=None, granted_at=now) for u in admins]
        s.execute(insert(UserRole.__table__), roles)
        rounds.open_fy(s, p.fy - 1)  # last year's: the rollover acts only after a year that had rounds
        for day, name in holidays_of(p.fy):
            holidays.add(s, None, day, name, now)
        dues = {r.code: r.due_date for r, _ in rounds.planned_rounds(s, p.fy)}  # this year's, not yet opened
        return {"bureaus": [b.id for b in bureaus], "codes": {b.code: b.id for b in bureaus}, "dues": dues,
                "coordinators": coordinators, "committee": committee, "admins": admins,
                "staff": [u for u, _ in users]}


# ---- the script: what people do, on which day ----------------------------------------------------------------

@dataclass
class Script:
    """Everything people do in the simulated year, by Bangkok day; filled by `plan_*`, run by `simulate`."""
    actions: dict[date, list[tuple[datetime, str, tuple]]] = field(default_factory=lambda: defaultdict(list))
    job_times: dict[date, set[tuple[int, int]]] = field(default_factory=lambda: defaultdict(set))

    def add(self, when: datetime, what: str, *args) -> None:
        from messages_th.dates import today_bkk
        self.actions[today_bkk(when)].append((when, what, args))

    def tick(self, when: datetime) -> None:
        """The campaign and survey jobs also run at this moment (a boundary of their plans)."""
        from messages_th.dates import to_bkk
        local = to_bkk(when)
        self.job_times[local.date()].add((local.hour, local.minute))


def working(day: date, holidays: set[date], forward: bool = True) -> date:
    from bot.services.deadlines import working_day_on_or_after, working_day_on_or_before
    return working_day_on_or_after(day, holidays) if forward else working_day_on_or_before(day, holidays)


def plan_reports(script: Script, p: Params, rng: random.Random, ids: dict, holidays: set[date], span) -> dict:
    """Each bureau's round reports: 15% early (before any reminder), 55% in the last two weeks (after some
    reminders), 20% late (after the overdue notice), 10% never."""
    plan = {}
    for code, due in ids["dues"].items():
        for bid in ids["bureaus"]:
            r = rng.random()
            if r < 0.10:
                continue  # never sends
            if r < 0.25:
                day = working(due - timedelta(days=rng.randint(16, 30)), holidays, forward=False)
            elif r < 0.80:
                day = working(due - timedelta(days=rng.randint(0, 13)), holidays, forward=False)
            else:
                day = working(due + timedelta(days=rng.randint(2, 12)), holidays)
            when = at(day, rng.randint(10, 16), rng.choice((0, 15, 30, 45)))
            if span[0] <= day <= span[1]:
                script.add(when, "submit", code, bid, ids["coordinators"][bid][0])
                plan[(code, bid)] = when
    return plan


def plan_campaigns(script: Script, p: Params, rng: random.Random, ids: dict, holidays: set[date], span) -> None:
    from messages_th.dates import fiscal_year_bounds
    first, _ = fiscal_year_bounds(p.fy)
    for n, (m, d, hh, mm, k, title) in enumerate(CAMPAIGNS):
        day = working(date(first.year if m >= 10 else first.year + 1, m, d), holidays)
        starts = at(day, hh, mm)
        confirm = at(working(day - CAMPAIGN_LEAD, holidays, forward=False), 10, 0)
        picked = None if k is None else sorted(rng.sample(ids["bureaus"], min(k, len(ids["bureaus"]))))
        creator = ids["committee"][n % len(ids["committee"])] if n % 3 else ids["admins"][0]
        if not (span[0] <= day <= span[1] and span[0] <= confirm.date()):
            continue  # outside a reduced run's months
        script.add(confirm, "campaign", n, title, starts, picked, VIRTUES[n % len(VIRTUES)], creator)
        for moment in (confirm + timedelta(minutes=1), starts - timedelta(days=3), starts - timedelta(minutes=60),
                       starts, starts + timedelta(minutes=30)):
            script.tick(moment)
        # answers come the day after the invite (noon), check-ins half an hour after the start
        script.add(at(working(confirm.date() + timedelta(days=1), holidays), 12, 0), "answer", n)
        script.add(starts + timedelta(minutes=30), "check_in", n)


def plan_survey(script: Script, p: Params, rng: random.Random, ids: dict, holidays: set[date], span) -> None:
    from bot.services.survey import REMIND_DAYS
    from messages_th.dates import fiscal_year_bounds
    first, _ = fiscal_year_bounds(p.fy)
    (m1, d1), (m2, d2) = SURVEY
    opens = date(first.year if m1 >= 10 else first.year + 1, m1, d1)
    closes = date(first.year if m2 >= 10 else first.year + 1, m2, d2)
    confirm = at(working(opens - timedelta(days=10), holidays, forward=False), 11, 0)
    if not (span[0] <= confirm.date() and closes <= span[1]):
        return
    script.add(confirm, "survey_create", opens, closes, ids["admins"][0])
    r1, r2 = (closes - timedelta(days=d) for d in sorted(REMIND_DAYS, reverse=True))
    # 50% answer in the first week, 20% after the first reminder, 10% after the second, 20% never
    for uid in ids["staff"]:
        r = rng.random()
        if r < 0.5:
            day = opens + timedelta(days=rng.randint(0, 6))
        elif r < 0.7:
            day = r1 + timedelta(days=rng.randint(0, max(0, (r2 - r1).days - 1)))
        elif r < 0.8:
            day = r2 + timedelta(days=rng.randint(0, max(0, (closes - r2).days)))
        else:
            continue
        script.add(at(day, 15, 0), "survey_done", uid)


def plan_approvals(script: Script, p: Params, rng: random.Random, holidays: set[date], span) -> None:
    day, n = span[0], 0
    while day <= span[1]:
        for _ in range(p.approvals_per_month):
            ask = working(day + timedelta(days=rng.randint(0, 27)), holidays)
            if ask > span[1]:
                continue
            script.add(at(ask, rng.randint(9, 19), 0), "ask_approval", n)
            script.add(at(working(ask + timedelta(days=1), holidays), 10, 0), "approve", n)
            n += 1
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)


# ---- running it ----------------------------------------------------------------------------------------------

@contextmanager
def fake_clock(clock: Clock):
    """The outbox stamps rows with utcnow(): make that the simulated time, so retry windows and the enqueue
    times read in the checks are the year's, not today's."""
    with mock.patch("bot.line.outbox.utcnow", lambda: clock.now):
        yield


class JobErrors(logging.Handler):
    """run_job logs and swallows a failing job; the bench must not report a bill with a job missing."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(record.getMessage())


@dataclass
class Year:
    p: Params
    months: list[tuple[int, int]]
    billed: dict            # (month, category) → recipients billed
    calls: dict             # (month, category) → API calls (push or multicast requests)
    staff: dict             # month → reachable staff at its start
    replies: Counter        # month → modelled replies
    campaigns: list[dict]
    reminders_after_submit: list[str]
    reminded_then_submitted: int  # (round, bureau) pairs reminded at least once before submitting
    outbox_total: int       # recipients of every sent outbox row
    outbox_rows: dict       # status → rows
    refused: Counter        # month → the counting gateway's 429s (LINE's monthly limit reached)
    quota_alerts: list[str] # the quota guard's admin alerts (a big send it held back), by day
    errors: list[str]
    seconds: float
    survey: dict | None
    bureau_digests: Counter  # month → billed for the coordinators' bureau digests (part of "digests")
    digest_weeks: dict = field(default_factory=dict)  # month → (Mondays with bureau digests, with any digest)


class People:
    """What people do, each through the service the chat or console calls for it; one method per action in
    the script (`on_<what>(s, when, *args)`), each in its own transaction like a request."""

    def __init__(self, p: Params, ids: dict, script: Script, rng: random.Random):
        self.p, self.ids, self.script, self.rng = p, ids, script, rng
        self.replies: Counter = Counter()   # month → replies (free) the actions and chat cost
        self.shown: dict = {}               # campaign number (or "survey") → what its preview showed, and when
        self.newcomers: dict[int, int] = {}
        self.drive_id: int | None = None

    def on_submit(self, s, when, code, bureau_id, author):
        from bot.services import rounds
        rnd = rounds.get_round(s, code)
        if rnd is None:
            raise RuntimeError(f"round {code} was not opened (the fiscal-year rollover did not run)")
        rounds.open_draft(s, rnd, bureau_id, author)
        rounds.submit(s, rnd, bureau_id, author, when)
        self.replies[month_of(when)] += REPORT_REPLIES

    def on_campaign(self, s, when, n, title, starts, picked, virtue, creator):
        from bot.services import campaigns
        from bot.services.console_access import Viewer
        viewer = Viewer(user_id=creator, role="admin" if creator in self.ids["admins"] else "committee",
                        bureau_ids=frozenset())
        draft = campaigns.Draft(title=title, starts_at=starts, virtue=virtue, bureau_ids=picked,
                                description="กิจกรรมตัวอย่าง (ข้อมูลสมมติ)", place="อาคารรัฐสภา")
        shown = campaigns.preview(s, viewer, draft, when)  # the figures the console's confirm shows
        camp, _ = campaigns.create_confirmed(s, viewer, draft, when)
        self.shown[n] = {"id": camp.id, "title": title, "starts": starts, "bureaus": picked,
                         "preview": shown.recipients, "preview_most": shown.most, "preview_at": when}

    def on_answer(self, s, when, n):
        from sqlmodel import select

        from bot.services import campaigns
        from models.core import User
        from models.enums import CampaignAnswer
        camp = s.get(campaigns.Campaign, self.shown[n]["id"])
        for u in s.exec(select(User).where(User.line_user_id.in_(campaigns.targets(s, camp))).order_by(User.id)):
            r = self.rng.random()
            if r < JOIN + DECLINE:
                campaigns.respond(s, camp, u, CampaignAnswer.JOIN if r < JOIN else CampaignAnswer.DECLINE, when)
                self.replies[month_of(when)] += 1

    def on_check_in(self, s, when, n):
        from bot.services import campaigns
        from models.core import User
        from models.enums import CampaignAnswer
        camp = s.get(campaigns.Campaign, self.shown[n]["id"])
        for uid in sorted(campaigns.answered(s, camp.id, CampaignAnswer.JOIN)):
            if self.rng.random() < CHECK_IN:
                campaigns.check_in(s, camp, s.get(User, uid), when, description="ร่วมกิจกรรม (ข้อมูลสมมติ)")
                self.replies[month_of(when)] += 1

    def on_survey_create(self, s, when, opens, closes, admin):
        from bot.services import survey
        draft = survey.Draft(title=survey.DEFAULT_TITLE + " (ข้อมูลสมมติ)", url="https://example.com/ita",
                             opens_on=opens, closes_on=closes)
        shown = survey.preview(s, draft, when)  # the console shows it before the admin confirms
        drive, _ = survey.create(s, draft, when, actor_id=admin)
        self.drive_id = drive.id
        self.shown["survey"] = {"id": drive.id, "title": drive.title, "starts": drive.opens_at, "bureaus": None,
                                "preview": shown.recipients, "preview_most": shown.most, "preview_at": when}
        self.script.tick(drive.opens_at + timedelta(minutes=5))

    def on_survey_done(self, s, when, user_id):
        from bot.services import survey
        from models.core import User
        if survey.mark_done(s, self.drive_id, s.get(User, user_id), when)[0] == "ok":
            self.replies[month_of(when)] += 1

    def on_ask_approval(self, s, when, n):
        """No invite code: the request is filed and every admin is told (handlers/admin.tell_admins' push)."""
        import messages_th.admin as th_admin
        from bot.dev.demo.seed import fake_line_id
        from bot.line.outbox import enqueue
        from bot.services import audience, membership, quiet_hours
        from messages_th.names import person
        from models.core import User
        from models.enums import UserStatus
        u = User(line_user_id=fake_line_id(f"year:new:{n}"), display_name=f"ผู้มาใหม่ {n + 1}",
                 status=UserStatus.CONSENTED, consent_at=when, following=True, created_at=when, updated_at=when)
        s.add(u)
        s.flush()
        bid = self.ids["bureaus"][n % len(self.ids["bureaus"])]
        membership.request_approval(s, u, bid, f"ผู้มาใหม่สมมติ {n + 1}", "นักวิเคราะห์ (สมมติ)", when, "นาง")
        self.newcomers[n] = u.id
        row = (u.id, person(u.title, u.full_name), u.position, membership.bureau_name(s, bid), u.display_name)
        enqueue(s, f"approval:{u.id}:sim-{n}", audience.role_ids(s, "admin"), [th_admin.approval_request(row)],
                not_before=quiet_hours.not_before(s, when))
        self.replies[month_of(when)] += 8  # the registration flow's questions

    def on_approve(self, s, when, n):
        """An admin approves; the person is told by push (the console's and the CLI's same push)."""
        import messages_th.onboarding as th_onboarding
        from bot.line.outbox import enqueue
        from bot.services import membership
        from models.core import User
        decision = membership.decide(s, s.get(User, self.newcomers[n]), True, when)
        enqueue(s, decision.push_key, decision.line_user_id, [th_onboarding.approved_push()])
        self.replies[month_of(when)] += 1  # the admin's tap is answered by a reply

    def on_fallbacks(self, s, when, day_key, count):
        """What bot/pipeline/replies.py queues when a reply did not go out: an urgent push keyed by the event."""
        from sqlmodel import select

        from bot.line.outbox import enqueue_many
        from models.core import User
        who = self.rng.sample(self.ids["staff"], min(count, len(self.ids["staff"])))
        line_ids = dict(s.exec(select(User.id, User.line_user_id).where(User.id.in_(who))).all())
        msg = {"type": "text", "text": "บันทึกแล้วครับ (ข้อความตัวอย่าง)"}
        enqueue_many(s.connection(), [(f"reply:sim-{day_key}-{k}", line_ids[u], [msg]) for k, u in enumerate(who)],
                     urgent=True, category="reply-fallback")


def day_events(day: date, script: Script) -> list[tuple]:
    """(moment, order within it, "job" | "act" | "drain", name, args) for one day, in the worker's hours."""
    events: list[tuple] = [(at(day, 0, 5), 0, "job", "fiscal_year", ()), (at(day, 8, 0), 1, "drain", "", ())]
    if day.weekday() == 0:
        events.append((at(day, 8, 30), 1, "job", "digest", ()))
    events += [(at(day, 9, 0), 1, "job", "reminders", ()), (at(day, 9, 0), 2, "job", "survey", ())]
    extra = script.job_times.get(day, set())
    events += [(at(day, hh, mm), 3, "job", "campaigns", ()) for hh, mm in {(h, 0) for h in range(8, 21)} | extra]
    events += [(at(day, hh, mm), 3, "job", "survey", ()) for hh, mm in extra]
    events += [(when, 4, "act", what, args) for when, what, args in script.actions.get(day, [])]
    return sorted(events, key=lambda e: (e[0], e[1]))


def simulate(url: str, p: Params) -> Year:
    """Build the office, script its year, run it day by day; the tallies of what LINE would have billed."""
    from bot.line.outbox import drain
    from bot.services import audience
    from models.db import session_scope
    from scheduler.jobs import jobs, run_job

    t0 = wall.monotonic()
    span = fy_days(p)
    clock = Clock(at(span[0], 0, 0) - timedelta(hours=1))
    engine = fresh_schema(url)
    rng = random.Random(p.seed)
    ids = build(engine, p, clock.now)
    holidays = {d for d, _ in holidays_of(p.fy)}
    script = Script()
    submitted_at = plan_reports(script, p, rng, ids, holidays, span)
    plan_campaigns(script, p, rng, ids, holidays, span)
    plan_survey(script, p, rng, ids, holidays, span)
    plan_approvals(script, p, rng, holidays, span)
    people = People(p, ids, script, rng)
    gw = CountingGateway(clock, p.quota)
    plans = jobs(None)
    errors = JobErrors()
    logging.getLogger().addHandler(errors)
    staff_at: dict = {}
    try:
        with fake_clock(clock):
            day = span[0]
            while day <= span[1]:
                month = (day.year, day.month)
                if month not in staff_at:
                    with session_scope(engine, readonly=True) as s:
                        staff_at[month] = len(audience.staff_ids(s))
                    people.replies[month] += p.replies_per_staff * staff_at[month]
                    plan_fallbacks(script, p, rng, month, staff_at[month], span)
                for when, _, kind, name, args in day_events(day, script):
                    clock.now = when
                    if kind == "job":
                        run_job(engine, "bench-year", name, plans[name], when, gw)
                    elif kind == "act":
                        with session_scope(engine) as s:
                            getattr(people, f"on_{name}")(s, when, *args)
                    drain(engine, gw, now=when)  # the sender: every row due by now goes out
                day += timedelta(days=1)
            clock.now = at(span[1], 23, 59)
            drain(engine, gw, now=clock.now)
    finally:
        logging.getLogger().removeHandler(errors)
    return tally(engine, p, gw, ids, staff_at, people.replies, people.shown, submitted_at, errors.records,
                 wall.monotonic() - t0)


def plan_fallbacks(script: Script, p: Params, rng: random.Random, month, staff: int, span) -> None:
    """This month's reply fallbacks: FALLBACK_RATE of the chat replies, on random days and hours (chat goes on
    at any hour; a fallback push is urgent and is not held for quiet hours)."""
    count = round(p.replies_per_staff * staff * p.fallback_rate)
    days = [d for d in (date(month[0], month[1], 1) + timedelta(days=i) for i in range(31))
            if d.month == month[1] and span[0] <= d <= span[1]]
    per_day = Counter(rng.choice(days) for _ in range(count))
    for d, k in per_day.items():
        script.add(at(d, rng.randint(7, 22), rng.randint(0, 59)), "fallbacks", f"{d:%Y%m%d}", k)


def tally(engine, p, gw, ids, staff_at, replies, camps, submitted_at, errors, seconds) -> Year:
    from sqlalchemy import func
    from sqlmodel import select

    from models.core import OutboxMessage
    from models.db import session_scope

    with session_scope(engine, readonly=True) as s:
        rows = {r.retry_key: (r.key, r.category, r.recipient_count, r.status, as_utc(r.created_at))
                for r in s.exec(select(OutboxMessage))}
        by_status = dict(s.exec(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    months = sorted(staff_at)
    billed, calls, bureau_digests = Counter(), Counter(), Counter()
    weeks: dict = defaultdict(lambda: (set(), set()))  # month → (weeks with bureau digests, weeks with any)
    for month, _, retry_key, n in gw.calls:
        key = rows[retry_key][0]
        billed[(month, category_of(key))] += n
        calls[(month, category_of(key))] += 1
        if key.startswith("digest:") and ":bureau:" in key:
            bureau_digests[month] += n  # the coordinators' own bureau digest (the rest: the committee's)
        if key.startswith("digest:"):
            week = key.split(":")[1]
            weeks[month][1].add(week)
            if ":bureau:" in key:
                weeks[month][0].add(week)
    sent_total = sum(n for key, cat, n, status, _ in rows.values() if status == "sent")
    # a reminder enqueued for a bureau after it submitted would be a reminder that did not stop
    late, before = [], set()
    for key, _, _, _, created in rows.values():
        parts = key.split(":")
        if parts[0] == "deadline":
            pair = (parts[1], ids["codes"][parts[2]])
            sub = submitted_at.get(pair)
            if sub is not None and created >= sub:
                late.append(key)
            elif sub is not None:
                before.add(pair)
    out = []
    for n, c in sorted(camps.items(), key=lambda kv: kv[1]["preview_at"]):
        prefix = f"survey:{c['id']}:" if n == "survey" else f"campaign:{c['id']}:"
        mine = [(key, cnt, created) for key, _, cnt, status, created in rows.values()
                if key.startswith(prefix) and status == "sent"]
        sent_at = min((created for _, _, created in mine), default=None)
        part = Counter()
        for key, cnt, _ in mine:
            stage = key[len(prefix):].split("#")[0]
            part["invite" if stage == "invite" else "checkin" if stage == "checkin" else "reminders"] += cnt
        out.append({**c, "kind": "survey" if n == "survey" else "campaign", "pushed": sum(part.values()),
                    **part, "first_enqueued": sent_at,
                    "shown_before": sent_at is None or c["preview_at"] < sent_at})
    return Year(p, months, billed, calls, staff_at, replies, out, late, len(before), sent_total, by_status,
                gw.refused, sorted(key for key, *_ in rows.values() if key.startswith("quota-alert:")), errors, seconds,
                next((c for c in out if c["kind"] == "survey"), None), bureau_digests,
                {m: (len(b), len(a)) for m, (b, a) in weeks.items()})


# ---- the report ---------------------------------------------------------------------------------------------

def month_total(y: Year, month, cats=CATEGORIES) -> int:
    return sum(y.billed[(month, c)] for c in cats)


NON_CAMPAIGN = tuple(c for c in CATEGORIES if c not in BROADCASTS)


def tier_for(y: Year, n: int) -> str:
    return next((t.name for t in y.p.tiers if n <= t.messages), f">{y.p.tiers[-1].name}")


def checks(y: Year) -> list[tuple[str, bool, str]]:
    per = {m: month_total(y, m, NON_CAMPAIGN) / max(1, y.staff[m]) for m in y.months}
    worst = max(per, key=per.get)
    mean = sum(per.values()) / len(per)
    # the counting gateway refuses past the quota as LINE does, so a month that wanted more shows as refusals
    over = [m for m in y.months if month_total(y, m) > y.p.quota or y.refused[m]]
    unseen = [c["title"] for c in y.campaigns if not c["shown_before"]]
    # the preview's "most" is an upper bound: a campaign that pushed more would have been shown too little
    ratios = [c["pushed"] / c["preview_most"] for c in y.campaigns if c["preview_most"]]
    over_most = [c["title"] for c in y.campaigns if c["pushed"] > c["preview_most"]]
    return [
        (f"non-campaign pushes ≤ {GOAL_NON_CAMPAIGN} per staff member in every month", per[worst] <= GOAL_NON_CAMPAIGN,
         f"worst {month_th(worst)} {per[worst]:.3f}, mean {mean:.3f}"),
        ("every campaign's cost shown before it is sent, and never exceeded", not unseen and not over_most,
         f"{len(y.campaigns) - len(unseen)} of {len(y.campaigns)} previewed before the first push"
         + (f"; not: {', '.join(unseen)}" if unseen else "") + (
             f"; each pushed {min(ratios):.0%}–{max(ratios):.0%} of the most its preview showed" if ratios else "")
         + (f"; more than shown: {', '.join(over_most)}" if over_most else "")),
        (f"no month over the configured quota ({y.p.plan}: {y.p.quota:,})", not over and not y.quota_alerts,
         f"highest {max(month_total(y, m) for m in y.months):,}; LINE refusals {sum(y.refused.values())}, "
         f"quota-guard holds {len(y.quota_alerts)}" + (f"; over: {', '.join(map(month_th, over))}" if over else "")),
        ("reminders stop once a bureau has submitted", not y.reminders_after_submit,
         f"{len(y.reminders_after_submit)} reminder(s) enqueued after the bureau's submission; "
         f"{y.reminded_then_submitted} bureau reports came in after reminders, which then stopped"),
        ("categories add up to the outbox's sent total", sum(y.billed.values()) == y.outbox_total,
         f"{sum(y.billed.values()):,} billed = {y.outbox_total:,} recipients in sent rows"),
        ("no job failed", not y.errors, "; ".join(y.errors[:3]) or "none"),
    ]


def report(y: Year) -> str:
    cats = CATEGORIES
    head = ["month", "staff", *(CATEGORY_TH[c] for c in cats), "billed", "calls", "non-campaign / staff",
            "all / staff", "replies", "reply share", "tier"]
    rows = []
    for m in y.months:
        billed = month_total(y, m)
        calls = sum(y.calls[(m, c)] for c in cats)
        staff = y.staff[m]
        rows.append([month_th(m), f"{staff:,}", *(f"{y.billed[(m, c)]:,}" for c in cats), f"{billed:,}", f"{calls:,}",
                     f"{month_total(y, m, NON_CAMPAIGN) / staff:.3f}", f"{billed / staff:.2f}", f"{y.replies[m]:,}",
                     f"{y.replies[m] / max(1, y.replies[m] + billed):.1%}", tier_for(y, billed)])
    n = len(y.months)
    tot = {c: sum(y.billed[(m, c)] for m in y.months) for c in cats}
    staff_mean = sum(y.staff.values()) / n
    all_billed, all_replies = sum(tot.values()), sum(y.replies.values())
    rows.append(["year", f"{staff_mean:,.0f}", *(f"{tot[c]:,}" for c in cats), f"{all_billed:,}",
                 f"{sum(y.calls.values()):,}", f"{sum(tot[c] for c in NON_CAMPAIGN) / staff_mean / n:.3f}",
                 f"{all_billed / staff_mean / n:.2f}", f"{all_replies:,}",
                 f"{all_replies / max(1, all_replies + all_billed):.1%}", ""])
    per_cat = fmt_table(["category", "calls", "billed", "per staff per month", "share of billed"],
                        [[CATEGORY_TH[c], f"{sum(y.calls[(m, c)] for m in y.months):,}", f"{tot[c]:,}",
                          f"{tot[c] / staff_mean / n:.3f}", f"{tot[c] / max(1, all_billed):.1%}"] for c in cats])
    camp_rows = [[c["title"][:44], "ทุกสำนัก" if c["bureaus"] is None else f"{len(c['bureaus'])} สำนัก",
                  f"{c['preview']:,}", f"{c['preview_most']:,}", f"{c.get('invite', 0):,}",
                  f"{c.get('reminders', 0):,}", f"{c.get('checkin', 0):,}", f"{c['pushed']:,}",
                  f"{c['pushed'] / max(1, c['preview_most']):.0%}", "yes" if c["shown_before"] else "NO"]
                 for c in y.campaigns]
    camp = fmt_table(["campaign (invented)", "audience", "preview: invite", "preview: most", "invite", "reminders",
                      "check-in", "pushed", "pushed/most", "shown first"], camp_rows)
    if y.survey:
        camp += (f"\n\nThe ITA drive's preview shows {y.survey['preview']:,} recipients and at most "
                 f"{y.survey['preview_most']:,} messages (invite + every reminder to everyone); it pushed "
                 f"{y.survey['pushed']:,}.")
    fees = ", ".join(f"{t.name} {t.messages:,} messages/{t.baht:,} บาท" for t in y.p.tiers)
    need = Counter(tier_for(y, month_total(y, m)) for m in y.months)
    lines = [
        f"Months ({n}) by category, billed messages (one per recipient of a push or multicast):", "",
        fmt_table(head, rows), "",
        "By category over the run:", "", per_cat, "",
        "Campaigns: the figures the confirm shows (`bot.services.campaigns.preview`: the invite's recipients and "
        "สูงสุด, the most: invite + each reminder to the unmuted + the check-in prompt to every invitee) against what "
        "the campaign pushed in the end:", "", camp, "",
        f"Plan tiers used (configuration, prices change: `--tiers`): {fees}. Months per smallest tier that "
        f"holds them: {', '.join(f'{k} {v}' for k, v in sorted(need.items()))}. Quota guard holds (admin "
        f"alerts): {len(y.quota_alerts)}; LINE monthly-limit answers: {sum(y.refused.values())}; outbox rows by status: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(y.outbox_rows.items()))}.", "",
        "Goal checks:", "",
        *(f"- {'PASS' if ok else 'FAIL'}: {name} ({detail})" for name, ok, detail in checks(y)),
    ]
    return "\n".join(lines)


def blame(y: Year) -> str:
    """Which non-campaign category carries the bill in the worst month (for the note when the goal fails)."""
    per = {m: month_total(y, m, NON_CAMPAIGN) / max(1, y.staff[m]) for m in y.months}
    worst = max(per, key=per.get)
    parts = sorted(((y.billed[(worst, c)], c) for c in NON_CAMPAIGN), reverse=True)
    over = [m for m in y.months if per[m] > GOAL_NON_CAMPAIGN]
    coord = [y.bureau_digests[m] / y.staff[m] for m in y.months]
    without = max((month_total(y, m, NON_CAMPAIGN) - y.bureau_digests[m]) / y.staff[m] for m in y.months)
    half = max((month_total(y, m, NON_CAMPAIGN) - y.bureau_digests[m] / 2) / y.staff[m] for m in y.months)
    return (f"over in {', '.join(map(month_th, over))}; the worst, {month_th(worst)}: "
            + ", ".join(f"{CATEGORY_TH[c]} {n:,} ({n / y.staff[worst]:.3f}/staff)" for n, c in parts if n)
            + f". Digests are the standing load: every month {min(coord):.3f}–{max(coord):.3f} per staff member "
            "is the coordinators' bureau digest alone (2 per bureau, every other Monday: scheduler/digest.py), "
            "the committee's weekly digest the rest; the deadline "
            "reminders add the peak in a month with due dates. In the worst month the coordinators' digest went out "
            f"on {y.digest_weeks.get(worst, (0, 0))[0]} of its {y.digest_weeks.get(worst, (0, 0))[1]} Mondays. Without the coordinators' digest the worst month would be "
            f"{without:.3f}; with half of it, about {half:.3f}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--staff", type=int, default=2000)
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--seed", type=int, default=19)
    p.add_argument("--fy", type=int, default=2570, help="fiscal year, พ.ศ. (default 2570)")
    p.add_argument("--plan", default=DEFAULT_PLAN, help="the tier whose quota the year must fit (default Basic)")
    p.add_argument("--tiers", default=os.environ.get("YEAR_COST_TIERS", DEFAULT_TIERS),
                   help=f"plan tiers name=messages/baht, comma separated (default {DEFAULT_TIERS})")
    p.add_argument("--replies-per-staff", type=int, default=REPLIES_PER_STAFF)
    p.add_argument("--fallback-rate", type=float, default=FALLBACK_RATE)
    p.add_argument("--pg", metavar="URL", help="run on this PostgreSQL database (dropped and created) instead")
    p.add_argument("--write", action="store_true", help="rewrite the Year cost section of BENCHMARKS.md")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    params = Params(staff=args.staff, months=args.months, seed=args.seed, fy=args.fy, plan=args.plan,
                    tiers=parse_tiers(args.tiers), replies_per_staff=args.replies_per_staff,
                    fallback_rate=args.fallback_rate)
    info = machine_info()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.pg or f"sqlite:///{Path(tmp) / 'year.sqlite3'}"
        y = simulate(url, params)
    db = "PostgreSQL" if args.pg else "SQLite"
    text = report(y)
    goal_ok = checks(y)[0][1]
    text += ("" if goal_ok else f"\n\nThe non-campaign goal fails: {blame(y)}.")
    print(text)
    print(f"\n{db}, {params.staff:,} staff, {len(y.months)} months simulated in {y.seconds:.0f} s")
    if args.write:
        body = (f"Command: `{COMMAND}` (`--pg URL`, `--staff N`, `--months N`, `--plan`, `--tiers`). "
                f"Machine: {info['nproc']} cores, {info['cpu']}, {info['memory']} RAM, Python {info['python']}; "
                f"{info['date']}; {db}; simulated in {y.seconds:.0f} s.\n\n"
                f"Invented office (every name and LINE id made up): {params.staff:,} staff in {params.bureaus} "
                f"bureaus, {params.coordinators} coordinators each, {params.committee} committee members, "
                f"{params.admins} admins; FY {params.fy} (1 Oct – 30 Sep) with the plan's five rounds (opened by "
                "the clock's own rollover on 1 October) and the year's public holidays (lunar ones approximate). "
                "The worker's jobs run day by day on a fake clock at their hours, the real sender sends the "
                "outbox to a counting gateway that bills like LINE (per recipient, monthly quota). Bureaus submit "
                "through `bot.services.rounds` (15% early, 55% in the last two weeks, 20% late, 10% never); 12 "
                "campaigns through the console's `preview` then `create_confirmed`; one ITA drive; "
                f"{params.approvals_per_month} approvals a month. Assumed: {params.replies_per_staff} chat replies "
                f"per staff member a month (plus the answers, check-ins and reports counted), of which "
                f"{params.fallback_rate:.1%} become pushes (reply fallbacks); {MUTED_SHARE:.0%} of staff muted "
                f"reminders; {JOIN:.0%} join and {DECLINE:.0%} decline a campaign, {CHECK_IN:.0%} of joiners "
                "check in. Non-campaign = everything but campaigns and the ITA drive.\n\n" + text + "\n")
        replace_section(ROOT / "BENCHMARKS.md", "Year cost", body)
        print(f"wrote the Year cost section of {ROOT / 'BENCHMARKS.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
