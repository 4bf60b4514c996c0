"""Thai texts of the admin corner in chat ("ผู้ดูแลระบบ"): invite codes, registration approvals, roles."""
from __future__ import annotations

from datetime import datetime

from messages_th.common import CANCEL_WORD, clip, keyword_replies, pb, quick_reply, role_th, text
from messages_th.dates import thai_date, thai_datetime
from messages_th.flex import MUTED, bubble, button, carousel, flex, kv_row, txt
from messages_th.names import address

ADMIN_WORD = "ผู้ดูแลระบบ"
PENDING_WORDS = ("อนุมัติ", "รออนุมัติ", "คำขอลงทะเบียน")  # typed by an admin: the requests waiting
EXTRA_ROLES = ("coordinator", "committee", "admin")
HINT_SEARCH = "ชื่อ (บางส่วน) ของบุคลากรที่จะเปลี่ยนบทบาท"


def admin_menu() -> dict:
    items = (("สร้างรหัสเชิญ", "admin.invite"), ("คำขอลงทะเบียน", "admin.pending"), ("มอบ / ถอนบทบาท", "admin.roles"))
    card = bubble("⚙️ ผู้ดูแลระบบ", [txt("เลือกรายการที่ต้องการ", "sm", color=MUTED)],
                  [button(label, pb(label, action, display_text=label)) for label, action in items])
    return flex("ผู้ดูแลระบบ: " + " / ".join(label for label, _ in items), card)


def choose_bureau(bureaus: list[tuple[int, str]]) -> dict:
    items = [(clip(n, 20), pb(clip(n, 20), "admin.invite", display_text=n, bureau=i)) for i, n in bureaus[:13]]
    if not items:
        return text("ยังไม่มีสำนักในระบบครับ เพิ่มด้วยคำสั่ง flask --app bot bureau add")
    return text("สร้างรหัสเชิญให้สำนักใดครับ", quick_reply(items))


def invite_created(code: str, bureau: str, expires: datetime | None, uses: int | None) -> dict:
    limits = [f"ใช้ได้ถึง {thai_date(expires)}" if expires else "ไม่มีวันหมดอายุ",
              f"ใช้ได้ {uses} ครั้ง" if uses else "ไม่จำกัดจำนวนครั้ง"]
    return text(f"รหัสเชิญของ{clip(bureau, 100)} ({', '.join(limits)}):\n{code}\n"
                "ส่งรหัสนี้ให้บุคลากรของสำนัก แล้วให้พิมพ์ \"ลงทะเบียน\" ในแชตนี้")


def _request_card(uid: int, name: str, pos: str, bureau: str, disp: str) -> dict:
    return bubble(clip(name or "-", 60), [kv_row("ตำแหน่ง", pos or "-"), kv_row("สำนัก", bureau or "-"),
                                          kv_row("ชื่อ LINE", disp or "-")],
                  [button("อนุมัติ", pb("อนุมัติ", "admin.approve", display_text="อนุมัติ", uid=uid)),
                   button("ไม่อนุมัติ", pb("ไม่อนุมัติ", "admin.reject", display_text="ไม่อนุมัติ", uid=uid),
                          "secondary")], size="kilo")


def pending_list(rows: list[tuple[int, str, str, str, str]]) -> dict:
    """rows: (user id, the person as names.person words it, position, bureau, LINE display name)."""
    if not rows:
        return text("ไม่มีคำขอลงทะเบียนที่รออนุมัติครับ ✅")
    cards = [_request_card(*row) for row in rows[:12]]
    return flex(f"คำขอลงทะเบียนที่รออนุมัติ {len(rows)} รายการ", carousel(cards))


def approval_request(row: tuple[int, str, str, str, str]) -> dict:
    """Pushed to the admins when someone asks for approval: the request with its two buttons (the first
    admin's tap decides; the others then get "already handled")."""
    _, name, _, bureau, _ = row
    return flex(f"คำขอลงทะเบียนใหม่: {name or '-'} ({bureau or '-'}) รออนุมัติ", _request_card(*row))


def approved(name: str, title: str | None = None) -> dict:
    return text(f"อนุมัติ{address(title, name)} แล้วครับ ✅ ระบบแจ้งผู้ขอให้ทราบแล้ว")


def rejected(name: str, title: str | None = None) -> dict:
    return text(f"ไม่อนุมัติคำขอของ{address(title, name)} แล้วครับ ระบบแจ้งผู้ขอให้ทราบแล้ว")


def not_pending() -> dict:
    return text("คำขอนี้ถูกจัดการไปแล้ว หรือไม่มีอยู่ครับ")


def ask_search() -> dict:
    return text("พิมพ์ชื่อ (บางส่วน) ของบุคลากรที่จะมอบหรือถอนบทบาทครับ", keyword_replies(CANCEL_WORD))


def matches(rows: list[tuple[int, str, str]]) -> dict:
    """rows: (user id, the person as names.person words it, bureau)."""
    if not rows:
        return text("ไม่พบบุคลากรที่ลงทะเบียนแล้วชื่อนี้ครับ ลองพิมพ์ใหม่ หรือพิมพ์ \"ยกเลิก\"",
                    keyword_replies(CANCEL_WORD))
    items = [(clip(n, 20), pb(clip(n, 20), "admin.pick", display_text=f"{n} ({b})", uid=i)) for i, n, b in rows[:13]]
    return text("เลือกบุคลากร:\n" + "\n".join(f"• {n} ({b})" for _, n, b in rows[:13]), quick_reply(items))


def role_buttons(uid: int, name: str, current: set[str]) -> dict:
    buttons = []
    for role in EXTRA_ROLES:
        has = role in current
        label = ("ถอน" if has else "มอบ") + "บทบาท" + role_th(role)
        buttons.append(button(clip(label, 40), pb(clip(label, 40), "admin.role", display_text=label, uid=uid,
                                                   role=role, op="revoke" if has else "grant"),
                              "secondary" if has else "primary"))
    roles = ", ".join(role_th(r) for r in sorted(current)) or role_th("staff")
    card = bubble(clip(name or "-", 60), [kv_row("บทบาทตอนนี้", roles)], buttons)
    return flex(f"บทบาทของ {name}: {roles}", card)


def role_changed(name: str, role: str, grant: bool, title: str | None = None) -> dict:
    verb = "มอบบทบาท" if grant else "ถอนบทบาท"
    return text(f"{verb}{role_th(role)} {'ให้' if grant else 'ของ'}{address(title, name)} แล้วครับ ✅ เมนูของผู้ใช้เปลี่ยนตามบทบาทแล้ว")


def code_guessing_alert(fails: int, since: datetime) -> dict:
    """To the admins: many wrong invite codes from everyone together (someone may be guessing codes)."""
    return text(f"⚠️ มีการพิมพ์รหัสเชิญผิด {fails:,} ครั้ง ตั้งแต่ {thai_datetime(since)} (รวมทุกบัญชี)\n"
                "อาจมีผู้พยายามเดารหัสเชิญ โปรดตรวจสอบและยกเลิกรหัสที่แจกไปแล้วหากจำเป็น")
