"""Thai texts for a bureau's round report (per pledge item: what was done, result, problems, photos) and the
report-status views. Items are plain dicts (see messages_th.pledge); answers are dicts done/result/problems/photos.
"""
from __future__ import annotations

from datetime import date, datetime

from messages_th import flex as fx
from messages_th.common import (CANCEL_WORD, camera_action, camera_roll_action, clip, keyword_replies, msg_action, pb,
                                quick_reply, text, texts, utf16_len)
from messages_th.common import TEXT_LIMIT
from messages_th.dates import days_left_text, thai_date, thai_datetime
from messages_th.pledge import EDIT_WORD as PLEDGE_EDIT_WORD
from messages_th.pledge import PLEDGE
from messages_th.rounds import short_label, status_th
from messages_th.virtues import name_th

REPORT_WORD = "ส่งรายงาน"
STATUS_WORD = "สถานะรายงาน"
KEEP_WORD = "คงเดิม"
DONE_WORD = "เสร็จ"
NONE_WORD = "ไม่มี"
MAX_PHOTOS = 10

HINT_DONE = "ข้อความเล่าสิ่งที่สำนักได้ทำในรอบนี้"
HINT_RESULT = "ผลการดำเนินงานเทียบกับตัวชี้วัด"
HINT_PROBLEMS = "ปัญหาอุปสรรคที่พบ หรือพิมพ์ \"ไม่มี\""
HINT_PHOTOS = "รูปหลักฐาน หรือพิมพ์ \"เสร็จ\""
HINT_CONFIRM = "การกดปุ่ม \"ยืนยันส่งรายงาน\" หรือพิมพ์ \"ยกเลิก\""


def _qr(current: str | None, *extra: str) -> dict:
    return keyword_replies(*((KEEP_WORD,) if current else ()), *extra, CANCEL_WORD)


def pick_round(rounds: list[tuple[str, str, int, date, str]], bureau_id: int) -> dict:
    """rounds: (code, key, fy, due, status), the default (nearest due) first."""
    lines = ["เลือกรอบรายงานที่จะส่งครับ (รอบแรกคือรอบที่ใกล้กำหนดส่งที่สุด)"]
    lines += [f"• {short_label(k, fy)}: ส่งภายใน {thai_date(due)} · {status_th(st)}" for _, k, fy, due, st in rounds]
    items = [(short_label(k, fy), pb(short_label(k, fy), "report.round", r=code, b=bureau_id))
             for code, k, fy, _, _ in rounds[:12]]
    return text("\n".join(lines), quick_reply(items + [(CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]))


def no_open_round() -> dict:
    return text("ขณะนี้ไม่มีรอบรายงานที่เปิดรับครับ\nพิมพ์ \"สถานะรายงาน\" เพื่อดูรอบทั้งหมด",
                keyword_replies(STATUS_WORD))


def no_items(fy_be: int) -> dict:
    return text(f"ยังไม่มี \"{PLEDGE}\" ของปีงบประมาณ {fy_be} ให้รายงานครับ\n"
                f"พิมพ์ \"{PLEDGE_EDIT_WORD}\" เพื่อเขียนก่อน", keyword_replies(PLEDGE_EDIT_WORD))


def resumed(title: str, n: int, total: int) -> dict:
    return text(f"มีร่าง{title} ที่ทำค้างไว้ครับ 📝 ทำต่อจากข้อที่ {n} จาก {total} ได้เลย")


def ask_done(title: str, n: int, total: int, item: dict, counts: dict, current: str | None) -> dict:
    if item.get("criterion"):
        cur = f"\n\nคำตอบเดิม: {current}\nพิมพ์ \"คงเดิม\" เพื่อใช้คำตอบเดิม" if current else ""
        return text(f"{title}\nเกณฑ์ข้อ {n}/{total}: {item['good_deed']}\n\n(1/4) สำนักได้ดำเนินการอะไรตามเกณฑ์นี้"
                    f"ครับ?\n💡 เช่น \"จัดพิธีประกาศเจตนารมณ์ร่วมกัน 1 ครั้ง มีผู้เข้าร่วม 60 คน\"{cur}", _qr(current))
    known = (f"ข้อมูลที่ระบบมีในรอบนี้: ความดีด้าน{name_th(item['virtue'])} {counts.get('deeds', 0)} ครั้ง · "
             f"รายงานความคืบหน้า {counts.get('progress', 0)} ครั้ง · ผู้เข้าร่วมกิจกรรม {counts.get('attendance', 0)} คน")
    cur = f"\n\nคำตอบเดิม: {current}\nพิมพ์ \"คงเดิม\" เพื่อใช้คำตอบเดิม" if current else ""
    return text(f"{title}\nข้อ {n}/{total}: {item['good_deed']}\nตัวชี้วัด: {item.get('indicator') or '-'} "
                f"(เป้าหมาย {item.get('target') or '-'})\n{known}\n\n(1/4) ในรอบนี้สำนักได้ทำอะไรไปแล้วครับ?\n"
                f"💡 เช่น \"จัดกิจกรรม 2 ครั้ง มีผู้เข้าร่วม 45 คน\"{cur}", _qr(current))


def ask_result(current: str | None, criterion: bool = False) -> dict:
    cur = f"\n\nคำตอบเดิม: {current}" if current else ""
    if criterion:
        return text("(2/4) ผลที่เกิดขึ้นหรือหลักฐานเชิงประจักษ์คืออะไรครับ?\n💡 เช่น \"มีประกาศเจตนารมณ์ติดทุกชั้น "
                    "และเผยแพร่บนเว็บไซต์\"" + cur, _qr(current))
    return text("(2/4) ผลเทียบกับตัวชี้วัดเป็นอย่างไรครับ?\n💡 เช่น \"ร้อยละ 85 ของบุคลากรเข้าร่วม (บรรลุเป้าหมาย)\""
                + cur, _qr(current))


def ask_problems(current: str | None) -> dict:
    cur = f"\n\nคำตอบเดิม: {current}" if current else ""
    return text("(3/4) พบปัญหาหรืออุปสรรคอะไรบ้างครับ? ถ้าไม่มีพิมพ์ \"ไม่มี\"" + cur, _qr(current, NONE_WORD))


def ask_photos(count: int, activity: bool = False) -> dict:
    items = [("ถ่ายรูป", camera_action()), ("เลือกรูป", camera_roll_action()),
             (DONE_WORD, msg_action(DONE_WORD, DONE_WORD)), (CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]
    have = f" (มีแล้ว {count} รูป)" if count else ""
    n = f"{ACTIVITY_STEPS}/{ACTIVITY_STEPS}" if activity else "4/4"
    return text(f"({n}) ส่งรูปหลักฐานได้ครับ (ไม่บังคับ){have}\nส่งครบแล้วพิมพ์ \"เสร็จ\"", quick_reply(items))


def photo_added(count: int) -> dict:
    return text(f"รับรูปแล้วครับ ({count} รูป) ส่งเพิ่มได้ หรือพิมพ์ \"เสร็จ\"", keyword_replies(DONE_WORD))


def photos_full() -> dict:
    return text(f"ข้อนี้มีรูปหลักฐานครบ {MAX_PHOTOS} รูปแล้วครับ พิมพ์ \"เสร็จ\" เพื่อไปต่อ", keyword_replies(DONE_WORD))


def photo_failed() -> dict:
    return text("ขออภัยครับ ดึงรูปไม่สำเร็จ ลองส่งใหม่อีกครั้ง หรือพิมพ์ \"เสร็จ\"", keyword_replies(DONE_WORD))


def photo_problem(code: str, limit_mb: int = 5) -> dict:
    """The photo was refused (not a JPEG/PNG, too big); the step stays, its buttons come with the text."""
    why = {"not_image": "ไฟล์นี้ไม่ใช่รูปภาพ JPEG หรือ PNG", "too_large": f"รูปนี้ใหญ่เกิน {limit_mb} MB"}[code]
    return text(f"{why} จึงไม่ได้เก็บเป็นหลักฐานครับ\nส่งรูปอื่นได้ หรือพิมพ์ \"เสร็จ\" เพื่อไปต่อ",
                ask_photos(0)["quickReply"])


SUMMARY_CLIP = 200       # the most of an answer a summary card shows (less when the card would be too big)
ITEM_BUBBLES = 11        # a carousel holds 12 bubbles: the cover, then up to 11 for the items


def _read_more(item: dict, index: int, code: str, bureau_id: int) -> dict:
    from messages_th.activities import code_th
    which = f"กิจกรรม {code_th(item['code'])}" if item.get("activity") else f"ข้อ {item['position']}"
    label = clip(f"อ่านคำตอบเต็ม {which}", 40)
    return fx.button(label, pb(label, "report.answers", label, r=code, b=bureau_id, i=index), "link")


def _heading(item: dict) -> str:
    return activity_heading(item) if item.get("activity") else f"ข้อ {item['position']}: {item['good_deed']}"


def _fields(item: dict, ans: dict) -> list[tuple[str, str]]:
    if item.get("activity"):
        return activity_fields(ans, item)
    return [("ทำแล้ว", ans.get("done") or "-"), ("ผล", ans.get("result") or "-"),
            ("ปัญหา", ans.get("problems") or "-")]


def _item_block(item: dict, ans: dict, n: int, index: int, code: str, bureau_id: int) -> list[dict]:
    fields = _fields(item, ans)
    photos = f"{len(ans.get('photos', []))} รูป"
    heading = _heading(item)
    if n == 0:  # compact, for many items: which answers are filled in; the whole text behind the button
        marks = " · ".join(f"{label} {'✓' if value != '-' else '–'}" for label, value in fields)
        return [fx.txt(clip(heading, 40), "sm", "bold", max_lines=2),
                fx.txt(f"{marks} · รูป {photos}", "xs", color=fx.MUTED), _read_more(item, index, code, bureau_id)]
    cut = min(n, SUMMARY_CLIP)
    block = [fx.txt(clip(heading, cut), "sm", "bold", max_lines=3)]
    block += [fx.kv_row(label, clip(value, cut)) for label, value in fields]
    block.append(fx.kv_row("รูป", photos))
    if any(clip(value, cut) != value for _, value in fields) or clip(heading, cut) != heading:
        block.append(_read_more(item, index, code, bureau_id))
    return block


def summary(title: str, bureau: str, due: date, late: bool, rows: list[tuple[dict, dict]], code: str,
            bureau_id: int) -> dict:
    """The report before submitting, as a carousel: a cover (bureau, due date, late note, the submit button),
    then the items (one a bubble; with more than 11 items, several a bubble), so every item is on it. Answers
    (2,000 characters each) are clipped only as much as LINE's 50 KB carousel needs (down to a compact line per
    item for very many items); a clipped item gets "อ่านคำตอบเต็ม" (report.answers), which sends its whole
    answers as texts (`answers_full`). Should even the compact form not fit (far more items than any bureau
    writes), the cover says how many items are shown and the rest stay readable in the round's export."""
    footer = [fx.button("ยืนยันส่งรายงาน", pb("ยืนยันส่งรายงาน", "report.submit", r=code, b=bureau_id)),
              fx.button("ยกเลิก (เก็บร่างไว้)", msg_action("ยกเลิก", CANCEL_WORD), "secondary")]
    head = clip(title, 60)

    def build(n: int, shown: int) -> dict:
        cover = [fx.txt(bureau, "sm", "bold"), fx.kv_row("กำหนดส่ง", thai_date(due)),
                 fx.kv_row("จำนวนข้อ", f"{len(rows)} ข้อ" if shown == len(rows) else f"{len(rows)} ข้อ "
                           f"(การ์ดนี้แสดง {shown} ข้อแรก)")]
        if late:
            cover.append(fx.txt("⏰ เลยกำหนดส่งแล้ว รายงานนี้จะถูกบันทึกว่าส่งช้า", "sm", color="#C62828"))
        cover.append(fx.txt("เลื่อนไปทางขวาเพื่อตรวจคำตอบแต่ละข้อ แล้วกด \"ยืนยันส่งรายงาน\"", "xs",
                            color=fx.MUTED))
        bubbles = [fx.bubble(clip(f"สรุป{title}", 80), cover, footer, size="kilo")]
        per = max(1, -(-shown // ITEM_BUBBLES))  # items per bubble
        for start in range(0, shown, per):
            body: list[dict] = []
            for index, (item, ans) in enumerate(rows[start:min(start + per, shown)], start):
                body += ([fx.separator()] if body else []) + _item_block(item, ans, n, index, code, bureau_id)
            bubbles.append(fx.bubble(head, body, size="kilo"))
        return fx.carousel(bubbles)

    shown = len(rows)
    while True:
        try:
            contents = fx.fit(lambda n: build(n, shown), (SUMMARY_CLIP, 140, 100, 70, 45, 0))
            break
        except fx.TooBig:
            shown = shown * 3 // 4
    return fx.flex(f"สรุป{title} ก่อนส่ง", contents)


def answers_full(title: str, item: dict, ans: dict) -> list[dict]:
    """One item's whole answers (up to 3 × 2,000 characters), split into at most 4 texts of LINE's 5,000 units
    (the handler sends the summary card again after them: 5 messages, LINE's most per reply)."""
    parts = [f"{clip(title, 200)}\n{_heading(item)}",
             *(f"{label}:\n{value}" for label, value in _fields(item, ans)),
             f"รูปหลักฐาน: {len(ans.get('photos', []))} รูป"]
    return texts(parts, max_messages=4)


def submitted(title: str, version: int, late: bool, at: datetime) -> dict:
    tail = "\n⏰ ส่งหลังกำหนด จึงบันทึกว่า \"ส่งช้า\"" if late else ""
    return text(f"ส่ง{title} เรียบร้อยแล้วครับ ✅\nฉบับที่ {version} · {thai_datetime(at)}{tail}\n"
                "แก้ไขแล้วส่งใหม่ได้ (ระบบเก็บทุกฉบับไว้)", keyword_replies(STATUS_WORD))


def nothing_to_submit() -> dict:
    return text("ไม่พบร่างรายงานที่จะส่งครับ พิมพ์ \"ส่งรายงาน\" เพื่อเริ่มใหม่", keyword_replies(REPORT_WORD))


def bureau_status(bureau: str, fy_be: int, rows: list[tuple[str, date, str, int]]) -> dict:
    """rows: (round title, due, status, days left)."""
    lines = [f"สถานะรายงานของ{bureau} ปีงบประมาณ {fy_be}"]
    for title, due, status, left in rows:
        if status in ("submitted", "late"):  # sent: a countdown to the due date means nothing any more
            lines.append(f"\n{status_th(status)} {title}\nกำหนดส่ง {thai_date(due)}")
        else:
            lines.append(f"\n{status_th(status)} {title}\nส่งภายใน {thai_date(due)} ({days_left_text(left)})")
    if not rows:
        lines.append("ยังไม่มีรอบรายงาน")
    return text("\n".join(lines), keyword_replies(REPORT_WORD))


def all_bureaus_status(title: str, due: date, rows: list[tuple[str, str]]) -> dict:
    """rows: (bureau name, status) — for the committee."""
    counts: dict[str, int] = {}
    for _, st in rows:
        counts[st] = counts.get(st, 0) + 1
    head = " · ".join(f"{status_th(k)} {v}" for k, v in counts.items())
    lines = [f"สถานะ{title}", f"กำหนดส่ง {thai_date(due)}", head, ""]
    # One text: the counts above cover every bureau; past LINE's 5,000 units the list says how many it left out.
    used = utf16_len("\n".join(lines)) + 40
    for i, (name, st) in enumerate(rows):
        line = f"{status_th(st)} {clip(name, 100)}"
        if used + utf16_len(line) + 1 > TEXT_LIMIT:
            lines.append(f"… และอีก {len(rows) - i} สำนัก")
            break
        lines.append(line)
        used += utf16_len(line) + 1
    return text("\n".join(lines))


# ---- XLSX export labels (bot/export.py) ------------------------------------------------------

# This project's own layout of what the bureaus answered: it does not claim to be the plan's official form
# (our text of the plan stops before its report forms).
EXPORT_FORM_TITLE = "รายงานปัญหาที่อยากแก้ ความดีที่อยากทำ ของสำนัก (จัดทำจากข้อมูลในระบบ)"
def criteria_title(round_title: str, n: int) -> str:
    """A criteria round's sheet title (the moral-org round's nine, or a loaded list)."""
    return f"{round_title} ตามเกณฑ์ {n} ข้อ (จัดทำจากข้อมูลในระบบ)"
EXPORT_ACTIVITY_TITLE = "กิจกรรมตามแผนบูรณาการที่สำนักรับผิดชอบ"
EXPORT_ACTIVITY_HEADERS = ("รหัสกิจกรรม", "ชื่อโครงการ/กิจกรรม", "ตัวชี้วัด", "หน่วยนับ", "ค่าเป้าหมาย", "สถานะ",
                           "สิ่งที่ดำเนินการ", "ผลตามตัวชี้วัด (ตัวเลข)", "ผลการดำเนินงาน", "ผู้เข้าร่วม (คน)",
                           "งบประมาณที่ใช้ (บาท)", "ปัญหาอุปสรรค", "รูปหลักฐาน")
EXPORT_BUREAU_COUNTS_TITLE = "ข้อมูลที่ระบบนับได้ของทั้งสำนักในช่วงเวลาของรอบ (นับครั้งเดียว ไม่แยกตามข้อ)"
EXPORT_ATTENDANCE = "ผู้เช็กอินกิจกรรมรณรงค์ (ครั้ง)"
EXPORT_CRITERIA_HEADERS = ("ข้อ", "เกณฑ์", "สิ่งที่ดำเนินการ", "ผลการดำเนินงาน / หลักฐาน", "ปัญหาอุปสรรค",
                           "รูปหลักฐาน")
EXPORT_SUMMARY_SHEET = "สรุป"
EXPORT_INFO = ("สำนัก", "รอบรายงาน", "ช่วงเวลา", "กำหนดส่ง", "สถานะ", "วันที่ส่ง", "ฉบับที่")
EXPORT_ITEM_HEADERS = ("ลำดับ", "ปัญหาที่อยากแก้", "ความดีที่อยากทำ", "คุณธรรมเป้าหมาย", "ตัวชี้วัด", "ค่าเป้าหมาย",
                       "สิ่งที่ดำเนินการ", "ผลการดำเนินงานตามตัวชี้วัด", "ปัญหาอุปสรรค",
                       "รายงานความคืบหน้าของบุคลากร", "รูปหลักฐาน")
EXPORT_SUMMARY_HEADERS = ("ลำดับ", "รหัสสำนัก", "สำนัก", "สถานะ", "ฉบับที่", "วันที่ส่ง")


def export_status(status: str) -> str:
    from messages_th.rounds import STATUS_TH
    return STATUS_TH.get(status, status)


# ---- the integrated plan's activities in a round report (bot/services/report_forms.py) -------------------

ACTIVITY_STATUS_TH = {"not_started": "ยังไม่เริ่ม", "in_progress": "กำลังดำเนินการ", "done": "ดำเนินการแล้ว",
                      "cancelled": "ยกเลิก"}
# The button words; "ยกเลิก" alone is the flow's cancel word, so a cancelled activity is "ยกเลิกกิจกรรม"
ACTIVITY_STATUS_WORDS = {"ยังไม่เริ่ม": "not_started", "กำลังดำเนินการ": "in_progress",
                         "ดำเนินการแล้ว": "done", "ยกเลิกกิจกรรม": "cancelled"}
HINT_STATUS = "สถานะของกิจกรรม (แตะปุ่มด้านล่าง)"
HINT_PARTICIPANTS = "จำนวนผู้เข้าร่วมเป็นตัวเลข หรือพิมพ์ \"ไม่มี\""
HINT_BUDGET = "งบประมาณที่ใช้เป็นตัวเลข (บาท) หรือพิมพ์ \"ไม่มี\""
ACTIVITY_STEPS = 7


def activity_heading(item: dict) -> str:
    from messages_th.activities import code_th
    return f"กิจกรรม {code_th(item.get('code', ''))}: {item['good_deed']}"


def amount(value, unit: str | None) -> str:
    """A number with its unit as Thai writes it: "4 ครั้ง", but "ร้อยละ 90" (the unit comes first)."""
    unit = (unit or "").strip()
    if unit in ("ร้อยละ", "%"):
        return f"ร้อยละ {value:g}"
    return f"{value:g} {unit}".strip()


def _target(item: dict) -> str:
    return "-" if item.get("target") is None else amount(item["target"], item.get("unit"))


def status_from_text(value: str | None) -> str | None:
    return ACTIVITY_STATUS_WORDS.get((value or "").strip())


def ask_activity_status(title: str, n: int, total: int, item: dict, current: str | None) -> dict:
    cur = f"\nสถานะเดิม: {ACTIVITY_STATUS_TH[current]}" if current in ACTIVITY_STATUS_TH else ""
    body = (f"{title}\nข้อ {n}/{total} · {activity_heading(item)}\nตัวชี้วัด: {item.get('indicator') or '-'} "
            f"(เป้าหมาย {_target(item)})\n\n(1/{ACTIVITY_STEPS}) สถานะของกิจกรรมนี้ในรอบนี้เป็นอย่างไรครับ?{cur}")
    return text(body, keyword_replies(*ACTIVITY_STATUS_WORDS, CANCEL_WORD))


def ask_activity_done(current: str | None) -> dict:
    cur = f"\n\nคำตอบเดิม: {current}\nพิมพ์ \"คงเดิม\" เพื่อใช้คำตอบเดิม" if current else ""
    return text(f"(2/{ACTIVITY_STEPS}) ในรอบนี้ได้ดำเนินการอะไรไปแล้วบ้างครับ?\n💡 เช่น \"จัดประชุมคณะทำงาน 2 ครั้ง "
                f"เมื่อ พ.ย. และ ม.ค.\"{cur}", _qr(current))


def ask_activity_result(item: dict, current: str | None) -> dict:
    unit = item.get("unit") or "หน่วยของตัวชี้วัด"
    cur = f"\n\nคำตอบเดิม: {current}" if current else ""
    return text(f"(3/{ACTIVITY_STEPS}) ผลตามตัวชี้วัดเป็นเท่าใดครับ? พิมพ์ตัวเลข ({unit}) ตามด้วยคำอธิบาย\n"
                f"ตัวชี้วัด: {item.get('indicator') or '-'} · เป้าหมาย {_target(item)}\n"
                f"💡 เช่น \"2 {unit} ครบตามแผนของรอบนี้\"{cur}", _qr(current))


def result_needs_number(item: dict) -> dict:
    unit = item.get("unit") or "หน่วยของตัวชี้วัด"
    return text(f"ขอผลเป็นตัวเลขด้วยครับ ({unit}) เช่น \"2 {unit} ครบตามแผน\" ตัวเลขไทยหรืออารบิกก็ได้")


def ask_participants(attendance: int, current) -> dict:
    known = (f"\nระบบนับผู้เช็กอินกิจกรรมที่ผูกกับกิจกรรมนี้ได้ {attendance} คน" if attendance else "")
    cur = f"\nคำตอบเดิม: {current} คน" if current is not None else ""
    words = ([str(attendance)] if attendance else []) + ([KEEP_WORD] if current is not None else []) + [NONE_WORD]
    return text(f"(4/{ACTIVITY_STEPS}) มีผู้เข้าร่วมกี่คนครับ? พิมพ์เป็นตัวเลข ถ้าไม่มีพิมพ์ \"ไม่มี\"{known}{cur}",
                keyword_replies(*words, CANCEL_WORD))


def ask_budget(item: dict, current) -> dict:
    plan = f" (งบที่วางแผนไว้ {item['budget']:,.0f} บาท)" if item.get("budget") else ""
    cur = f"\nคำตอบเดิม: {current:,.2f} บาท" if isinstance(current, (int, float)) else ""
    words = ([KEEP_WORD] if current is not None else []) + [NONE_WORD]
    return text(f"(5/{ACTIVITY_STEPS}) ใช้งบประมาณไปเท่าใดครับ{plan}? พิมพ์ตัวเลขเป็นบาท ถ้าไม่ได้ใช้งบพิมพ์ \"ไม่มี\"{cur}",
                keyword_replies(*words, CANCEL_WORD))


def need_number(what: str) -> dict:
    return text(f"ขอเป็นตัวเลขจำนวนเดียวครับ ({what}) หรือพิมพ์ \"ไม่มี\"")


def ask_activity_problems(current: str | None, not_done: bool) -> dict:
    cur = f"\n\nคำตอบเดิม: {current}" if current else ""
    if not_done:
        return text("เหตุใดจึงยังไม่ได้ดำเนินการ หรือยกเลิกครับ? (ปัญหาอุปสรรค)" + cur, _qr(current))
    return text(f"(6/{ACTIVITY_STEPS}) พบปัญหาหรืออุปสรรคอะไรบ้างครับ? ถ้าไม่มีพิมพ์ \"ไม่มี\"" + cur,
                _qr(current, NONE_WORD))


def activity_fields(ans: dict, item: dict) -> list[tuple[str, str]]:
    """An activity's answers as (label, value), for the summary card and the full answers."""
    value = ans.get("result_value")
    result = ans.get("result") or "-"
    if isinstance(value, (int, float)):
        result = amount(value, item.get("unit")) + (f" · {ans['result']}" if ans.get("result") else "")
    people = ans.get("participants")
    budget = ans.get("budget_spent")
    return [("สถานะ", ACTIVITY_STATUS_TH.get(ans.get("status"), "-")), ("ทำแล้ว", ans.get("done") or "-"),
            ("ผล", result), ("ผู้เข้าร่วม", f"{people} คน" if isinstance(people, int) else "-"),
            ("งบที่ใช้", f"{budget:,.2f} บาท" if isinstance(budget, (int, float)) else "-"),
            ("ปัญหา", ans.get("problems") or "-")]


def incomplete(n: int) -> dict:
    return text(f"ยังส่งไม่ได้ครับ มีอีก {n} ข้อที่ยังไม่ได้ตอบ (รายงานรอบนี้ต้องตอบทั้งกิจกรรมตามแผนและ "
                "ปัญหาที่อยากแก้ ความดีที่อยากทำ) ตอบต่อได้เลย")
