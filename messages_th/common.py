"""Generic message builders (text, quick replies, actions) and the bot's everyday Thai texts.

Builders raise ValueError on LINE limit breaches that only a programming error can cause (too many
quick-reply items, a long label); text that may come from users is clipped instead.
"""
from __future__ import annotations

from datetime import date

# The short names the builders (and flows' message modules) use; the values live in messages_th/limits.py.
from messages_th.limits import ACTION_TEXT_MAX  # noqa: F401 - re-exported
from messages_th.limits import POSTBACK_DATA_MAX_BYTES as POSTBACK_DATA_MAX
from messages_th.limits import QUICK_REPLY_LABEL_MAX as QR_LABEL_MAX
from messages_th.limits import QUICK_REPLY_MAX_ITEMS as QR_MAX_ITEMS
from messages_th.limits import TEXT_MAX as TEXT_LIMIT

ROLE_TH = {
    "staff": "บุคลากร",
    "coordinator": "ผู้ประสานงานสำนัก",
    "committee": "คณะกรรมการจริยธรรม",
    "admin": "ผู้ดูแลระบบ",
}

# Thai vowels above/below and tone marks: never cut a string right before one of them.
_MARKS = {chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F))}
_LEADING = set("เแโใไ")


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def clip(s: str, limit: int, ellipsis: str = "…") -> str:
    """Cut `s` to at most `limit` UTF-16 units, ending in `ellipsis` when cut, never splitting
    a surrogate pair or a Thai base letter from its marks."""
    if utf16_len(s) <= limit:
        return s
    room = limit - utf16_len(ellipsis)
    out, used = [], 0
    for ch in s:
        w = 2 if ord(ch) > 0xFFFF else 1
        if used + w > room:
            break
        out.append(ch)
        used += w
    while out and len(out) < len(s) and s[len(out)] in _MARKS:
        out.pop()   # drop the base letter whose marks did not fit
    while out and out[-1] in _LEADING:
        out.pop()   # เ แ โ ใ ไ belong to the consonant after them
    return "".join(out).rstrip() + ellipsis


def role_th(role: str | None) -> str:
    return ROLE_TH.get(role or "", role or "ผู้ใช้")


# ---- actions -------------------------------------------------------------------------------

def _check(label: str, limit: int, what: str) -> str:
    if not label or utf16_len(label) > limit:
        raise ValueError(f"{what} must be 1..{limit} characters: {label!r}")
    return label


def msg_action(label: str, text: str) -> dict:
    """Tapping sends `text` as if the user typed it (works the same as typing the keyword)."""
    return {"type": "message", "label": label, "text": _check(text, ACTION_TEXT_MAX, "message text")}


def postback_action(label: str, data: str, display_text: str | None = None) -> dict:
    if len(data.encode()) > POSTBACK_DATA_MAX:
        raise ValueError(f"postback data over {POSTBACK_DATA_MAX} bytes")
    action = {"type": "postback", "label": label, "data": data}
    if display_text:
        action["displayText"] = clip(display_text, ACTION_TEXT_MAX)
    return action


def pb(label: str, action: str, display_text: str | None = None, **params) -> dict:
    """Postback action whose data is `bot.conversation.postback.encode(action, **params)`."""
    from bot.conversation.postback import encode
    return postback_action(label, encode(action, **params), display_text)


def _iso(d: date | str | None) -> str | None:
    return d.isoformat() if isinstance(d, date) else d


def date_action(label: str, data: str, initial: date | str | None = None,
                max: date | str | None = None, min: date | str | None = None) -> dict:  # noqa: A002
    """Date picker (datetimepicker, mode=date); the chosen day comes back in postback.params.date."""
    action = {"type": "datetimepicker", "label": label, "data": data, "mode": "date"}
    for key, value in (("initial", initial), ("max", max), ("min", min)):
        if value is not None:
            action[key] = _iso(value)
    return action


def camera_action(label: str = "ถ่ายรูป") -> dict:
    return {"type": "camera", "label": label}


def camera_roll_action(label: str = "เลือกรูป") -> dict:
    return {"type": "cameraRoll", "label": label}


# ---- messages ------------------------------------------------------------------------------

def quick_reply(items: list[tuple[str, dict]]) -> dict:
    """`{"items": [...]}` from (label, action) pairs; the label overrides the action's own."""
    if not 1 <= len(items) <= QR_MAX_ITEMS:
        raise ValueError(f"quick reply needs 1..{QR_MAX_ITEMS} items, got {len(items)}")
    out = []
    for label, action in items:
        _check(label, QR_LABEL_MAX, "quick reply label")
        out.append({"type": "action", "action": {**action, "label": label}})
    return {"items": out}


def text(s: str, quick_reply: dict | None = None) -> dict:  # noqa: F811 - parameter named like LINE's field
    msg = {"type": "text", "text": clip(s.strip() or "-", TEXT_LIMIT)}
    if quick_reply:
        msg["quickReply"] = quick_reply
    return msg


def _cut_point(s: str, limit: int) -> int:
    """How many characters of `s` fit in `limit` UTF-16 units, ending on a line break or space when one is
    near, never between a surrogate pair, a Thai base letter and its marks, or a leading vowel and its letter."""
    used, n = 0, 0
    for ch in s:
        w = 2 if ord(ch) > 0xFFFF else 1
        if used + w > limit:
            break
        used += w
        n += 1
    if n >= len(s):
        return n
    while n > 1 and (s[n] in _MARKS or s[n - 1] in _LEADING):
        n -= 1
    for sep in ("\n", " "):
        at = s.rfind(sep, 0, n)
        if at > n * 3 // 4:  # a break in the last quarter: cut there rather than mid-word
            return at + 1
    return n


def split_text(s: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`s` as pieces of at most `limit` UTF-16 units (nothing lost, nothing clipped)."""
    out = []
    while utf16_len(s) > limit:
        n = _cut_point(s, limit)
        out.append(s[:n].rstrip())
        s = s[n:].lstrip("\n")
    return out + ([s] if s.strip() or not out else [])


def texts(parts: list[str], quick_reply: dict | None = None, *, max_messages: int = 5,
          more: str = "… (ยาวเกินกว่าจะส่งในครั้งเดียว ส่วนที่เหลือไม่ได้แสดง)") -> list[dict]:
    """Paragraphs packed into as few text messages as fit (each ≤ 5,000 UTF-16 units, at most `max_messages`:
    LINE's 5 per reply); the quick replies go on the last. What would not fit in `max_messages` is dropped
    with the `more` line, so a reply never breaks."""
    pieces = [p for part in parts for p in split_text(part, TEXT_LIMIT)]
    bodies: list[str] = []
    for piece in pieces:
        if bodies and utf16_len(bodies[-1]) + 2 + utf16_len(piece) <= TEXT_LIMIT:
            bodies[-1] += "\n\n" + piece
        else:
            bodies.append(piece)
    if len(bodies) > max_messages:
        bodies = bodies[:max_messages]
        bodies[-1] = clip(bodies[-1], TEXT_LIMIT - utf16_len(more) - 1, "") + "\n" + more
    msgs = [text(b) for b in bodies or ["-"]]
    if quick_reply:
        msgs[-1]["quickReply"] = quick_reply
    return msgs


def keyword_replies(*keywords: str) -> dict:
    """Quick replies that just type the given keywords."""
    return quick_reply([(k, msg_action(k, k)) for k in keywords])


# ---- everyday texts (each returns one text message) -----------------------------------------

CANCEL_WORD = "ยกเลิก"
MENU_WORD = "เมนู"
HELP_WORD = "ช่วยเหลือ"
REGISTER_WORD = "ลงทะเบียน"

DEFAULT_HELP = (
    ("เมนู", "แสดงเมนูทั้งหมด"),
    ("บันทึกความดี", "บันทึกความดีที่ทำวันนี้"),
    ("ความดีของฉัน", "ดูบันทึกความดีของตนเอง"),
    ("ความดีที่อยากทำ", "ดูปัญหาที่อยากแก้ / ความดีที่อยากทำ ของสำนัก และรายงานความคืบหน้า"),
    ("กิจกรรม", "ดูกิจกรรมและโครงการที่เปิดรับ"),
    ("อ่านหลักคุณธรรม", "คุณธรรม ๕ ประการ ประมวลจริยธรรม STRONG"),
    ("ข้อมูลส่วนตัว", "ดู/แก้ไขชื่อ ตำแหน่ง และสำนัก"),
    ("ข้อมูลของฉัน", "ดูทุกอย่างที่ระบบเก็บไว้เกี่ยวกับท่าน"),
    ("ลบข้อมูลของฉัน", "ขอลบข้อมูลส่วนบุคคล (PDPA)"),
    ("ปิดการแจ้งเตือน", "หยุดรับการแจ้งเตือนทั่วไป (\"เปิดการแจ้งเตือน\" เพื่อรับอีกครั้ง)"),
    ("ยกเลิก", "ยกเลิกรายการที่ทำค้างอยู่"),
    ("ถอดบทเรียน", "เขียนถอดบทเรียน (Best Practice) ส่งคณะกรรมการ"),
    ("แหล่งเรียนรู้", "อ่านถอดบทเรียนที่ได้รับอนุมัติ แยกตามคุณธรรม"),
    ("แบบสำรวจ ITA", "ลิงก์แบบสำรวจความคิดเห็นของบุคลากร และแจ้งว่าตอบแล้ว"),
    ("ติดตามผลคัดเลือก", "รับประกาศผลคัดเลือกผู้มีคุณธรรมจริยธรรมดีเด่น"),
)


def cancelled(kept: str | None = None, resume_word: str | None = None, how: str | None = None) -> dict:
    """`kept`: the draft the flow keeps (e.g. a round's report), said with the word that resumes it; `how`:
    what to do after typing it (a report: pick the same round again)."""
    if kept and resume_word:
        how = "แล้วเลือกรอบเดิม จะทำต่อจากข้อที่ค้างไว้" if how is None else how
        return text(f"ออกจากรายการแล้ว ร่าง{kept} ยังเก็บไว้ครบครับ 📝\n"
                    f"เมื่อพร้อม พิมพ์ \"{resume_word}\" {how}".rstrip(),
                    keyword_replies(resume_word, MENU_WORD))
    return text("ยกเลิกรายการเรียบร้อยแล้ว 👍\nพิมพ์ \"เมนู\" เพื่อเริ่มรายการใหม่ได้เลยครับ",
                keyword_replies(MENU_WORD))


def nothing_to_cancel() -> dict:
    return text("ตอนนี้ไม่มีรายการที่ทำค้างอยู่ครับ\nพิมพ์ \"เมนู\" เพื่อดูสิ่งที่ทำได้",
                keyword_replies(MENU_WORD))


def flow_expired() -> dict:
    return text("รายการที่ทำค้างไว้หมดเวลาแล้ว (เกิน 30 นาที) ระบบจึงยกเลิกให้อัตโนมัติ "
                "ข้อมูลที่ยังไม่ได้ยืนยันจะไม่ถูกบันทึก\nเริ่มใหม่ได้โดยพิมพ์ \"เมนู\" ครับ",
                keyword_replies(MENU_WORD))


def unexpected_input(expected: str = "") -> dict:
    """The user sent something this step cannot use (a sticker where text was asked for, ...); `expected`:
    the step's hint, if it has one."""
    need = f"ขั้นตอนนี้ต้องการ{expected}" if expected else "ขั้นตอนนี้ยังใช้สิ่งที่ส่งมาไม่ได้"
    return text(f"ขออภัยครับ {need}\nลองส่งใหม่อีกครั้ง หรือพิมพ์ \"ยกเลิก\" เพื่อยกเลิกรายการนี้",
                keyword_replies(CANCEL_WORD))


def not_readable() -> dict:
    """A sticker, location, photo ... that no flow is waiting for."""
    return text("ขออภัยครับ บอทยังไม่เข้าใจสิ่งที่ส่งมา\n"
                f"พิมพ์ \"{MENU_WORD}\" เพื่อดูสิ่งที่ทำได้ หรือ \"{HELP_WORD}\" เพื่อดูคำสั่งทั้งหมด",
                keyword_replies(MENU_WORD, HELP_WORD))


def bad_postback() -> dict:
    """The one answer to an old, used or forged button (the router sends it)."""
    return text("ปุ่มนี้เก่าหรือใช้ไปแล้วครับ สิ่งที่บันทึกแล้วจะไม่ถูกบันทึกซ้ำ\nพิมพ์ \"เมนู\" เพื่อเปิดเมนูล่าสุด",
                keyword_replies(MENU_WORD))


# What each role may type besides the staff list (a role sees its own words; an admin also the others').
ROLE_HELP = {
    "coordinator": (("ส่งรายงาน", "ส่งรายงานรอบของสำนัก (ร่างเก็บไว้ ทำต่อได้)"),
                    ("สถานะรายงาน", "รายงานของสำนักที่ส่งแล้ว / ค้างส่ง"),
                    ("เขียนความดีที่อยากทำ", "เขียนปัญหาที่อยากแก้ ความดีที่อยากทำ ของสำนัก"),
                    ("ความดีของสำนัก", "ภาพรวมความดีของบุคลากรในสำนัก"),
                    ("ผู้รับแจ้งเตือนแทน", "ให้ผู้อื่นรับการแจ้งเตือนรายงานแทน"),
                    ("ปิดสรุปสำนัก", "หยุดรับสรุปของสำนัก (\"เปิดสรุปสำนัก\" เพื่อรับอีกครั้ง)"),
                    ("เสนอชื่อ", "เสนอชื่อบุคลากรหรือสำนักที่มีคุณธรรมจริยธรรมดีเด่น"),
                    ("แดชบอร์ด", "ลิงก์เข้าคอนโซลบนเว็บ (เฉพาะสำนักของท่าน)")),
    "committee": (("สรุปสัปดาห์", "สรุปการมีส่วนร่วมของทุกสำนัก"),
                  ("สถานะรายงาน", "สถานะรายงานรอบของทุกสำนัก"),
                  ("สร้างกิจกรรม", "ประกาศกิจกรรมใหม่และเชิญบุคลากร"),
                  ("ผลตอบรับกิจกรรม", "ผู้ตอบรับ / เช็กอินกิจกรรมที่สร้าง"),
                  ("ผลตามแผน", "ร้อยละความสำเร็จของกิจกรรมตามแผนในรอบรายงาน"),
                  ("พิจารณา", "ถอดบทเรียนและการเสนอชื่อที่รอพิจารณา"),
                  ("ผลการคัดเลือก", "ผลการให้คะแนนการเสนอชื่อเมื่อปิดรับ"),
                  ("แดชบอร์ด", "ลิงก์เข้าคอนโซลบนเว็บ ดูภาพรวมทั้งปี")),
    "admin": (("แดชบอร์ด", "ลิงก์เข้าคอนโซลงานเลขานุการบนเว็บ"),
              ("ผู้ดูแลระบบ", "รหัสเชิญ คำขอลงทะเบียน บทบาท"),
              ("อนุมัติ", "คำขอลงทะเบียนที่รออนุมัติ"),
              ("แก้กำหนดส่ง", "แก้วันกำหนดส่งของรอบรายงาน")),
}
ROLE_HELP_ORDER = {"coordinator": ("coordinator",), "committee": ("committee",),
                   "admin": ("admin", "committee", "coordinator")}


def help_for(role: str | None) -> list[tuple[str, str]]:
    """The words a role (`bot.conversation.auth.top_role`) has beyond the staff list, each word once."""
    out, seen = [], set()
    for part in (ROLE_HELP.get(r, ()) for r in ROLE_HELP_ORDER.get(role or "", ())):
        for word, what in part:
            if word not in seen:
                seen.add(word)
                out.append((word, what))
    return out


def help_text(keywords: tuple[tuple[str, str], ...] | list[tuple[str, str]] = DEFAULT_HELP,
              role: str | None = None) -> dict:
    """List of keywords one can type (rich menus do not show on LINE for PC); with `role`, that role's own
    words follow the staff list under the role's name."""
    extra = help_for(role)
    if extra:
        lines = ["พิมพ์คำต่อไปนี้เพื่อใช้งานได้ทุกเมื่อ:", *(f"• {w} – {what}" for w, what in keywords),
                 f"\nสำหรับ{role_th(role)}:", *(f"• {w} – {what}" for w, what in extra)]
        return text("\n".join(lines), keyword_replies(MENU_WORD, *(w for w, _ in extra[:11])))
    lines = ["พิมพ์คำต่อไปนี้เพื่อใช้งานได้ทุกเมื่อ:"]
    lines += [f"• {word} – {what}" for word, what in keywords]
    # quick replies: the first words, leaving room for a parked flow's two buttons (resume / discard)
    words = [w for w, _ in keywords if utf16_len(w) <= QR_LABEL_MAX][:QR_MAX_ITEMS - 2]
    return text("\n".join(lines), keyword_replies(*words) if words else None)


def not_allowed(role_needed_th: str) -> dict:
    return text(f"ขออภัยครับ รายการนี้สำหรับ{role_needed_th}เท่านั้น\n"
                "หากคิดว่าควรมีสิทธิ์ โปรดติดต่อผู้ดูแลระบบหรือผู้ประสานงานของสำนัก")


def not_registered() -> dict:
    return text("กรุณาลงทะเบียนก่อนใช้งานครับ 🙏\n"
                "พิมพ์ \"ลงทะเบียน\" แล้วกรอกรหัสเชิญของสำนักที่ได้รับจากผู้ประสานงานของสำนัก "
                "(หรือรอผู้ดูแลระบบอนุมัติ)",
                keyword_replies(REGISTER_WORD))


def server_busy() -> dict:
    return text("ขณะนี้ระบบมีผู้ใช้งานจำนวนมาก โปรดลองใหม่อีกครั้งในอีกสักครู่ครับ 🙏")


def too_long(limit: int, got: int) -> dict:
    return text(f"ข้อความยาวเกินไปครับ ({got:,} ตัวอักษร) ส่งได้ไม่เกิน {limit:,} ตัวอักษร\n"
                "กรุณาสรุปให้สั้นลงแล้วส่งใหม่ หรือพิมพ์ \"ยกเลิก\"",
                keyword_replies(CANCEL_WORD))
