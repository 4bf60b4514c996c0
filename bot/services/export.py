"""What a round's XLSX export holds, as plain values: the summary rows, then per bureau its report (each
bureau's latest submitted version; one that has not submitted gets its pledge items with empty answers).
The workbook itself, with its Thai headers and พ.ศ. dates, is built by messages_th/export_xlsx.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.services import pledges
from bot.services import report_forms as forms
from bot.services import rounds as svc
from models.core import utcnow


@dataclass
class BureauReport:
    code: str
    name: str
    status: str
    version: int | None
    submitted_at: datetime | None
    criteria: bool  # the moral-organization round answers the nine criteria, not pledge items
    rows: list[dict] = field(default_factory=list)


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
    for bureau, status in svc.report_status_table(session, rnd, now or utcnow()):
        report = svc.latest_submitted(session, rnd.id, bureau.id)
        out = BureauReport(bureau.code, bureau.name, status, report.version if report else None,
                           report.submitted_at if report else None, forms.uses_criteria(rnd))
        data = report.data if report else {}
        answers = data.get("items") or {}
        if out.criteria:
            for item in forms.CRITERIA:
                ans = answers.get(item.id, {})
                out.rows.append({"position": item.position, "text": item.text, **_answer(ans)})
        else:
            for item in pledges.report_items(session, rnd.fy, bureau.id):
                ans = answers.get(str(item.id), {})
                counts = ((data.get("counts") or {}).get(str(item.id))
                          or pledges.prefill_counts(session, rnd, bureau.id, item))
                out.rows.append({"position": item.position, "problem": item.problem, "good_deed": item.good_deed,
                                 "virtue": item.virtue, "indicator": item.indicator, "target": item.target,
                                 **_answer(ans), "deeds": counts.get("deeds", 0),
                                 "progress": counts.get("progress", 0), "attendance": counts.get("attendance", 0)})
        bureaus.append(out)
    return RoundExport(rnd.title, rnd.due_date, (rnd.period_start, rnd.period_end), bureaus)


def _answer(ans: dict) -> dict:
    return {"done": ans.get("done"), "result": ans.get("result"), "problems": ans.get("problems"),
            "photos": len(ans.get("photos", []))}
