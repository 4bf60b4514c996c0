"""Texts of the conversation layer itself: a parked flow offered back, resumed or discarded."""
from __future__ import annotations

from messages_th.common import QR_LABEL_MAX, QR_MAX_ITEMS, pb, text
from messages_th.flex import bubble, button, flex, txt

RESUME_LABEL, DISCARD_LABEL = "ทำรายการค้างต่อ", "ทิ้งรายการค้าง"
# What each flow is called when it is offered back (the plan's and the menus' own words).
FLOW_NAMES = {
    "deed": "บันทึกความดี", "reg": "ลงทะเบียน", "profile": "แก้ไขข้อมูลส่วนตัว",
    "pledge": "เขียนปัญหาที่อยากแก้ ความดีที่อยากทำ",
    "progress": "รายงานความคืบหน้าความดีที่อยากทำ", "report": "ส่งรายงาน", "campaign": "สร้างกิจกรรม",
    "deputy": "ผู้รับแจ้งเตือนแทน", "admin": "ค้นหาผู้ใช้", "rounds": "แก้กำหนดส่ง",
}


def flow_name(flow: str) -> str:
    return FLOW_NAMES.get(flow, "รายการเดิม")


def offer_items(parked_id: str) -> list[dict]:
    return [{"type": "action", "action": pb(RESUME_LABEL, "flow.resume", RESUME_LABEL, p=parked_id)},
            {"type": "action", "action": pb(DISCARD_LABEL, "flow.discard", DISCARD_LABEL, p=parked_id)}]


def _offer_text(flow: str) -> str:
    return f"คุณยังมีรายการ \u201c{flow_name(flow)}\u201d ที่ทำค้างไว้ครับ"


def offer(flow: str, parked_id: str) -> dict:
    """A card with the two buttons, for a reply whose last message has no room for two more quick replies
    (it goes before that message, so the menu's own quick replies stay visible)."""
    buttons = [button(RESUME_LABEL, pb(RESUME_LABEL, "flow.resume", RESUME_LABEL, p=parked_id)),
               button(DISCARD_LABEL, pb(DISCARD_LABEL, "flow.discard", DISCARD_LABEL, p=parked_id), "secondary")]
    return flex(_offer_text(flow), bubble(body=[txt(_offer_text(flow), "sm")], footer=buttons, size="kilo"))


def with_offer(messages: list[dict], flow: str, parked_id: str) -> list[dict]:
    """The reply with "ทำรายการค้างต่อ" / "ทิ้งรายการค้าง": as two more quick replies of its last message
    when they fit, else as a small card before the last message (LINE shows only the last one's quick
    replies); a reply already at LINE's 5 messages is left as it is (the offer comes again later)."""
    if not messages:
        return [text(_offer_text(flow), {"items": offer_items(parked_id)})]
    last = messages[-1]
    items = (last.get("quickReply") or {}).get("items", [])
    if len(items) + 2 <= QR_MAX_ITEMS:
        return messages[:-1] + [{**last, "quickReply": {"items": items + offer_items(parked_id)}}]
    if len(messages) < 5:
        return messages[:-1] + [offer(flow, parked_id), last]
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


def reprompt(note: dict, prompt: dict | None) -> list[dict]:
    """A hint (or the stale-button note) with the step's buttons again. A card with buttons is sent again
    before the note; quick replies move onto the note (LINE shows only the last message's), ahead of the
    note's own (cancel); a plain question without buttons is not repeated (the note says what is needed)."""
    if prompt is None:
        return [note]
    items = (prompt.get("quickReply") or {}).get("items", [])
    own = (note.get("quickReply") or {}).get("items", [])
    labels = {i["action"].get("label") for i in items}
    extra = [i for i in own if i["action"].get("label") not in labels]  # the prompt's own cancel is enough
    merged = {**note, "quickReply": {"items": (items + extra)[:QR_MAX_ITEMS]}} if items else note
    if prompt.get("type") == "flex":
        bare = {k: v for k, v in prompt.items() if k != "quickReply"}
        return [bare, merged]
    return [merged]


def one_to_one_only() -> dict:
    """What the bot says in a group or room chat: nothing personal is ever shown there."""
    return text("บัญชีนี้ใช้งานได้ในแชตส่วนตัวเท่านั้นครับ เพื่อไม่ให้ข้อมูลส่วนบุคคลปรากฏในกลุ่ม\n"
                "กรุณาเพิ่มบัญชีนี้เป็นเพื่อน แล้วพิมพ์ \"เมนู\" ในแชตส่วนตัวกับบัญชีนี้")
