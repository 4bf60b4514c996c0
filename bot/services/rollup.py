"""The organisation roll-up of a round (issue 16), what the secretariat sends upward, as plain values:
- the KPI: activities done ÷ activities planned (every activity of the year's register), overall and per
  measure (the code's first number);
- each activity's status for the organisation, from the latest submitted reports of its responsible bureaus:
  done when every one of them says done, cancelled when every one says cancelled, in progress when any has
  started, not started when all that reported say so, not reported when none has;
- one line per (activity, responsible bureau) with that bureau's numbers, so every column adds up;
- the bureaus that have not sent the round; deeds by virtue and by bureau in the round's period; the period's
  campaigns with how many joined and checked in.
The XLSX is messages_th/rollup_xlsx.py; the chat's KPI card messages_th/rollup.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services import activities as register
from bot.services import rounds as svc
from messages_th.dates import end_of_day_bkk, start_of_day_bkk
from messages_th.virtues import VIRTUES
from models.campaigns import Campaign, CampaignResponse
from models.core import Bureau
from models.deeds import Deed
from models.enums import CampaignAnswer, CampaignStatus

NOT_REPORTED = "not_reported"
SENT = ("submitted", "late")


@dataclass
class ActivityLine:
    code: str
    name: str
    measure_key: str
    bureau_code: str
    bureau_name: str
    indicator: str
    unit: str
    target: float | None
    status: str                      # an activity status key, or NOT_REPORTED
    result_value: float | None = None
    participants: int = 0
    budget_spent: float = 0.0
    done: str = ""
    problems: str = ""


@dataclass
class ActivitySummary:
    code: str
    name: str
    measure_key: str
    measure: str
    sub_measure: str
    bureaus: list[str]
    status: str


@dataclass
class MeasureKpi:
    key: str
    name: str
    planned: int
    done: int

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.done / self.planned, 1) if self.planned else None


@dataclass
class Rollup:
    code: str
    title: str
    fy: int
    period: tuple[date, date]
    due_date: date
    kpi: MeasureKpi                                         # overall (key "")
    measures: list[MeasureKpi] = field(default_factory=list)
    activities: list[ActivitySummary] = field(default_factory=list)
    lines: list[ActivityLine] = field(default_factory=list)
    bureaus: list[tuple[str, str, str]] = field(default_factory=list)      # (code, name, round status)
    deeds_by_virtue: list[tuple[str, int]] = field(default_factory=list)   # all five, the plan's order
    deeds_by_bureau: list[tuple[str, str, int]] = field(default_factory=list)
    campaigns: list[tuple[str, datetime, int, int]] = field(default_factory=list)  # title, start, joined, in

    @property
    def not_reported(self) -> list[tuple[str, str, str]]:
        return [b for b in self.bureaus if b[2] not in SENT]


def measure_key(code: str) -> str:
    return (code or "").split(".", 1)[0]


def org_status(statuses: list[str]) -> str:
    """The organisation's status of an activity from its bureaus' (module docstring)."""
    reported = [s for s in statuses if s != NOT_REPORTED]
    if not reported:
        return NOT_REPORTED
    if len(reported) == len(statuses) and all(s == "done" for s in reported):
        return "done"
    if len(reported) == len(statuses) and all(s == "cancelled" for s in reported):
        return "cancelled"
    if any(s in ("in_progress", "done") for s in reported):
        return "in_progress"
    return "not_started"


def _num(value, cast=float, default=None):
    return cast(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def compute(s: Session, code: str, now: datetime) -> Rollup:
    """LookupError for an unknown round code."""
    rnd = svc.get_round(s, code)
    if rnd is None:
        raise LookupError(code)
    table = svc.report_status_table(s, rnd, now)
    bureaus = {b.id: b for b, _ in table}
    answers: dict[int, dict] = {}
    for b, _status in table:
        report = svc.latest_submitted(s, rnd.id, b.id)
        answers[b.id] = ((report.data or {}).get("items") or {}) if report else {}
    acts = register.list_for(s, rnd.fy)
    links = register.bureaus_of(s, [a.id for a in acts])
    out = Rollup(rnd.code, rnd.title, rnd.fy, (rnd.period_start, rnd.period_end), rnd.due_date,
                 MeasureKpi("", "", 0, 0), bureaus=[(b.code, b.name, st) for b, st in table])
    measures: dict[str, MeasureKpi] = {}
    for a in acts:
        key = measure_key(a.code)
        statuses = []
        for bid in links[a.id]:
            b = bureaus.get(bid) or s.get(Bureau, bid)
            ans = answers.get(bid, {}).get(f"a{a.id}", {})
            status = ans.get("status") or NOT_REPORTED
            statuses.append(status)
            out.lines.append(ActivityLine(a.code, a.name, key, b.code, b.name, a.indicator, a.unit, a.target, status,
                                          _num(ans.get("result_value")), _num(ans.get("participants"), int, 0),
                                          _num(ans.get("budget_spent"), float, 0.0), ans.get("done") or "",
                                          ans.get("problems") or ""))
        status = org_status(statuses) if statuses else NOT_REPORTED
        out.activities.append(ActivitySummary(a.code, a.name, key, a.measure, a.sub_measure,
                                              [(bureaus.get(i) or s.get(Bureau, i)).name for i in links[a.id]],
                                              status))
        m = measures.setdefault(key, MeasureKpi(key, a.measure, 0, 0))
        m.name = m.name or a.measure
        m.planned += 1
        m.done += status == "done"
    out.measures = sorted(measures.values(), key=lambda m: int(m.key) if m.key.isdigit() else 99)
    out.kpi = MeasureKpi("", "", sum(m.planned for m in out.measures), sum(m.done for m in out.measures))
    _deeds(s, rnd, out)
    _campaigns(s, rnd, out)
    return out


def _deeds(s: Session, rnd, out: Rollup) -> None:
    live = (Deed.deed_date >= rnd.period_start, Deed.deed_date <= rnd.period_end, Deed.deleted_at.is_(None))
    by_virtue = dict(s.exec(select(Deed.virtue, func.count()).where(*live).group_by(Deed.virtue)).all())
    out.deeds_by_virtue = [(v.key, int(by_virtue.get(v.key, 0))) for v in VIRTUES]
    by_bureau = dict(s.exec(select(Deed.bureau_id, func.count()).where(*live).group_by(Deed.bureau_id)).all())
    for b in s.exec(select(Bureau).order_by(Bureau.code)):
        if b.active or by_bureau.get(b.id):
            out.deeds_by_bureau.append((b.code, b.name, int(by_bureau.get(b.id, 0))))
    if by_bureau.get(None):  # deeds of people with no bureau: their own row, so the column adds up
        out.deeds_by_bureau.append(("", "", int(by_bureau[None])))


def _campaigns(s: Session, rnd, out: Rollup) -> None:
    camps = s.exec(select(Campaign).where(Campaign.status == CampaignStatus.CONFIRMED,
                                          Campaign.starts_at >= start_of_day_bkk(rnd.period_start),
                                          Campaign.starts_at <= end_of_day_bkk(rnd.period_end))
                   .order_by(Campaign.starts_at)).all()
    for c in camps:
        rows = s.exec(select(CampaignResponse).where(CampaignResponse.campaign_id == c.id)).all()
        out.campaigns.append((c.title, c.starts_at, sum(r.answer == CampaignAnswer.JOIN for r in rows),
                              sum(r.checked_in_at is not None for r in rows)))
