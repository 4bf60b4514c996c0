"""Texts of the conversation layer itself: a parked flow offered back, resumed or discarded."""
from __future__ import annotations

from messages_th.common import QR_LABEL_MAX, QR_MAX_ITEMS, pb, text

RESUME_LABEL, DISCARD_LABEL = "ทำรายการค้างต่อ", "ทิ้งรายการค้าง"
# What each flow is called when it is offered back (the plan's and the menus' own words).
FLOW_NAMES = {
    "deed": "บันทึกความดี", "reg": "ลงทะเบียน", "profile": "แก้ไขข้อมูลส่วนตัว", "pledge": "เขียนพันธะของสำนัก",
    "progress": "รายงานความคืบหน้าพันธะ", "report": "ส่งรายงาน", "campaign": "สร้างกิจกรรม",
    "deputy": "ผู้รับแจ้งเตือนแทน", "admin": "ค้นหาผู้ใช้", "rounds": "แก้กำหนดส่ง",
}


def flow_name(flow: str) -> str:
    return FLOW_NAMES.get(flow, "รายการเดิม")


def offer_items(parked_id: str) -> list[dict]:
    return [{"type": "action", "action": pb(RESUME_LABEL, "flow.resume", RESUME_LABEL, p=parked_id)},
            {"type": "action", "action": pb(DISCARD_LABEL, "flow.discard", DISCARD_LABEL, p=parked_id)}]


def offer(flow: str, parked_id: str) -> dict:
    """A separate message when the reply has no room for the two quick replies."""
    return text(f"คุณยังมีรายการ \u201c{flow_name(flow)}\u201d ที่ทำค้างไว้ครับ ทำต่อหรือทิ้งได้จากปุ่มด้านล่าง",
                {"items": offer_items(parked_id)})


def with_offer(messages: list[dict], flow: str, parked_id: str) -> list[dict]:
    """The reply with "ทำรายการค้างต่อ" / "ทิ้งรายการค้าง" added to its last message's quick replies, or
    as a short extra message (LINE shows quick replies of the last message only)."""
    if not messages:
        return [offer(flow, parked_id)]
    last = messages[-1]
    items = (last.get("quickReply") or {}).get("items", [])
    if len(items) + 2 <= QR_MAX_ITEMS and last.get("type") == "text":
        return messages[:-1] + [{**last, "quickReply": {"items": items + offer_items(parked_id)}}]
    if len(messages) < 5:
        return messages + [offer(flow, parked_id)]
    return messages


def resumed(flow: str) -> dict:
    return text(f"กลับมาทำรายการ \u201c{flow_name(flow)}\u201d ต่อจากที่ค้างไว้ครับ")


def discarded(flow: str) -> dict:
    return text(f"ทิ้งรายการ \u201c{flow_name(flow)}\u201d ที่ค้างไว้แล้วครับ ข้อมูลที่ยังไม่ได้ยืนยันจะไม่ถูกบันทึก\n"
                "พิมพ์ \"เมนู\" เพื่อเริ่มรายการใหม่ได้เลย", {"items": [
                    {"type": "action", "action": {"type": "message", "label": "เมนู", "text": "เมนู"}}]})


def parked_gone() -> dict:
    return text("รายการที่ค้างไว้นี้ไม่มีแล้วครับ (ทำต่อ ทิ้ง หรือหมดเวลาไปแล้ว)\nพิมพ์ \"เมนู\" เพื่อเริ่มรายการใหม่")


assert all(len(label) <= QR_LABEL_MAX for label in (RESUME_LABEL, DISCARD_LABEL))
