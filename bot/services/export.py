"""What a round's XLSX export holds, as plain values: the summary rows, then per bureau its report (each
bureau's latest submitted version; one that has not submitted gets its items with empty answers): the pledge
items, the register's activities in the 6/9/12-month rounds, or the nine criteria.

Every number adds up when a column is summed: a pledge item carries only what is its own (the progress
reports on it); what the bot counts for the whole bureau (deeds by virtue, campaign check-ins) is given once
per bureau, not repeated on each item that shares a virtue.
The workbook itself, with its Thai headers and พ.ศ. dates, is built by messages_th/export_xlsx.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services import pledges
from bot.services import report_forms as forms
from bot.services import rounds as svc
from messages_th.virtues import VIRTUES
from models.core import utcnow
from models.deeds import Deed


@dataclass
class BureauReport:
    code: str
    name: str
    status: str
    version: int | None
    submitted_at: datetime | None
    criteria: bool  # the moral-organization round answers the nine criteria, not pledge items
    rows: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)  # the register's, in the 6/9/12-month rounds
    virtue_deeds: list[tuple[str, int]] = field(default_factory=list)  # the bureau's deeds in the period
    attendance: int = 0  # check-ins of the bureau's staff at campaigns in the period


@dataclass
class RoundExport:
    title: str
    due_date: date
    period: tuple[date, date]
    bureaus: list[BureauReport]


def round_export(session: Session, code: str, now: datetime | None = None) -> RoundExport:
    """LookupError for an unknown round code."""
    rnd = svc.get_round(session, code)
    if rnd is None:
        raise LookupError(code)
    bureaus = []
    criteria = forms.criteria_for(session, rnd)
    for bureau, status in svc.report_status_table(session, rnd, now or utcnow()):
        report = svc.latest_submitted(session, rnd.id, bureau.id)
        out = BureauReport(bureau.code, bureau.name, status, report.version if report else None,
                           report.submitted_at if report else None, criteria is not None)
        data = report.data if report else {}
        answers = data.get("items") or {}
        if out.criteria:
            for item in criteria:
                ans = answers.get(item.id, {})
                out.rows.append({"position": item.position, "text": item.text, **_answer(ans)})
        else:
            items = forms.report_items(session, rnd, bureau.id)
            stored = data.get("counts") or {}
            # what the bot knows now, for items the submitted version has no counts of (one batch per bureau)
            known = (forms.known_counts_many(session, rnd, bureau.id, items)
                     if any(not stored.get(str(it.id)) for it in items) else {})
            for item in items:
                ans = answers.get(str(item.id), {})
                if forms.kind(item) == "activity":
                    out.activities.append(_activity_row(item, ans))
                    continue
                counts = stored.get(str(item.id)) or known.get(str(item.id)) or {}
                out.rows.append({"position": item.position, "problem": item.problem, "good_deed": item.good_deed,
                                 "virtue": item.virtue, "indicator": item.indicator, "target": item.target,
                                 **_answer(ans), "progress": counts.get("progress", 0)})
            out.virtue_deeds = _virtue_deeds(session, rnd, bureau.id)
            out.attendance = pledges.campaign_attendance(session, rnd, bureau.id)
        bureaus.append(out)
    return RoundExport(rnd.title, rnd.due_date, (rnd.period_start, rnd.period_end), bureaus)


def _activity_row(item, ans: dict) -> dict:
    a = item.activity
    number = ans.get("result_value")
    people, budget = ans.get("participants"), ans.get("budget_spent")
    return {"code": a.code, "name": a.name, "indicator": a.indicator, "unit": a.unit, "target": a.target,
            "status": ans.get("status"), "result_value": number if isinstance(number, (int, float)) else None,
            "participants": people if isinstance(people, int) else None,
            "budget_spent": budget if isinstance(budget, (int, float)) else None, **_answer(ans)}


def _virtue_deeds(session: Session, rnd, bureau_id: int) -> list[tuple[str, int]]:
    counts = dict(session.exec(select(Deed.virtue, func.count()).where(
        Deed.bureau_id == bureau_id, Deed.deed_date >= rnd.period_start, Deed.deed_date <= rnd.period_end,
        Deed.deleted_at.is_(None)).group_by(Deed.virtue)).all())
    return [(v.key, int(counts.get(v.key, 0))) for v in VIRTUES]


def _answer(ans: dict) -> dict:
    return {"done": ans.get("done"), "result": ans.get("result"), "problems": ans.get("problems"),
            "photos": len(ans.get("photos", []))}
