"""Thai texts for the ITA internal survey drive (แบบสำรวจ ITA): the invite and reminder cards with the survey's
link and a "ตอบแล้ว" button, the card a staff member gets by typing the keyword, and the answers to a tap.

The survey is the ITA's own and anonymous: every card says that the bot sees no answer, only the tap."""
from __future__ import annotations

from datetime import datetime

from messages_th.common import clip, keyword_replies, pb, text
from messages_th.dates import thai_date, thai_datetime
from messages_th.flex import MUTED, bubble, button, carousel, fit, flex, kv_row, txt
from messages_th.limits import CAROUSEL_MAX_BUBBLES

KW_SURVEY = "แบบสำรวจ ITA"   # staff type it: the open drive's link and "ตอบแล้ว"
DONE_LABEL = "ตอบแล้ว"
OPEN_LABEL = "เปิดแบบสำรวจ"
KEYWORDS = (KW_SURVEY,)      # for the lead's menus and help lists
ANON_NOTE = ("แบบสำรวจนี้ไม่ระบุตัวตน ระบบนี้ไม่เห็นคำตอบของท่าน "
             f"บันทึกเพียงว่าท่านแตะ \"{DONE_LABEL}\" เพื่อนับจำนวนผู้ตอบของแต่ละสำนัก")


def _closes(drive) -> str:
    return thai_date(drive.closes_at)


def _body(drive, n: int, extra: list[dict] | None = None) -> list[dict]:
    return [txt(clip(drive.title, n), "md", "bold"), kv_row("ตอบได้ถึง", _closes(drive)), *(extra or []),
            txt(ANON_NOTE, "xs", color=MUTED)]


def _footer(drive, with_done: bool = True) -> list[dict]:
    out = [button(OPEN_LABEL, {"type": "uri", "uri": drive.url})]
    if with_done:
        out.append(button(DONE_LABEL, pb(DONE_LABEL, "survey.done", DONE_LABEL, id=drive.id), "secondary"))
    return out


def invite_card(drive) -> dict:
    """The invite: a title of 200 characters and a link of 500 fit one bubble whole."""
    return flex(f"ขอเชิญตอบแบบสำรวจ ITA: {drive.title} (ถึง {_closes(drive)})",
                fit(lambda n: bubble("ขอเชิญตอบแบบสำรวจ ITA", _body(drive, n, [
                    txt("ความเห็นของทุกคนช่วยให้สำนักงานพัฒนาด้านคุณธรรมและความโปร่งใส "
                        f"ตอบเสร็จแล้วแตะ \"{DONE_LABEL}\" ระบบจะไม่เตือนอีก", "sm")]), _footer(drive))))


def _left(days: int) -> str:
    return "วันนี้เป็นวันสุดท้าย" if days <= 0 else f"เหลืออีก {days} วัน"


def reminder_card(drive, days_left: int) -> dict:
    """To those who have not tapped "ตอบแล้ว"."""
    head = f"เตือนตอบแบบสำรวจ ITA ({_left(days_left)})"
    return flex(f"{head}: {drive.title}", fit(lambda n: bubble(head, _body(drive, n, [
        txt(f"หากตอบแล้ว แตะ \"{DONE_LABEL}\" ระบบจะไม่เตือนอีกครับ", "sm")]), _footer(drive))))


def drives_card(drives: list, answered: dict[int, datetime | None]) -> dict:
    """What the keyword shows: each open drive with its link; "ตอบแล้ว" while not yet tapped."""
    if not drives:
        return no_drive()

    def one(d, n):
        at = answered.get(d.id)
        extra = [txt(f"คุณแจ้งว่าตอบแล้วเมื่อ {thai_datetime(at)} ขอบคุณครับ ✅", "sm")] if at else []
        return bubble("แบบสำรวจ ITA", _body(d, n, extra), _footer(d, with_done=at is None))

    shown = drives[:CAROUSEL_MAX_BUBBLES]
    alt = "แบบสำรวจ ITA: " + ", ".join(d.title for d in shown)
    if len(shown) == 1:
        return flex(alt, fit(lambda n: one(shown[0], n)))
    return flex(alt, fit(lambda n: carousel([one(d, n) for d in shown])))


def no_drive() -> dict:
    return text("ตอนนี้ยังไม่มีแบบสำรวจ ITA ที่เปิดให้ตอบครับ เมื่อเปิดแล้วระบบจะส่งคำเชิญพร้อมลิงก์มาให้")


DONE_TH = {
    "ok": "ขอบคุณที่ตอบแบบสำรวจ ITA ครับ 🙏 บันทึกว่าคุณตอบแล้ว ระบบจะไม่เตือนอีก",
    "already": "คุณแจ้งว่าตอบแล้วก่อนหน้านี้ครับ นับไว้ครั้งเดียว ไม่ต้องแตะซ้ำ",
    "closed": "แบบสำรวจนี้ปิดรับแล้วครับ",
    "upcoming": "แบบสำรวจนี้ยังไม่เปิดให้ตอบครับ",
    "not_target": "แบบสำรวจนี้ไม่ได้เชิญสำนักของคุณครับ",
    "gone": "ไม่พบแบบสำรวจนี้แล้วครับ",
}


def done(status: str) -> dict:
    msg = DONE_TH.get(status, DONE_TH["gone"])
    return text(msg, keyword_replies(KW_SURVEY)) if status in ("closed", "gone", "not_target") else text(msg)


# ---- the digest's row (messages_th/digest.py shows it) ---------------------------------------------------

def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def rate_line(answered: int, invited: int) -> str:
    return f"ตอบแล้ว {answered:,}/{invited:,} คน ({pct(answered, invited)})"
