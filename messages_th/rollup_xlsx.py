"""The organisation roll-up's XLSX (bot/services/rollup.py): a summary sheet (KPI per measure, bureaus not yet
reported, deeds by virtue and by bureau, campaigns), one sheet per measure and one per bureau. Columns are
named as this project names them: it does not claim to be the plan's official form. Every numeric column ends
in a total row that is the sum of the rows above it."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from messages_th.activities import code_th
from messages_th.dates import thai_date, thai_datetime
from messages_th.reports import ACTIVITY_STATUS_TH
from messages_th.rounds import period_th, status_th
from messages_th.virtues import name_th

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
NOTE = "จัดทำจากข้อมูลในระบบสมุดความดี (ไม่ใช่แบบฟอร์มรายงานทางการของแผน)"
TOTAL = "รวม"
STATUS_TH = {**ACTIVITY_STATUS_TH, "not_reported": "ยังไม่รายงาน"}
KPI_HEADERS = ("มาตรการ", "ชื่อมาตรการ", "กิจกรรมตามแผน", "ดำเนินการแล้ว", "ร้อยละความสำเร็จ")
ACTIVITY_HEADERS = ("รหัสกิจกรรม", "ชื่อโครงการ/กิจกรรม", "สำนักที่รับผิดชอบ", "ตัวชี้วัด", "หน่วยนับ", "ค่าเป้าหมาย",
                    "สถานะ", "ผลตามตัวชี้วัด", "ผู้เข้าร่วม (คน)", "งบประมาณที่ใช้ (บาท)", "สิ่งที่ดำเนินการ",
                    "ปัญหาอุปสรรค")
SUMMARY_SHEET = "สรุปผลตามแผน"


def _sheet_name(text: str) -> str:
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "sheet"


def _percent(m) -> float | None:
    return m.percent


def _bold_row(ws) -> None:
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def _block(ws, title: str, headers) -> None:
    ws.append([])
    ws.append([title])
    _bold_row(ws)
    ws.append(list(headers))
    _bold_row(ws)


def _summary(ws, r) -> None:
    ws.append([f"สรุปผลการดำเนินงานตามแผน {r.title}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([NOTE])
    ws.append(["ช่วงเวลา", period_th(*r.period)])
    ws.append(["กำหนดส่ง", thai_date(r.due_date)])
    _block(ws, "ร้อยละความสำเร็จ (กิจกรรมที่ดำเนินการแล้ว ÷ กิจกรรมตามแผน)", KPI_HEADERS)
    for m in r.measures:
        ws.append([f"มาตรการที่ {code_th(m.key)}", m.name, m.planned, m.done, _percent(m)])
    ws.append([TOTAL, "", r.kpi.planned, r.kpi.done, _percent(r.kpi)])
    _bold_row(ws)
    _block(ws, "สำนักที่ยังไม่ส่งรายงานรอบนี้", ("รหัสสำนัก", "สำนัก", "สถานะ"))
    for code, name, status in r.not_reported:
        ws.append([code, name, status_th(status)])
    if not r.not_reported:
        ws.append(["", "ส่งครบทุกสำนัก", ""])
    _block(ws, "ความดีที่บันทึกในช่วงเวลาของรอบ ตามคุณธรรมเป้าหมาย", ("คุณธรรม", "จำนวนความดี"))
    for virtue, n in r.deeds_by_virtue:
        ws.append([name_th(virtue), n])
    ws.append([TOTAL, sum(n for _, n in r.deeds_by_virtue)])
    _bold_row(ws)
    _block(ws, "ความดีที่บันทึกในช่วงเวลาของรอบ ตามสำนัก", ("รหัสสำนัก", "สำนัก", "จำนวนความดี"))
    for code, name, n in r.deeds_by_bureau:
        ws.append([code, name or "ไม่ระบุสำนัก", n])
    ws.append([TOTAL, "", sum(n for *_, n in r.deeds_by_bureau)])
    _bold_row(ws)
    _block(ws, "กิจกรรมรณรงค์ในช่วงเวลาของรอบ", ("กิจกรรม", "วันเวลา", "ตอบรับเข้าร่วม (คน)", "เช็กอิน (คน)"))
    for title, at, joined, checked in r.campaigns:
        ws.append([title, thai_datetime(at), joined, checked])
    ws.append([TOTAL, "", sum(c[2] for c in r.campaigns), sum(c[3] for c in r.campaigns)])
    _bold_row(ws)


def _lines(ws, heading: str, lines) -> None:
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([NOTE])
    ws.append([])
    ws.append(list(ACTIVITY_HEADERS))
    _bold_row(ws)
    for x in lines:
        ws.append([code_th(x.code), x.name, x.bureau_name, x.indicator, x.unit, x.target, STATUS_TH.get(x.status),
                   x.result_value, x.participants, x.budget_spent, x.done, x.problems])
    ws.append([TOTAL, f"{len(lines)} รายการ", "", "", "", "", "", "", sum(x.participants for x in lines),
               sum(x.budget_spent for x in lines), "", ""])
    _bold_row(ws)
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = WRAP
    for col, width in zip("ABCDEFGHIJKL", (10, 40, 28, 28, 10, 10, 16, 12, 12, 14, 40, 30)):
        ws.column_dimensions[col].width = width


def workbook(r) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    _summary(ws, r)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 45
    for m in r.measures:
        _lines(wb.create_sheet(_sheet_name(f"มาตรการ {m.key}")), f"มาตรการที่ {code_th(m.key)} {m.name}".strip(),
               [x for x in r.lines if x.measure_key == m.key])
    for code, name, _ in r.bureaus:
        mine = [x for x in r.lines if x.bureau_code == code]
        _lines(wb.create_sheet(_sheet_name(f"สำนัก {code}")), f"กิจกรรมตามแผนของ{name}", mine)
    for sheet in wb.worksheets:  # nothing typed becomes a formula
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb
