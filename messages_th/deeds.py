"""Thai texts and cards for good deeds: the recording flow and its card (the deed book, deleting and the
bureau view are in messages_th/deeds_book.py).

Pure functions of plain values (a deed is a dict: id, virtue, description, deed_date, photos, beneficiaries,
hours, editable, edited). Postback data comes from `bot.conversation.postback.encode` via `common.pb`.
"""
from __future__ import annotations

from datetime import date

from bot.conversation.postback import encode
from messages_th import flex as fx
from messages_th.common import (camera_action, camera_roll_action, clip, date_action, keyword_replies, msg_action,
                                pb, quick_reply, text)
from messages_th.dates import thai_date
from messages_th.virtues import BY_KEY, VIRTUES, name_th

RECORD_WORD, BOOK_WORD, BUREAU_WORD = "บันทึกความดี", "สมุดความดีของฉัน", "ความดีของสำนัก"
BOOK_ALIASES = ("ความดีของฉัน",)
SHORTCUT = "ความดี"  # "ความดี<description>": one-message deed
SKIP_WORDS, DONE_WORDS = ("ข้าม",), ("เสร็จ", "เสร็จแล้ว")
TODAY_WORDS, YESTERDAY_WORDS = ("วันนี้",), ("เมื่อวาน", "เมื่อวานนี้")
FIELDS = {"virtue": "คุณธรรม", "description": "รายละเอียด", "deed_date": "วันที่ทำ", "photos": "รูปภาพ",
          "beneficiaries": "ผู้ได้รับประโยชน์", "hours": "ชั่วโมงจิตอาสา"}
HINTS = {"virtue": "การเลือกคุณธรรม ๑ ใน ๕ ข้อ (แตะปุ่มด้านล่าง)",
         "describe": "ข้อความเล่าความดีที่ทำ (พิมพ์เป็นตัวอักษร)",
         "when": "วันที่ทำความดี (แตะ วันนี้ / เมื่อวาน / เลือกวันที่)",
         "photos": "รูปภาพ (ไม่เกิน ๓ รูป) หรือพิมพ์ \"ข้าม\" / \"เสร็จ\"",
         "beneficiaries": "จำนวนผู้ได้รับประโยชน์เป็นตัวเลข หรือพิมพ์ \"ข้าม\"",
         "hours": "จำนวนชั่วโมงเป็นตัวเลข หรือพิมพ์ \"ข้าม\"",
         "confirm": "การแตะปุ่ม ยืนยัน / แก้ไข / ยกเลิก บนการ์ด"}


def _cancel_item():
    return ("ยกเลิก", msg_action("ยกเลิก", "ยกเลิก"))


def ask_virtue(described: bool = False) -> dict:
    note = "ได้รับรายละเอียดแล้ว ✔\n" if described else ""
    items = [(v.label, pb(v.label, "deed.virtue", v.label, k=v.key)) for v in VIRTUES]
    return text(f"{note}ความดีนี้ตรงกับคุณธรรมข้อใดครับ? 🌟\nแตะเลือกได้ ๑ ข้อ", quick_reply(items + [_cancel_item()]))


def ask_description(virtue: str, limit: int) -> dict:
    v = BY_KEY[virtue]
    return text(f"{v.label} ✔\nเล่าสั้น ๆ ว่าทำความดีอะไรครับ (ไม่เกิน {limit:,} ตัวอักษร)\n"
                f"ตัวอย่าง: {v.example}", quick_reply([_cancel_item()]))


def ask_when(virtue: str, today: date, fy_start: date, suggested: bool = False) -> dict:
    """`fy_start`: the earliest day the picker offers (the service's earliest_date)."""
    note = (f"ระบบเดาว่าเป็นคุณธรรม \"{BY_KEY[virtue].label}\" (เปลี่ยนได้)\n" if suggested else "")
    items = [("📅 วันนี้", pb("วันนี้", "deed.when", "วันนี้", d="today")),
             ("เมื่อวาน", pb("เมื่อวาน", "deed.when", "เมื่อวาน", d="yesterday")),
             ("เลือกวันที่", date_action("เลือกวันที่", encode("deed.when", d="pick"), today, today, fy_start))]
    if suggested:
        items.append(("🔄 เปลี่ยนคุณธรรม", pb("เปลี่ยนคุณธรรม", "deed.field", f="virtue")))
    return text(f"{note}ทำความดีนี้เมื่อไหร่ครับ?", quick_reply(items + [_cancel_item()]))


def date_in_future(today: date) -> dict:
    return text(f"วันที่เลือกยังมาไม่ถึงครับ บันทึกได้เฉพาะความดีที่ทำแล้ว (วันนี้คือ {thai_date(today)})\n"
                "กรุณาเลือกวันที่ใหม่")


def date_before_fy(fy_start: date, fy: int, earliest: date | None = None) -> dict:
    if earliest is not None and earliest < fy_start:  # early October: a few days of the closed year are open
        return text(f"วันที่เลือกย้อนหลังเกินไปครับ บันทึกย้อนหลังได้ถึง {thai_date(earliest)} "
                    f"(ความดีก่อน {thai_date(fy_start)} นับในปีงบประมาณ {fy - 1}) กรุณาเลือกวันที่ใหม่")
    return text(f"วันที่เลือกอยู่ก่อนปีงบประมาณ {fy} ซึ่งเริ่ม {thai_date(fy_start)} ครับ "
                "สมุดความดีนับเฉพาะปีงบประมาณปัจจุบัน กรุณาเลือกวันที่ตั้งแต่วันนั้นเป็นต้นไป")


def _photo_items(done_word: str) -> dict:
    return quick_reply([("📷 ถ่ายรูป", camera_action()), ("🖼 เลือกรูป", camera_roll_action()),
                        (done_word, msg_action(done_word, done_word)), _cancel_item()])


def ask_photos(limit: int) -> dict:
    return text(f"แนบรูปประกอบได้ไม่เกิน {limit} รูป (ไม่บังคับ) 📷\nส่งรูปมาได้เลย หรือแตะ \"ข้าม\"",
                _photo_items("ข้าม"))


def photo_saved(n: int, limit: int) -> dict:
    return text(f"ได้รับรูปที่ {n}/{limit} แล้ว ✔ ส่งเพิ่มได้ หรือแตะ \"เสร็จ\"", _photo_items("เสร็จ"))


def photo_problem(code: str, limit_mb: int = 5) -> dict:
    why = {"not_image": "ไฟล์นี้ไม่ใช่รูปภาพ JPEG หรือ PNG",
           "too_large": f"รูปนี้ใหญ่เกิน {limit_mb} MB",
           "fetch": "ดึงรูปจาก LINE ไม่สำเร็จ (อาจหมดอายุหรือระบบขัดข้องชั่วคราว)"}[code]
    return text(f"{why} จึงไม่ได้แนบไว้ครับ\nส่งรูปอื่นได้ หรือแตะ \"ข้าม\" เพื่อบันทึกโดยไม่มีรูป",
                _photo_items("ข้าม"))


def ask_beneficiaries() -> dict:
    return text("💪 จิตอาสา: มีผู้ได้รับประโยชน์ประมาณกี่คนครับ? พิมพ์เป็นตัวเลข หรือแตะ \"ข้าม\"",
                keyword_replies("ข้าม", "ยกเลิก"))


def ask_hours() -> dict:
    return text("ใช้เวลาทำจิตอาสากี่ชั่วโมงครับ? (เช่น 2 หรือ 1.5) หรือแตะ \"ข้าม\"", keyword_replies("ข้าม", "ยกเลิก"))


def description_too_short() -> dict:
    return text("ขอรายละเอียดอีกนิดครับ 🙏 ช่วยพิมพ์เล่าเป็นคำสั้น ๆ ว่าทำความดีอะไร "
                "(อีโมจิหรือคำเดียวยังไม่พอครับ)")


def many_numbers(what: str, found: tuple) -> dict:
    shown = ", ".join(f"{n:g}" for n in found[:4])
    return text(f"พบตัวเลขมากกว่าหนึ่งค่า ({shown}) ครับ กรุณาพิมพ์{FIELDS[what]}เป็นตัวเลขเดียว "
                f"เช่น {found[0]:g} หรือแตะ \"ข้าม\"",
                keyword_replies("ข้าม", "ยกเลิก"))


def bad_number(what: str, low, high) -> dict:
    return text(f"{FIELDS[what]}ต้องเป็นตัวเลขตั้งแต่ {low} ถึง {high:,} ครับ ลองพิมพ์ใหม่ หรือแตะ \"ข้าม\"",
                keyword_replies("ข้าม", "ยกเลิก"))


def draft_view(draft: dict) -> dict:
    """A recording draft (ConversationState.draft) as the deed dict the cards take."""
    volunteer = draft.get("virtue") == "volunteer"
    return {"virtue": draft["virtue"], "description": draft["description"],
            "deed_date": date.fromisoformat(draft["deed_date"]), "photos": len(draft.get("photos") or []),
            "beneficiaries": draft.get("beneficiaries") if volunteer else None,
            "hours": draft.get("hours") if volunteer else None}


def deed_rows(d: dict) -> list[dict]:
    v = BY_KEY[d["virtue"]]
    rows = [fx.kv_row("คุณธรรม", v.label), fx.kv_row("วันที่", thai_date(d["deed_date"])),
            fx.kv_row("รูปภาพ", f"{d.get('photos', 0)} รูป" if d.get("photos") else "ไม่มี")]
    if d.get("beneficiaries") is not None:
        rows.append(fx.kv_row("ผู้ได้รับ", f"{d['beneficiaries']:,} คน"))
    if d.get("hours") is not None:
        rows.append(fx.kv_row("ชั่วโมง", f"{d['hours']:g} ชม."))
    return rows + [fx.separator(), fx.txt(clip(d["description"], 600), "sm", color=fx.INK)]


def confirm_card(d: dict, nonce: str, editing: bool = False) -> dict:
    title = "แก้ไขบันทึกความดี" if editing else "ตรวจสอบก่อนบันทึก"
    footer = [fx.button("✅ ยืนยันบันทึก", pb("ยืนยัน", "deed.confirm", "ยืนยันบันทึก", n=nonce)),
              fx.button("✏️ แก้ไข", pb("แก้ไข", "deed.fix", "แก้ไข"), "secondary"),
              fx.button("❌ ยกเลิก", msg_action("ยกเลิก", "ยกเลิก"), "link")]
    bubble = fx.bubble(title, deed_rows(d), footer, header_color=BY_KEY[d["virtue"]].color)
    return fx.flex(f"{title}: {name_th(d['virtue'])} {clip(d['description'], 100)}", bubble)


def fix_menu(volunteer: bool) -> dict:
    keys = ["virtue", "description", "deed_date", "photos"] + (["beneficiaries", "hours"] if volunteer else [])
    return text("ต้องการแก้ไขส่วนไหนครับ?", quick_reply([(FIELDS[k], pb(FIELDS[k], "deed.field", f=k)) for k in keys]))


def saved(d: dict, fy_count: int) -> dict:
    return text(f"บันทึกความดีเรียบร้อย ✅\n{BY_KEY[d['virtue']].label} · {thai_date(d['deed_date'])}\n"
                f"ปีงบประมาณนี้คุณบันทึกแล้ว {fy_count:,} ครั้ง ขอบคุณที่ร่วมสร้างองค์กรคุณธรรมครับ 🙏",
                keyword_replies(RECORD_WORD, BOOK_WORD))


def edited(changed: list[str]) -> dict:
    what = ", ".join(FIELDS[c] for c in changed) if changed else "ไม่มีส่วนที่เปลี่ยน"
    return text(f"แก้ไขบันทึกเรียบร้อย ✅ ({what})\nประวัติการแก้ไขถูกเก็บไว้ในสมุดความดีแล้ว",
                keyword_replies(BOOK_WORD))


def problem(code: str, **info) -> dict:
    """One message per DeedError code from bot.services.deeds."""
    says = {
        "duplicate": "ความดีนี้บันทึกไว้แล้วเมื่อสักครู่ (กดซ้ำ) จึงไม่บันทึกซ้ำครับ",
        "daily_limit": f"วันนี้คุณบันทึกความดีครบ {info.get('limit', 20)} รายการแล้ว ซึ่งเป็นจำนวนสูงสุดต่อวัน "
                       "เพื่อป้องกันการบันทึกผิดพลาด พรุ่งนี้บันทึกต่อได้ครับ 🙏",
        "stale": "ปุ่มนี้ใช้ไปแล้วหรือรายการหมดอายุ ความดีจะถูกบันทึกเพียงครั้งเดียวครับ",
        "not_found": "ไม่พบบันทึกความดีรายการนี้ครับ",
        "not_yours": "ขออภัยครับ บันทึกนี้ไม่ใช่ของคุณ จึงแก้ไขหรือลบไม่ได้",
        "deleted": "บันทึกนี้ถูกลบไปแล้วครับ",
        "locked": f"บันทึกนี้ผ่านมาเกิน {info.get('days', 7)} วันแล้ว จึงถูกล็อกไว้ แก้ไขหรือลบไม่ได้ "
                  "เพื่อให้สมุดความดีเชื่อถือและตรวจสอบได้ หากจำเป็นโปรดติดต่อผู้ดูแลระบบครับ",
        "empty": "ยังไม่มีรายละเอียดความดีครับ กรุณาพิมพ์เล่าสั้น ๆ",
    }
    return text(says.get(code, "ขออภัยครับ ทำรายการนี้ไม่ได้"), keyword_replies(BOOK_WORD, RECORD_WORD))
