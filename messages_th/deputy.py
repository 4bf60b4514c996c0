"""Thai texts of naming a deputy: the person who gets a coordinator's report-deadline reminders instead."""
from __future__ import annotations

from messages_th.common import CANCEL_WORD, QR_LABEL_MAX, clip, keyword_replies, msg_action, pb, quick_reply, text

KW_DEPUTY = "ผู้รับแจ้งเตือนแทน"
KW_DEPUTY_ALIASES = ("ตั้งผู้แทน",)
KW_DEPUTY_CLEAR = "ยกเลิกผู้แทน"
HINT = "ชื่อ (หรือบางส่วนของชื่อ) ของบุคลากรในสำนักที่จะรับแจ้งเตือนแทน"


def ask(current: str | None) -> dict:
    now = f"ตอนนี้ผู้รับแจ้งเตือนแทนท่านคือ {current}\n\n" if current else ""
    items = [(KW_DEPUTY_CLEAR, pb(KW_DEPUTY_CLEAR, "deputy.clear", KW_DEPUTY_CLEAR))] if current else []
    items.append((CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD)))
    return text(f"{now}ระหว่างลาหรือไม่อยู่ ให้เพื่อนร่วมสำนักรับแจ้งเตือนกำหนดส่งรายงานแทนได้ครับ\n"
                "พิมพ์ชื่อ (หรือบางส่วนของชื่อ) ของผู้ที่จะรับแจ้งเตือนแทน", quick_reply(items))


def _label(name: str) -> str:
    return clip(name.strip() or "?", QR_LABEL_MAX)


def pick(people: list[tuple[int, str]], more: bool) -> dict:
    """people: (user id, name); one quick reply each (≤ 12, so "ยกเลิก" fits)."""
    items = [(_label(name), pb(_label(name), "deputy.set", _label(name), id=uid)) for uid, name in people]
    items.append((CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD)))
    extra = "\n(พบหลายคน แสดงเฉพาะบางส่วน พิมพ์ชื่อให้ละเอียดขึ้นได้)" if more else ""
    return text("เลือกผู้รับแจ้งเตือนแทนครับ" + extra, quick_reply(items))


def nobody(query: str) -> dict:
    return text(f"ไม่พบบุคลากรในสำนักที่ชื่อมีคำว่า \"{query[:50]}\" ครับ\n"
                "ลองพิมพ์ใหม่ (เช่น ชื่อต้น) หรือพิมพ์ \"ยกเลิก\"", keyword_replies(CANCEL_WORD))


def set_ok(name: str) -> dict:
    return text(f"ตั้ง {name} เป็นผู้รับแจ้งเตือนกำหนดส่งรายงานแทนท่านแล้วครับ ✅\n"
                f"กลับมารับเองได้โดยพิมพ์ \"{KW_DEPUTY_CLEAR}\"", keyword_replies(KW_DEPUTY_CLEAR))


def told_deputy(coordinator: str) -> dict:
    return text(f"{coordinator} ให้ท่านรับแจ้งเตือนกำหนดส่งรายงานของสำนักแทนชั่วคราวครับ 🙏\n"
                "เมื่อใกล้กำหนดส่ง ระบบจะแจ้งท่านพร้อมปุ่มเริ่มทำรายงาน")


def cleared(had: bool) -> dict:
    return text("ยกเลิกผู้รับแจ้งเตือนแทนแล้วครับ ท่านจะได้รับแจ้งเตือนเองตามเดิม" if had
                else "ยังไม่ได้ตั้งผู้รับแจ้งเตือนแทนไว้ครับ")


def not_this_person() -> dict:
    return text("เลือกบุคคลนี้ไม่ได้ครับ (ต้องเป็นบุคลากรที่ลงทะเบียนแล้วในสำนักเดียวกัน และไม่ใช่ตัวท่านเอง)",
                keyword_replies(KW_DEPUTY))
