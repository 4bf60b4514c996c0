"""Thai texts and cards of the personal deed book, deleting a deed, and the coordinator's bureau view.
Deeds are dicts as in messages_th/deeds.py."""
from __future__ import annotations

from messages_th import flex as fx
from messages_th.common import clip, keyword_replies, pb, quick_reply, text
from messages_th.dates import thai_date
from messages_th.deeds import BOOK_WORD, RECORD_WORD, deed_rows
from messages_th.virtues import BY_KEY, VIRTUES


def delete_ask(d: dict) -> dict:
    return text(f"ลบบันทึกนี้ใช่ไหมครับ?\n{BY_KEY[d['virtue']].label} · {thai_date(d['deed_date'])}\n"
                f"{clip(d['description'], 200)}\n(การลบจะถูกเก็บเป็นประวัติในสมุดความดี)",
                quick_reply([("🗑 ยืนยันลบ", pb("ยืนยันลบ", "deed.delete_ok", "ยืนยันลบ", id=d["id"])),
                             ("ไม่ลบ", pb("ไม่ลบ", "deed.keep", "ไม่ลบ", id=d["id"]))]))


def deleted() -> dict:
    return text("ลบบันทึกเรียบร้อยแล้วครับ", keyword_replies(BOOK_WORD))


def kept() -> dict:
    return text("ไม่ได้ลบครับ บันทึกนี้ยังอยู่ในสมุดความดี 👍", keyword_replies(BOOK_WORD))


def book_summary(fy: int, totals: dict[str, int], streak: int) -> dict:
    rows = [fx.kv_row(v.label, f"{totals.get(v.key, 0):,} ครั้ง") for v in VIRTUES]
    rows += [fx.separator(), fx.kv_row("รวม", f"{sum(totals.values()):,} ครั้ง"),
             fx.kv_row("ต่อเนื่อง", f"{streak} สัปดาห์ติดต่อกัน 🔥" if streak else "เริ่มสัปดาห์นี้ได้เลย")]
    return fx.flex(f"สมุดความดีของฉัน ปีงบประมาณ {fy}: รวม {sum(totals.values())} ครั้ง",
                   fx.bubble(f"สมุดความดีของฉัน · ปีงบ {fy}", rows))


def book_empty() -> dict:
    return text("ยังไม่มีบันทึกความดีครับ เริ่มบันทึกความดีแรกได้เลย 🌱", keyword_replies(RECORD_WORD))


def _deed_bubble(d: dict) -> dict:
    """A deed; with photos (`photo_urls`, signed links) the first is the card's image and "ดูรูป" sends all."""
    footer = []
    urls = d.get("photo_urls") or []
    if urls:
        footer.append(fx.button(f"🖼 ดูรูป ({len(urls)})", pb("ดูรูป", "deed.photos", "ดูรูป", id=d["id"]),
                                "secondary"))
    if d.get("editable"):
        footer += [fx.button("✏️ แก้ไข", pb("แก้ไข", "deed.edit", "แก้ไขบันทึก", id=d["id"]), "secondary"),
                   fx.button("🗑 ลบ", pb("ลบ", "deed.delete", "ลบบันทึก", id=d["id"]), "link")]
    body = deed_rows(d) + ([fx.txt("(แก้ไขแล้ว)", "xs", color=fx.MUTED)] if d.get("edited") else [])
    out = fx.bubble(BY_KEY[d["virtue"]].label, body, footer or None, size="kilo",
                    header_color=BY_KEY[d["virtue"]].color)
    if urls:
        out["hero"] = {"type": "image", "url": urls[0], "size": "full", "aspectRatio": "20:13",
                       "aspectMode": "cover", "action": pb("ดูรูป", "deed.photos", "ดูรูป", id=d["id"])}
    return out


def photo_messages(urls: list[str]) -> list[dict]:
    """A deed's photos as image messages (at most 3 a deed, within LINE's 5 a reply)."""
    if not urls:
        return [text("บันทึกนี้ไม่มีรูปครับ")]
    return [{"type": "image", "originalContentUrl": u, "previewImageUrl": u} for u in urls[:5]]


def deeds_carousel(deeds: list[dict], next_offset: int | None) -> dict:
    bubbles = [_deed_bubble(d) for d in deeds]
    if next_offset is not None:
        bubbles.append(fx.bubble("ก่อนหน้า", [fx.txt("ดูบันทึกที่เก่ากว่านี้", "sm")],
                                 [fx.button("⏪ ดูก่อนหน้า", pb("ก่อนหน้า", "deeds.mine", "ดูก่อนหน้า", o=next_offset))],
                                 size="kilo"))
    return fx.flex(f"บันทึกความดีล่าสุด {len(deeds)} รายการ", fx.carousel(bubbles))


def bureau_view(name: str, fy: int, week: tuple[int, int, int], year: tuple[int, int, int]) -> dict:
    """week/year: (staff with ≥1 deed, registered active staff, deeds)."""
    def pct(a, b):
        return f"{a:,}/{b:,} คน ({(100 * a / b if b else 0):.0f}%)"
    rows = [fx.txt("สัปดาห์นี้", "sm", "bold"), fx.kv_row("ร่วมบันทึก", pct(week[0], week[1])),
            fx.kv_row("ความดี", f"{week[2]:,} ครั้ง"), fx.separator(),
            fx.txt(f"ปีงบประมาณ {fy}", "sm", "bold"), fx.kv_row("ร่วมบันทึก", pct(year[0], year[1])),
            fx.kv_row("ความดี", f"{year[2]:,} ครั้ง")]
    return fx.flex(f"ความดีของ{name}: สัปดาห์นี้ {week[0]}/{week[1]} คน", fx.bubble(f"ความดีของ{name}", rows))


def no_bureau() -> dict:
    return text("บัญชีของคุณยังไม่ได้ผูกกับสำนักใดครับ โปรดติดต่อผู้ดูแลระบบ")
