"""Export a round's bureau reports to XLSX: a summary sheet, then one sheet per bureau in the order of the
plan's "ปัญหาที่อยากแก้ ความดีที่อยากทำ" report form. Thai headers, พ.ศ. dates. Uses each bureau's latest
submitted version (a bureau that has not submitted gets its pledge items with empty answers)."""
from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlmodel import Session

import messages_th.reports as th
from bot.services import pledges
from bot.services import report_forms as forms
from bot.services import rounds as svc
from messages_th.dates import thai_date, thai_datetime
from messages_th.rounds import period_th
from messages_th.virtues import name_th
from models.core import utcnow

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
ITEM_HEADER_ROW = len(th.EXPORT_INFO) + 3  # a title row, the info block, a blank row


def export_round(session: Session, code: str, now: datetime | None = None) -> Workbook:
    rnd = svc.get_round(session, code)
    if rnd is None:
        raise LookupError(code)
    wb = Workbook()
    summary = wb.active
    summary.title = th.EXPORT_SUMMARY_SHEET
    summary.append([rnd.title])
    summary.append([th.EXPORT_INFO[3], thai_date(rnd.due_date)])
    summary.append([])
    summary.append(list(th.EXPORT_SUMMARY_HEADERS))
    for n, (bureau, status) in enumerate(svc.report_status_table(session, rnd, now or utcnow()), start=1):
        report = svc.latest_submitted(session, rnd.id, bureau.id)
        summary.append([n, bureau.code, bureau.name, th.export_status(status), report.version if report else None,
                        thai_datetime(report.submitted_at) if report else None])
        _bureau_sheet(wb, session, rnd, bureau, status, report)
    _style(summary, 4)
    _as_text(wb)
    return wb


def _as_text(wb: Workbook) -> None:
    """Nothing we write is a formula: an answer typed as "=HYPERLINK(...)" or "=1+1" stays text (openpyxl
    turns any string starting with "=" into a live formula)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _bureau_sheet(wb, session, rnd, bureau, status, report) -> None:
    ws = wb.create_sheet(_sheet_name(bureau.code))
    criteria = forms.uses_criteria(rnd)
    ws.append([th.EXPORT_MORAL_ORG_TITLE if criteria else th.EXPORT_FORM_TITLE])
    info = (bureau.name, rnd.title, period_th(rnd.period_start, rnd.period_end), thai_date(rnd.due_date),
            th.export_status(status), thai_datetime(report.submitted_at) if report else None,
            report.version if report else None)
    for label, value in zip(th.EXPORT_INFO, info):
        ws.append([label, value])
    ws.append([])
    data = report.data if report else {}
    if criteria:
        ws.append(list(th.EXPORT_CRITERIA_HEADERS))
        for item in forms.CRITERIA:
            ans = (data.get("items") or {}).get(item.id, {})
            ws.append([item.position, item.text, ans.get("done"), ans.get("result"), ans.get("problems"),
                       len(ans.get("photos", []))])
        _style(ws, ITEM_HEADER_ROW)
        return
    ws.append(list(th.EXPORT_ITEM_HEADERS))
    for item in pledges.report_items(session, rnd.fy, bureau.id):
        ans = (data.get("items") or {}).get(str(item.id), {})
        counts = (data.get("counts") or {}).get(str(item.id)) or pledges.prefill_counts(session, rnd, bureau.id, item)
        ws.append([item.position, item.problem, item.good_deed, name_th(item.virtue), item.indicator, item.target,
                   ans.get("done"), ans.get("result"), ans.get("problems"), counts.get("deeds", 0),
                   counts.get("progress", 0), counts.get("attendance", 0), len(ans.get("photos", []))])
    _style(ws, ITEM_HEADER_ROW)


def _style(ws, header_row: int) -> None:
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[header_row]:
        cell.font = BOLD
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = WRAP
    for col in "BCDEFGHI":
        ws.column_dimensions[col].width = 30


def _sheet_name(code: str) -> str:
    return "".join(ch for ch in code if ch not in "[]:*?/\\")[:31] or "bureau"
