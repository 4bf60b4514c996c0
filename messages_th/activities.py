"""The activity register's words: its template files (CSV and XLSX, with invented example rows marked as
such), import problems named by row and column, and codes shown in Thai digits as the plan writes them."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from messages_th.reference_data import ACTIVITY_COLUMNS

_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
HEADERS = [h for _, h in ACTIVITY_COLUMNS]
# Invented rows that show how to fill the template (delete them before importing a real register).
EXAMPLE_ROWS = (
    ("1.1.1", "(ตัวอย่าง) ประชุมคณะทำงานขับเคลื่อนองค์กรคุณธรรม", "มาตรการที่ 1", "1.1", "สำนักตัวอย่าง",
     "จำนวนครั้งที่ประชุม", "ครั้ง", "4", "ต.ค. 2569 – ก.ย. 2570", ""),
    ("2.1.1", "(ตัวอย่าง) รณรงค์ปิดไฟเมื่อไม่ใช้งาน", "มาตรการที่ 2", "2.1", "สำนักตัวอย่าง, สำนักตัวอย่างสอง",
     "ร้อยละของบุคลากรที่เข้าร่วม", "ร้อยละ", "80", "ม.ค. – มี.ค. 2570", "5000"),
)

REASONS = {
    "file_type": "รับเฉพาะไฟล์ .csv หรือ .xlsx",
    "unreadable": "เปิดไฟล์ไม่ได้ (ไฟล์เสียหรือไม่ใช่รูปแบบที่รองรับ)",
    "empty": "ไฟล์ไม่มีข้อมูล",
    "missing_column": "ไม่พบคอลัมน์นี้ในแถวหัวตาราง (ใช้แม่แบบที่ดาวน์โหลดจากระบบ)",
    "required": "ต้องกรอก",
    "too_long": "ยาวเกินกำหนด",
    "number": "ต้องเป็นตัวเลข",
    "negative": "ต้องไม่ติดลบ",
    "unknown": "ไม่พบสำนักนี้ในระบบ (ใช้ชื่อหรือรหัสสำนัก)",
    "duplicate": "รหัสซ้ำกับแถวก่อนหน้า",
    "format": "รูปแบบไม่ถูกต้อง (รหัสกิจกรรมเช่น 1.2.3)",
}


def code_th(code: str) -> str:
    """"1.2.3" as the plan writes it: "๑.๒.๓"."""
    return (code or "").translate(_THAI)


def error_line(err) -> str:
    """One problem of an import, e.g. 'แถว 5 คอลัมน์ "ค่าเป้าหมาย": ต้องเป็นตัวเลข ("สิบ")'."""
    where = f"แถว {err.row} " if err.row else ""
    col = f"คอลัมน์ \"{err.column}\": " if err.column else ""
    reason = REASONS.get(err.code, REASONS["format"])
    if err.code == "too_long" and err.value:
        reason += f" (ไม่เกิน {err.value} ตัวอักษร)"
    elif err.value and err.code not in ("file_type", "unreadable"):
        reason += f" (\"{err.value[:60]}\")"
    return f"{where}{col}{reason}"


def template_csv() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADERS)
    w.writerows(EXAMPLE_ROWS)
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Thai as UTF-8


def template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "ทะเบียนกิจกรรม"
    ws.append(HEADERS)
    for row in EXAMPLE_ROWS:
        ws.append(list(row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJ", (12, 45, 30, 30, 30, 35, 12, 12, 25, 15)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows():
        for cell in row:
            cell.number_format = "@"  # text: "1.10" stays "1.10", not the number 1.1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- criteria lists (moral-organisation, bureau evaluation) ----------------------------------------------

CRITERIA_HEADERS = ["ข้อ", "เกณฑ์"]
CRITERIA_EXAMPLE_ROWS = (
    ("1", "(ตัวอย่าง) สำนักมีแผนและผู้รับผิดชอบการส่งเสริมคุณธรรมที่ชัดเจน"),
    ("2", "(ตัวอย่าง) บุคลากรมีส่วนร่วมในกิจกรรมส่งเสริมคุณธรรมอย่างต่อเนื่อง"),
)
CRITERIA_KIND_TH = {"moral-org": "รอบรายงานองค์กรคุณธรรม", "bureau-eval": "รอบประเมินสำนักที่มีผลงานส่งเสริมตามประมวลจริยธรรม"}


def criteria_template_csv() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CRITERIA_HEADERS)
    w.writerows(CRITERIA_EXAMPLE_ROWS)
    return buf.getvalue().encode("utf-8-sig")


def criteria_template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "เกณฑ์"
    ws.append(CRITERIA_HEADERS)
    for row in CRITERIA_EXAMPLE_ROWS:
        ws.append(list(row))
    ws.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
