"""Thai texts of onboarding (welcome, PDPA consent, registration) and the profile. The privacy corner's (export,
erase) are in messages_th/privacy.py."""
from __future__ import annotations

from datetime import datetime

from messages_th.common import (CANCEL_WORD, MENU_WORD, REGISTER_WORD, clip, keyword_replies, msg_action, pb,
                                quick_reply, text)
from messages_th.dates import thai_datetime
from messages_th.flex import MUTED, bubble, button, flex, kv_row, separator, txt
from messages_th.names import NO_TITLE, OTHER_TITLE, TITLE_BUTTONS, TITLE_EXAMPLES, TITLE_MAX, address, person

CONSENT_WORD, APPROVAL_WORD = "ยินยอม", "ขออนุมัติจากผู้ดูแล"
REGISTER_WORDS = (REGISTER_WORD, CONSENT_WORD, "register")
HINTS = {"code": "รหัสเชิญของสำนัก (พิมพ์เป็นข้อความ)", "bureau": "ชื่อหรือรหัสย่อของสำนัก",
         "name": "ชื่อ-นามสกุล (พิมพ์เป็นข้อความ)",
         "title": f"คำนำหน้าชื่อ (แตะปุ่ม หรือพิมพ์ เช่น {TITLE_EXAMPLES})", "position": "ตำแหน่ง (พิมพ์เป็นข้อความ)",
         "confirm": "การแตะปุ่ม \"ยืนยัน\" หรือ \"แก้ไข\"", "new": "ข้อความใหม่ (พิมพ์เป็นข้อความ)"}
FIELD_TH = {"name": "ชื่อ", "position": "ตำแหน่ง", "title": "คำนำหน้าชื่อ"}
PROFILE_WORDS, EXPORT_WORD, ERASE_WORD = ("ข้อมูลส่วนตัว", "โปรไฟล์"), "ข้อมูลของฉัน", "ลบข้อมูลของฉัน"
PDPA = (("ข้อมูลที่เก็บ", "LINE user ID, ชื่อที่แสดงใน LINE, คำนำหน้าชื่อ, ชื่อ-นามสกุล, ตำแหน่ง, สำนัก, "
         "บันทึกความดีและรูปภาพ, รายงานที่ส่งผ่านบอท, การถอดบทเรียน, การเสนอชื่อและคะแนนพิจารณา, "
         "การแจ้งว่าตอบแบบสำรวจ ITA แล้ว (ไม่เก็บคำตอบ)"),
        ("เพื่อ", "ยืนยันว่าเป็นบุคลากรของสำนักงาน บันทึกความดี รายงานผลตามแผนคุณธรรม ส่งการแจ้งเตือน "
                  "เผยแพร่การถอดบทเรียนที่ผ่านการพิจารณา คัดเลือกผู้มีคุณธรรมจริยธรรมดีเด่น (เฉพาะเมื่อท่านยินยอม) "
                  "และติดตามอัตราการตอบแบบสำรวจ ITA รายสำนัก"),
        ("ผู้ที่เห็นข้อมูล", "ตัวท่าน ผู้ประสานงานของสำนัก คณะกรรมการจริยธรรม และผู้ดูแลระบบ ตามหน้าที่เท่านั้น"),
        ("การลบข้อมูล", f"พิมพ์ \"{ERASE_WORD}\" ได้ทุกเมื่อ หรือ \"{EXPORT_WORD}\" เพื่อดูทุกอย่างที่เราเก็บไว้"))


def welcome() -> dict:
    return text("สวัสดีครับ 🙏 ยินดีต้อนรับสู่บอทแผนส่งเสริมคุณธรรม จริยธรรม และความโปร่งใสของสำนักงาน\n"
                "ใช้บันทึกความดีที่ทำ รายงาน \"ปัญหาที่อยากแก้ / ความดีที่อยากทำ\" รับแจ้งเตือนกำหนดส่งรายงาน "
                "และอ่านหลักคุณธรรมได้จากโทรศัพท์")


def pdpa_rows(config=None) -> tuple[tuple[str, str], ...]:
    """The notice's rows plus how long chat records are kept and whom to ask (INBOX_/OUTBOX_RETENTION_DAYS,
    PRIVACY_CONTACT); without settings, the defaults."""
    inbox = getattr(config, "INBOX_RETENTION_DAYS", 30)
    outbox = getattr(config, "OUTBOX_RETENTION_DAYS", 90)
    contact = (getattr(config, "PRIVACY_CONTACT", "") or "").strip()
    rows = PDPA + (("ระยะเวลาเก็บ", f"ข้อความที่พิมพ์ในแชตเก็บไว้ {inbox:,} วัน ข้อความแจ้งเตือนที่ส่งแล้วเก็บไว้ "
                                     f"{outbox:,} วัน แล้วลบ ข้อมูลลงทะเบียนและบันทึกความดีเก็บไว้จนกว่าท่านจะขอลบ"),)
    if contact:
        rows += (("ติดต่อเรื่องข้อมูลส่วนบุคคล", contact),)
    return rows


def consent_card(config=None) -> dict:
    body = [txt("ตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. ๒๕๖๒ (PDPA) ขอความยินยอมก่อนเก็บข้อมูลครับ", "sm")]
    rows = pdpa_rows(config)
    for head, detail in rows:
        body += [separator("sm"), txt(head, "xs", "bold", MUTED), txt(detail, "sm")]
    card = bubble("🔒 ขอความยินยอม (PDPA)", body,
                  [button("ยินยอม", pb("ยินยอม", "consent.yes", display_text="ยินยอม")),
                   button("ไม่ยินยอม", pb("ไม่ยินยอม", "consent.no", display_text="ไม่ยินยอม"), "secondary")])
    alt = "ขอความยินยอมเก็บข้อมูลส่วนบุคคล (PDPA): " + " ".join(f"{h}: {d}" for h, d in rows)
    return flex(alt, card, quick_reply([("อ่านหลักคุณธรรม", pb("อ่านหลักคุณธรรม", "ref.menu"))]))


def refused() -> dict:
    return text("รับทราบครับ ระบบจะไม่เก็บข้อมูลส่วนบุคคลของท่าน (บันทึกไว้เพียงว่าไม่ยินยอม)\n"
                f"ยังอ่านหลักคุณธรรมได้ และหากเปลี่ยนใจ พิมพ์ \"{CONSENT_WORD}\" หรือ \"{REGISTER_WORD}\" ได้ทุกเมื่อ",
                keyword_replies(CONSENT_WORD, "อ่านหลักคุณธรรม"))


def welcome_back(name: str | None, title: str | None = None) -> dict:
    return text(f"ยินดีต้อนรับกลับครับ {address(title, name, 60)} 🙏 ข้อมูลเดิมของท่านยังอยู่ครบ ใช้งานต่อได้เลย",
                keyword_replies(MENU_WORD))


def already_registered() -> dict:
    return text("ท่านลงทะเบียนไว้แล้วครับ พิมพ์ \"ข้อมูลส่วนตัว\" เพื่อดูหรือแก้ไขข้อมูล", keyword_replies(MENU_WORD))


def pending_note() -> dict:
    return text("คำขอลงทะเบียนของท่านรอผู้ดูแลระบบอนุมัติอยู่ครับ จะแจ้งให้ทราบทันทีที่อนุมัติ\n"
                f"หากได้รับรหัสเชิญแล้ว พิมพ์ \"{REGISTER_WORD}\" เพื่อใช้รหัสแทนได้")


def ask_code() -> dict:
    return text("กรุณาพิมพ์รหัสเชิญของสำนัก (ขอได้จากผู้ประสานงานของสำนัก)\n"
                f"หากยังไม่มีรหัส แตะ \"{APPROVAL_WORD}\" เพื่อส่งคำขอให้ผู้ดูแลระบบอนุมัติ",
                keyword_replies(APPROVAL_WORD, CANCEL_WORD))


def wrong_code(left: int) -> dict:
    return text(f"รหัสเชิญไม่ถูกต้อง หมดอายุ หรือถูกยกเลิกแล้วครับ ลองพิมพ์ใหม่ได้อีก {left} ครั้ง\n"
                "(ตรวจตัวอักษรให้ครบ ไม่ต้องสนใจตัวพิมพ์เล็ก/ใหญ่)", keyword_replies(APPROVAL_WORD, CANCEL_WORD))


def locked(until: datetime) -> dict:
    return text("ใส่รหัสเชิญผิดหลายครั้งเกินไป ระบบจึงพักการลงทะเบียนด้วยรหัสไว้ชั่วคราว 🔒\n"
                f"ลองใหม่ได้หลัง {thai_datetime(until)} หรือแตะ \"{APPROVAL_WORD}\" เพื่อขอให้ผู้ดูแลอนุมัติ",
                keyword_replies(APPROVAL_WORD))


def ask_bureau(bureaus: list[tuple[int, str]]) -> dict:
    items = [(clip(name, 20), pb(clip(name, 20), "reg.bureau", display_text=name, id=bid))
             for bid, name in bureaus[:12]]
    return text("ท่านสังกัดสำนักใดครับ แตะเลือก หรือพิมพ์ชื่อ/รหัสย่อของสำนัก",
                quick_reply(items) if items else None)


def bureau_unknown() -> dict:
    return text("ไม่พบสำนักนี้ครับ ลองพิมพ์ชื่อเต็มหรือรหัสย่อของสำนักอีกครั้ง หรือพิมพ์ \"ยกเลิก\"")


def ask_name(prefill: str | None) -> dict:
    qr = quick_reply([(clip(prefill, 20), msg_action(clip(prefill, 20), clip(prefill, 200)))]) if prefill else None
    hint = f"\nแตะ \"{clip(prefill, 40)}\" เพื่อใช้ชื่อตาม LINE หรือพิมพ์ชื่ออื่น" if prefill else ""
    return text("กรุณาพิมพ์ชื่อ-นามสกุลจริงของท่านครับ" + hint, qr)


def _title_items(skip: str | None = None) -> list[tuple[str, dict]]:
    items = [(t, msg_action(t, t)) for t in TITLE_BUTTONS if t != skip]
    return items + [(OTHER_TITLE, pb(OTHER_TITLE, "reg.title", display_text=OTHER_TITLE, op="other")),
                    (NO_TITLE, msg_action(NO_TITLE, NO_TITLE))]


def ask_title(name: str, guess: str | None = None) -> dict:
    """The title step: buttons for the everyday titles; with `guess` (split off the typed name) a confirmation."""
    if guess:
        yes = clip(f"ใช่ {guess}", 20)
        items = [(yes, msg_action(yes, clip(guess, 300))), *_title_items(skip=guess),
                 ("ชื่อนี้ไม่มีคำนำหน้า", pb("ชื่อนี้ไม่มีคำนำหน้า", "reg.title", display_text="ชื่อนี้ไม่มีคำนำหน้า",
                                            op="asis"))]
        return text(f"ชื่อที่พิมพ์ขึ้นต้นด้วยคำนำหน้า \"{clip(guess, TITLE_MAX)}\" ครับ จะบันทึกเป็น\n"
                    f"คำนำหน้า: {clip(guess, TITLE_MAX)}\nชื่อ-นามสกุล: {clip(name, 200)}\n"
                    f"ถูกต้องไหมครับ แตะ \"{yes}\" หรือเลือกคำนำหน้าอื่น", quick_reply(items))
    return text(f"คำนำหน้าชื่อของท่านคืออะไรครับ\nแตะเลือก หรือแตะ \"{OTHER_TITLE}\" สำหรับยศหรือตำแหน่งทางวิชาการ "
                f"(เช่น {TITLE_EXAMPLES})", quick_reply(_title_items()))


def ask_title_typed() -> dict:
    return text(f"พิมพ์คำนำหน้าชื่อของท่านได้เลยครับ (ไม่เกิน {TITLE_MAX} ตัวอักษร) เช่น {TITLE_EXAMPLES}",
                quick_reply([(t, msg_action(t, t)) for t in (*TITLE_BUTTONS, NO_TITLE, CANCEL_WORD)]))


def bad_title(registration: bool = True) -> dict:
    items = _title_items() if registration else [(t, msg_action(t, t)) for t in (*TITLE_BUTTONS, NO_TITLE, CANCEL_WORD)]
    return text(f"คำนำหน้าชื่อต้องเป็นตัวอักษร ยาวไม่เกิน {TITLE_MAX} ตัวอักษร บรรทัดเดียวครับ (เช่น {TITLE_EXAMPLES}) "
                "ลองอีกครั้ง", quick_reply(items))


def ask_position() -> dict:
    return text("ตำแหน่งของท่านคืออะไรครับ (เช่น นักวิเคราะห์นโยบายและแผนชำนาญการ)")


def bad_value(field: str) -> dict:
    return text(f"{FIELD_TH.get(field, field)}ต้องเป็นข้อความ ยาวไม่เกิน 200 ตัวอักษรครับ ลองพิมพ์ใหม่อีกครั้ง")


def confirm_card(name: str, position: str, bureau: str, approval: bool, title: str | None = None) -> dict:
    head = "ตรวจสอบข้อมูลก่อนส่งคำขอ" if approval else "ตรวจสอบข้อมูลก่อนลงทะเบียน"
    card = bubble(head, [kv_row("คำนำหน้า", clip(title or "ไม่ระบุ", TITLE_MAX)), kv_row("ชื่อ", name),
                         kv_row("ตำแหน่ง", position), kv_row("สำนัก", bureau)],
                  [button("ยืนยัน", pb("ยืนยัน", "reg.confirm", display_text="ยืนยัน")),
                   button("แก้ไข", pb("แก้ไข", "reg.edit", display_text="แก้ไข"), "secondary")])
    return flex(f"{head}: {person(title, name, 200)} / {position} / {bureau}", card)


def registered(name: str, bureau: str, title: str | None = None) -> dict:
    return text(f"ลงทะเบียนเรียบร้อยครับ 🎉 {address(title, name)} ({clip(bureau, 80)})\n"
                "เมนูด้านล่างจอเปลี่ยนเป็นเมนูบุคลากรแล้ว หรือพิมพ์ \"เมนู\" ได้ทุกเมื่อ")


def code_gone() -> dict:
    return text("รหัสเชิญนี้เพิ่งหมดอายุหรือถูกใช้ครบจำนวนแล้วครับ กรุณาขอรหัสใหม่ แล้วพิมพ์ \"ลงทะเบียน\"")


def request_sent() -> dict:
    return text("ส่งคำขอให้ผู้ดูแลระบบแล้วครับ 🙏 เมื่ออนุมัติแล้วจะแจ้งให้ทราบทางแชตนี้")


def approved_push() -> dict:
    return text("ผู้ดูแลระบบอนุมัติการลงทะเบียนของท่านแล้วครับ 🎉 พิมพ์ \"เมนู\" เพื่อเริ่มใช้งาน",
                keyword_replies(MENU_WORD))


def rejected_push() -> dict:
    return text("คำขอลงทะเบียนของท่านไม่ได้รับการอนุมัติครับ หากเป็นบุคลากรของสำนักงาน "
                "กรุณาขอรหัสเชิญจากผู้ประสานงานของสำนัก แล้วพิมพ์ \"ลงทะเบียน\"")


# ---- profile --------------------------------------------------------------------------------

def profile_card(name: str, position: str, bureau: str, roles: list[str], title: str | None = None) -> dict:
    edits = (("แก้คำนำหน้า", "title"), ("แก้ชื่อ", "name"), ("แก้ตำแหน่ง", "position"), ("ย้ายสำนัก", "bureau"))
    card = bubble("👤 ข้อมูลส่วนตัว", [kv_row("คำนำหน้า", clip(title or "ไม่ระบุ", TITLE_MAX)),
                                       kv_row("ชื่อ", name or "-"), kv_row("ตำแหน่ง", position or "-"),
                                       kv_row("สำนัก", bureau or "-"), kv_row("บทบาท", ", ".join(roles))],
                  [button(label, pb(label, "profile.edit", display_text=label, field=f), "secondary")
                   for label, f in edits])
    return flex(f"ข้อมูลส่วนตัว: {person(title, name, 200)} / {position} / {bureau}", card)


def ask_new(field: str) -> dict:
    if field == "bureau":
        return text("การย้ายสำนักต้องใช้รหัสเชิญของสำนักใหม่ครับ (หรือให้ผู้ดูแลระบบเปลี่ยนให้)\n"
                    "กรุณาพิมพ์รหัสเชิญของสำนักใหม่", keyword_replies(CANCEL_WORD))
    if field == "title":
        return text(f"แตะเลือกคำนำหน้าชื่อใหม่ หรือพิมพ์เอง (เช่น {TITLE_EXAMPLES})\n"
                    f"แตะ \"{NO_TITLE}\" หากไม่ประสงค์ระบุ",
                    quick_reply([(t, msg_action(t, t)) for t in (*TITLE_BUTTONS, NO_TITLE, CANCEL_WORD)]))
    return text("พิมพ์ชื่อ-นามสกุลใหม่ครับ" if field == "name" else "พิมพ์ตำแหน่งใหม่ครับ",
                keyword_replies(CANCEL_WORD))


def profile_saved() -> dict:
    return text("บันทึกการแก้ไขแล้วครับ ✅ พิมพ์ \"ข้อมูลส่วนตัว\" เพื่อดูอีกครั้ง")
