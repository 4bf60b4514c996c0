"""The round's XLSX, as the secretariat reads it: a summary sheet, then one sheet per bureau in the order of
the plan's "ปัญหาที่อยากแก้ ความดีที่อยากทำ" report form (or the nine criteria). Thai headers, พ.ศ. dates.
Built from the plain values of bot.services.export.round_export."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

import messages_th.reports as th
from messages_th.activities import code_th
from messages_th.dates import thai_date, thai_datetime
from messages_th.rounds import period_th
from messages_th.virtues import name_th

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
ITEM_HEADER_ROW = len(th.EXPORT_INFO) + 3  # a title row, the info block, a blank row


def workbook(x) -> Workbook:
    wb = Workbook()
    summary = wb.active
    summary.title = th.EXPORT_SUMMARY_SHEET
    summary.append([x.title])
    summary.append([th.EXPORT_INFO[3], thai_date(x.due_date)])
    summary.append([])
    summary.append(list(th.EXPORT_SUMMARY_HEADERS))
    for n, b in enumerate(x.bureaus, start=1):
        summary.append([n, b.code, b.name, th.export_status(b.status), b.version,
                        thai_datetime(b.submitted_at) if b.submitted_at else None])
        _bureau_sheet(wb, x, b)
    _style(summary, 4)
    _as_text(wb)
    return wb


def _bureau_sheet(wb, x, b) -> None:
    ws = wb.create_sheet(_sheet_name(b.code))
    ws.append([th.criteria_title(x.title, len(b.rows)) if b.criteria else th.EXPORT_FORM_TITLE])
    info = (b.name, x.title, period_th(*x.period), thai_date(x.due_date), th.export_status(b.status),
            thai_datetime(b.submitted_at) if b.submitted_at else None, b.version)
    for label, value in zip(th.EXPORT_INFO, info):
        ws.append([label, value])
    ws.append([])
    if b.criteria:
        ws.append(list(th.EXPORT_CRITERIA_HEADERS))
        for r in b.rows:
            ws.append([r["position"], r["text"], r["done"], r["result"], r["problems"], r["photos"]])
    else:
        ws.append(list(th.EXPORT_ITEM_HEADERS))
        for r in b.rows:
            ws.append([r["position"], r["problem"], r["good_deed"], name_th(r["virtue"]), r["indicator"],
                       r["target"], r["done"], r["result"], r["problems"], r["progress"], r["photos"]])
    _style(ws, ITEM_HEADER_ROW)
    if b.activities:
        ws.append([])
        ws.append([th.EXPORT_ACTIVITY_TITLE])
        ws[ws.max_row][0].font = BOLD
        ws.append(list(th.EXPORT_ACTIVITY_HEADERS))
        for cell in ws[ws.max_row]:
            cell.font = BOLD
        for r in b.activities:
            ws.append([code_th(r["code"]), r["name"], r["indicator"], r["unit"], r["target"],
                       th.ACTIVITY_STATUS_TH.get(r["status"], "ยังไม่รายงาน"), r["done"], r["result_value"],
                       r["result"], r["participants"], r["budget_spent"], r["problems"], r["photos"]])
    if not b.criteria:
        ws.append([])
        ws.append([th.EXPORT_BUREAU_COUNTS_TITLE])
        ws[ws.max_row][0].font = BOLD
        for virtue, n in b.virtue_deeds:
            ws.append([f"ความดีด้าน{name_th(virtue)} (ครั้ง)", n])
        ws.append([th.EXPORT_ATTENDANCE, b.attendance])


def _as_text(wb: Workbook) -> None:
    """Nothing we write is a formula: an answer typed as "=HYPERLINK(...)" or "=1+1" stays text (openpyxl
    turns any string starting with "=" into a live formula)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


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
