"""Thai texts and cards of best practices (ถอดบทเรียน): writing one, the committee's queue ("พิจารณา") and review,
the library (แหล่งเรียนรู้) and its XLSX. A best practice is a plain dict: id, fy, title, problem, action,
result, lessons, virtue, activity ((code, name) or None), photos (a count), status, author (None after an
erase), bureau, submitted_at, reviewed_at, review_comment, photo_url (a signed link or None)."""
from __future__ import annotations

import io

from messages_th import flex as fx
from messages_th.activities import code_th
from messages_th.common import (CANCEL_WORD, camera_action, camera_roll_action, clip, keyword_replies, msg_action,
                                pb, quick_reply, text, texts)
from messages_th.dates import thai_date, thai_datetime
from messages_th.virtues import BY_KEY, VIRTUES

# Chat words (the lead adds them to the menus and help).
BP_WORD = "ถอดบทเรียน"
LIBRARY_WORD = "แหล่งเรียนรู้"
REVIEW_WORD = "พิจารณา"
NOMINATION_REVIEW_WORD = "พิจารณาการเสนอชื่อ"  # registered by the nominations flow; offered from our queue
KEYWORDS = (BP_WORD, LIBRARY_WORD, REVIEW_WORD)
HELP = ((BP_WORD, "เขียนถอดบทเรียน (Best Practice) ส่งคณะกรรมการ (ร่างเก็บไว้ ทำต่อได้)"),
        (LIBRARY_WORD, "อ่านถอดบทเรียนที่ได้รับอนุมัติ แยกตามคุณธรรม"))
COMMITTEE_HELP = ((REVIEW_WORD, "ถอดบทเรียนและการเสนอชื่อที่รอพิจารณา"),)

DONE_WORD, SKIP_WORD, KEEP_WORD = "เสร็จ", "ข้าม", "คงเดิม"
KEPT_NAME = "ถอดบทเรียน"  # "ร่างถอดบทเรียน ยังเก็บไว้ครบ" when a writer cancels
RESUME_HOW = "จะถามต่อเฉพาะข้อที่ยังไม่ได้ตอบ"
STEPS = 8
LABELS = {"title": "ชื่อเรื่อง", "problem": "ปัญหา / สิ่งที่อยากพัฒนา", "action": "สิ่งที่ทำ", "result": "ผลที่ได้",
          "lessons": "บทเรียนที่ได้", "virtue": "คุณธรรม", "activity": "กิจกรรมตามแผน", "photos": "รูปภาพ"}
SHORT = {"title": "ชื่อเรื่อง", "problem": "ปัญหา", "action": "สิ่งที่ทำ", "result": "ผลที่ได้",
         "lessons": "บทเรียน", "virtue": "คุณธรรม", "activity": "กิจกรรม", "photos": "รูป"}
HINTS = {"title": "ชื่อเรื่อง (พิมพ์เป็นตัวอักษร ไม่เกิน 200 ตัวอักษร)",
         "problem": "ข้อความเล่าปัญหาหรือสิ่งที่อยากพัฒนา",
         "action": "ข้อความเล่าสิ่งที่ได้ทำ",
         "result": "ข้อความเล่าผลที่เกิดขึ้น",
         "lessons": "ข้อความเล่าบทเรียนที่ได้",
         "virtue": "การเลือกคุณธรรม ๑ ใน ๕ ข้อ (แตะปุ่มด้านล่าง)",
         "activity": "การเลือกกิจกรรมตามแผน (แตะปุ่ม หรือพิมพ์รหัสกิจกรรม) หรือพิมพ์ \"ข้าม\"",
         "photos": "รูปภาพ (ไม่เกิน ๓ รูป) หรือพิมพ์ \"เสร็จ\"",
         "confirm": "การแตะปุ่มบนการ์ดสรุป หรือพิมพ์ \"ยกเลิก\" (ร่างยังเก็บไว้)",
         "comment": "ความเห็นถึงผู้เขียน (พิมพ์เป็นตัวอักษร ไม่เกิน 1,000 ตัวอักษร)"}
QUESTIONS = {
    "title": ("ตั้งชื่อเรื่องสั้น ๆ ให้ผู้อ่านรู้ว่าเป็นเรื่องอะไรครับ (ไม่เกิน 200 ตัวอักษร)",
              "ลดกระดาษในงานสารบรรณด้วยระบบหนังสือเวียนออนไลน์"),
    "problem": ("ปัญหาหรือสิ่งที่อยากพัฒนาคืออะไรครับ? เกิดขึ้นกับใคร บ่อยแค่ไหน",
                "หนังสือเวียนพิมพ์แจกทุกคน เดือนละกว่า 3,000 แผ่น และมักถึงมือช้า"),
    "action": ("ได้ทำอะไรไปบ้างครับ? เล่าวิธีการและขั้นตอนให้ผู้อื่นนำไปทำตามได้",
               "ย้ายหนังสือเวียนขึ้นระบบออนไลน์ อบรมเจ้าหน้าที่ทุกฝ่าย 2 รอบ"),
    "result": ("ผลที่เกิดขึ้นเป็นอย่างไรครับ? ถ้ามีตัวเลขเทียบก่อน-หลังยิ่งดี",
               "กระดาษลดลงร้อยละ 80 หนังสือถึงทุกคนภายในวันเดียว"),
    "lessons": ("บทเรียนที่ได้คืออะไรครับ? ปัจจัยที่ทำให้สำเร็จ และข้อแนะนำสำหรับผู้ที่จะนำไปใช้",
                "ผู้บริหารเริ่มใช้ก่อน ทุกคนจึงตามง่าย ควรมีผู้ช่วยประจำฝ่ายช่วงแรก"),
}
FIELD_ORDER = ("title", "problem", "action", "result", "lessons", "virtue", "activity", "photos")


def _step_no(field: str) -> str:
    return f"({FIELD_ORDER.index(field) + 1}/{STEPS})"


def _cancel():
    return (CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))


# ---- writing --------------------------------------------------------------------------------------

def started() -> dict:
    return text("มาถอดบทเรียนกันครับ 📚 เล่าเรื่องที่ทำแล้วได้ผลดี ให้ส่วนงานอื่นนำไปใช้ได้\n"
                f"ตอบทีละข้อ {STEPS} ข้อ ระบบเก็บร่างไว้ให้ ออกไปแล้วพิมพ์ \"{BP_WORD}\" กลับมาทำต่อได้")


def resumed(title: str, returned: bool, comment: str | None) -> dict:
    name = f" \"{clip(title, 80)}\"" if title else ""
    if returned:
        note = f"\nความเห็นของคณะกรรมการ: {clip(comment or '-', 1000)}" if comment else ""
        return text(f"ถอดบทเรียน{name} ถูกส่งกลับมาให้แก้ไขครับ ✏️{note}\n"
                    "แก้ข้อที่ต้องการจากปุ่มใต้การ์ดสรุป แล้วกด \"ส่งให้คณะกรรมการพิจารณา\" อีกครั้ง")
    return text(f"มีร่างถอดบทเรียน{name} ที่ทำค้างไว้ครับ 📝 ทำต่อจากข้อที่ค้างได้เลย")


def ask_text(field: str, current: str | None = None) -> dict:
    question, example = QUESTIONS[field]
    cur = f"\n\nข้อความเดิม: {clip(current, 300)}\nพิมพ์ \"{KEEP_WORD}\" เพื่อใช้ข้อความเดิม" if current else ""
    words = ((KEEP_WORD,) if current else ()) + (CANCEL_WORD,)
    return text(f"{_step_no(field)} {question}\n💡 เช่น \"{example}\"{cur}", keyword_replies(*words))


def ask_virtue(current: str | None = None) -> dict:
    cur = f"\nเดิม: {BY_KEY[current].label}" if current in BY_KEY else ""
    items = [(v.label, pb(v.label, "bp.virtue", v.label, k=v.key)) for v in VIRTUES]
    return text(f"{_step_no('virtue')} เรื่องนี้ส่งเสริมคุณธรรมข้อใดมากที่สุดครับ? แตะเลือก ๑ ข้อ{cur}",
                quick_reply(items + [_cancel()]))


ACTIVITY_BUTTONS = 10  # + "ข้าม" + "ยกเลิก" within the 13 quick replies


def ask_activity(choices: list[tuple[int, str, str]], fy: int, current: tuple[str, str] | None = None) -> dict:
    """choices: (activity id, code, name) of this year's register (the author's bureau's first)."""
    lines = [f"{_step_no('activity')} เรื่องนี้เป็นผลของกิจกรรมตามแผนปีงบประมาณ {fy} ข้อใดครับ? "
             f"แตะเลือก หรือพิมพ์รหัสกิจกรรม ถ้าไม่เกี่ยวกับกิจกรรมใดแตะ \"{SKIP_WORD}\""]
    if current:
        lines.append(f"เดิม: {code_th(current[0])} {clip(current[1], 80)}")
    lines += [f"• {code_th(code)} {clip(name, 100)}" for _, code, name in choices[:30]]
    if len(choices) > 30:
        lines.append(f"… และอีก {len(choices) - 30} กิจกรรม (พิมพ์รหัสได้)")
    items = [(clip(code_th(code), 20), pb(clip(code_th(code), 20), "bp.activity", f"กิจกรรม {code_th(code)}", act=aid))
             for aid, code, _ in choices[:ACTIVITY_BUTTONS]]
    items.append((SKIP_WORD, pb(SKIP_WORD, "bp.activity", SKIP_WORD, act=0)))
    return text("\n".join(lines), quick_reply(items + [_cancel()]))


def no_such_activity(code: str) -> dict:
    return text(f"ไม่พบกิจกรรมรหัส \"{clip(code, 20)}\" ในทะเบียนกิจกรรมปีนี้ครับ แตะเลือกจากปุ่ม หรือพิมพ์ \"{SKIP_WORD}\"")


def ask_photos(count: int, limit: int = 3) -> dict:
    have = f" (มีแล้ว {count} รูป)" if count else ""
    items = [("📷 ถ่ายรูป", camera_action()), ("🖼 เลือกรูป", camera_roll_action()),
             (DONE_WORD, msg_action(DONE_WORD, DONE_WORD)), _cancel()]
    return text(f"{_step_no('photos')} แนบรูปประกอบได้ไม่เกิน {limit} รูป (ไม่บังคับ){have}\n"
                f"รูปแรกจะเป็นภาพหน้าปกในแหล่งเรียนรู้ ส่งครบแล้วพิมพ์ \"{DONE_WORD}\"", quick_reply(items))


def photo_added(count: int, limit: int = 3) -> dict:
    more = "ส่งเพิ่มได้ หรือ" if count < limit else "ครบแล้ว"
    return text(f"รับรูปแล้วครับ ({count}/{limit} รูป) {more}พิมพ์ \"{DONE_WORD}\"", keyword_replies(DONE_WORD))


def photos_full(limit: int = 3) -> dict:
    return text(f"มีรูปครบ {limit} รูปแล้วครับ พิมพ์ \"{DONE_WORD}\" เพื่อไปต่อ", keyword_replies(DONE_WORD))


def photo_failed() -> dict:
    return text(f"ขออภัยครับ ดึงรูปไม่สำเร็จ ลองส่งใหม่อีกครั้ง หรือพิมพ์ \"{DONE_WORD}\"", keyword_replies(DONE_WORD))


def photo_problem(code: str, limit_mb: int = 5) -> dict:
    why = {"not_image": "ไฟล์นี้ไม่ใช่รูปภาพ JPEG หรือ PNG", "too_large": f"รูปนี้ใหญ่เกิน {limit_mb} MB"}.get(
        code, "รูปนี้ใช้ไม่ได้")
    return text(f"{why} จึงไม่ได้เก็บไว้ครับ\nส่งรูปอื่นได้ หรือพิมพ์ \"{DONE_WORD}\" เพื่อไปต่อ",
                keyword_replies(DONE_WORD, CANCEL_WORD))


def too_long(limit: int, got: int) -> dict:
    return text(f"ข้อความยาวเกินไปครับ ({got:,} ตัวอักษร) ข้อนี้รับได้ไม่เกิน {limit:,} ตัวอักษร\n"
                "กรุณาสรุปให้สั้นลงแล้วส่งใหม่ หรือพิมพ์ \"ยกเลิก\" (ร่างยังเก็บไว้)", keyword_replies(CANCEL_WORD))


def _virtue_label(key: str | None) -> str:
    return BY_KEY[key].label if key in BY_KEY else "-"


def _activity_label(act) -> str:
    return f"{code_th(act[0])} {act[1]}" if act else "-"


EDIT_FIELDS = ("title", "problem", "action", "result", "lessons", "virtue", "activity", "photos")


def summary(bp: dict, has_activities: bool = True) -> dict:
    """The draft before sending, with the send button; the quick replies edit one field each (or discard)."""
    footer = [fx.button("ส่งให้คณะกรรมการพิจารณา", pb("ส่งให้คณะกรรมการ", "bp.submit", "ส่งให้คณะกรรมการพิจารณา",
                                                    id=bp["id"])),
              fx.button("อ่านฉบับเต็ม", pb("อ่านฉบับเต็ม", "bp.read", "อ่านฉบับเต็ม", id=bp["id"]), "secondary"),
              fx.button("ยกเลิก (เก็บร่างไว้)", msg_action(CANCEL_WORD, CANCEL_WORD), "link")]

    def build(n: int) -> dict:
        body = []
        if bp.get("status") == "returned" and bp.get("review_comment"):
            body += [fx.txt(f"ความเห็นของคณะกรรมการ: {clip(bp['review_comment'], n)}", "sm", color="#C62828"),
                     fx.separator()]
        body += [fx.txt(clip(bp["title"] or "-", min(n, 200)), "md", "bold")]
        body += [fx.kv_row(SHORT[f], clip(bp[f] or "-", n)) for f in ("problem", "action", "result", "lessons")]
        body += [fx.kv_row(SHORT["virtue"], _virtue_label(bp.get("virtue"))),
                 fx.kv_row(SHORT["activity"], clip(_activity_label(bp.get("activity")), 120)),
                 fx.kv_row(SHORT["photos"], f"{bp.get('photos', 0)} รูป")]
        return fx.bubble("สรุปถอดบทเรียนก่อนส่ง", body, footer)

    fields = [f for f in EDIT_FIELDS if f != "activity" or has_activities]
    items = [(f"แก้{SHORT[f]}", pb(f"แก้{SHORT[f]}", "bp.field", f"แก้{SHORT[f]}", f=f)) for f in fields]
    items.append(("🗑 ลบร่างนี้", pb("ลบร่างนี้", "bp.discard", "ลบร่างนี้", id=bp["id"])))
    return fx.flex(f"สรุปถอดบทเรียน \"{clip(bp['title'] or '-', 80)}\" ก่อนส่ง",
                   fx.fit(build, (400, 240, 160, 100, 60)), quick_reply(items))


def incomplete(fields: list[str]) -> dict:
    names = ", ".join(LABELS[f] for f in fields)
    return text(f"ยังส่งไม่ได้ครับ ยังไม่ได้ตอบ: {names}\nตอบต่อได้เลย")


def submitted(title: str, at) -> dict:
    return text(f"ส่งถอดบทเรียน \"{clip(title, 120)}\" ให้คณะกรรมการพิจารณาแล้วครับ ✅\n{thai_datetime(at)}\n"
                "เมื่อพิจารณาแล้ว ระบบจะแจ้งผลทางแชตนี้", keyword_replies(LIBRARY_WORD))


def discard_ask(title: str, bp_id: int) -> dict:
    name = f" \"{clip(title, 80)}\"" if title else ""
    return text(f"ลบร่างถอดบทเรียน{name} ใช่ไหมครับ? ลบแล้วกู้คืนไม่ได้",
                quick_reply([("🗑 ยืนยันลบ", pb("ยืนยันลบ", "bp.discard_ok", "ยืนยันลบ", id=bp_id)),
                             ("ไม่ลบ", pb("ไม่ลบ", "bp.keep", "ไม่ลบ", id=bp_id))]))


def discarded() -> dict:
    return text(f"ลบร่างถอดบทเรียนแล้วครับ เริ่มเรื่องใหม่ได้ด้วยคำว่า \"{BP_WORD}\"", keyword_replies(BP_WORD))


def kept() -> dict:
    return text(f"ไม่ได้ลบครับ ร่างยังอยู่ พิมพ์ \"{BP_WORD}\" เพื่อทำต่อ", keyword_replies(BP_WORD))


PROBLEMS = {
    "not_found": "ไม่พบถอดบทเรียนนี้ครับ (อาจถูกลบไปแล้ว หรือไม่ใช่ของท่าน)",
    "not_open": "ถอดบทเรียนนี้ส่งไปแล้วครับ แก้ไขไม่ได้ระหว่างรอพิจารณา",
    "not_submitted": "ถอดบทเรียนนี้ได้รับการพิจารณาไปแล้วครับ (หรือผู้เขียนถอนไปแล้ว) ไม่มีอะไรเปลี่ยน",
    "own": "ขออภัยครับ ท่านพิจารณาถอดบทเรียนที่ท่านเขียนเองไม่ได้ ขอให้กรรมการท่านอื่นพิจารณา",
    "empty": "ขออภัยครับ ยังไม่ได้รับข้อความ กรุณาพิมพ์ใหม่อีกครั้ง",
    "no_words": "ขอเป็นข้อความที่อ่านได้ครับ (อีโมจิหรือคำสั้น ๆ อย่างเดียวยังไม่พอ) กรุณาพิมพ์ใหม่อีกครั้ง",
    "no_activity": "ไม่พบกิจกรรมนี้ในทะเบียนกิจกรรมของปีงบประมาณนี้ครับ",
    "photos_full": "มีรูปครบ 3 รูปแล้วครับ",
}


def problem(code: str, **info) -> dict:
    if code == "too_long":
        return too_long(info.get("limit", 0), info.get("length", 0))
    return text(PROBLEMS.get(code, PROBLEMS["not_found"]), keyword_replies(BP_WORD, LIBRARY_WORD))


# ---- the committee --------------------------------------------------------------------------------

def _by(bp: dict, n: int = 100) -> str:
    """"author · bureau" (the bureau alone after the author's erase), each clipped to `n` on cards."""
    parts = [clip(x, n) for x in (bp.get("author"), bp.get("bureau")) if x]
    return " · ".join(parts) or "-"


def _queue_bubble(bp: dict, n: int) -> dict:
    body = [fx.txt(clip(bp["title"] or "-", min(n, 200)), "md", "bold", max_lines=3),
            fx.txt(_by(bp, min(n, 100)), "xs", color=fx.MUTED),
            fx.kv_row("ส่งเมื่อ", thai_date(bp["submitted_at"]) if bp.get("submitted_at") else "-"),
            fx.kv_row(SHORT["virtue"], _virtue_label(bp.get("virtue"))),
            fx.kv_row(SHORT["activity"], clip(_activity_label(bp.get("activity")), min(n, 80)))]
    body += [fx.kv_row(SHORT[f], clip(bp[f] or "-", n)) for f in ("problem", "action", "result", "lessons")]
    body.append(fx.kv_row(SHORT["photos"], f"{bp.get('photos', 0)} รูป"))
    if bp.get("review_comment"):
        body.append(fx.txt(f"ความเห็นครั้งก่อน: {clip(bp['review_comment'], n)}", "xs", color=fx.MUTED))
    footer = [fx.button("อ่านฉบับเต็ม", pb("อ่านฉบับเต็ม", "bp.read", "อ่านฉบับเต็ม", id=bp["id"]), "secondary"),
              fx.button("✅ อนุมัติเข้าแหล่งเรียนรู้", pb("อนุมัติ", "bp.approve", "อนุมัติ", id=bp["id"])),
              fx.button("↩️ ส่งกลับให้แก้ไข", pb("ส่งกลับให้แก้ไข", "bp.return", "ส่งกลับให้แก้ไข", id=bp["id"]),
                        "secondary")]
    out = fx.bubble("ถอดบทเรียนรอพิจารณา", body, footer, size="kilo")
    if bp.get("photo_url"):
        out["hero"] = _hero(bp)
    return out


def _hero(bp: dict) -> dict:
    return {"type": "image", "url": bp["photo_url"], "size": "full", "aspectRatio": "20:13", "aspectMode": "cover",
            "action": pb("อ่านฉบับเต็ม", "bp.read", "อ่านฉบับเต็ม", id=bp["id"])}


def _review_replies() -> dict:
    return quick_reply([(NOMINATION_REVIEW_WORD, msg_action(NOMINATION_REVIEW_WORD, NOMINATION_REVIEW_WORD)),
                        (LIBRARY_WORD, msg_action(LIBRARY_WORD, LIBRARY_WORD))])


def queue(rows: list[dict], total: int) -> list[dict]:
    """The committee's queue: the longest-waiting best practices as cards, and the way to the nominations."""
    if not rows:
        return [text("ตอนนี้ไม่มีถอดบทเรียนที่รอพิจารณาครับ 👍\n"
                     f"ดูการเสนอชื่อที่รอพิจารณาได้ที่ \"{NOMINATION_REVIEW_WORD}\"", _review_replies())]
    more = f" (แสดง {len(rows)} เรื่องที่รอนานที่สุด)" if total > len(rows) else ""
    head = text(f"ถอดบทเรียนรอพิจารณา {total} เรื่อง{more}\nอ่านแล้วกด \"อนุมัติ\" หรือ \"ส่งกลับให้แก้ไข\" "
                "พร้อมความเห็น ผู้เขียนจะได้รับแจ้งผลทางแชต")
    card = fx.fit(lambda n: fx.carousel([_queue_bubble(r, n) for r in rows]), (200, 120, 80, 50, 30, 15))
    return [head, fx.flex(f"ถอดบทเรียนรอพิจารณา {total} เรื่อง", card, _review_replies())]


def ask_comment(title: str) -> dict:
    return text(f"ส่งกลับ \"{clip(title, 120)}\" ให้ผู้เขียนแก้ไข\nพิมพ์ความเห็นหรือสิ่งที่อยากให้แก้ครับ "
                "(ไม่เกิน 1,000 ตัวอักษร) ผู้เขียนจะเห็นข้อความนี้", keyword_replies(CANCEL_WORD))


def approved(title: str) -> dict:
    return text(f"อนุมัติ \"{clip(title, 120)}\" เข้าแหล่งเรียนรู้แล้วครับ ✅ แจ้งผู้เขียนแล้ว",
                keyword_replies(REVIEW_WORD, LIBRARY_WORD))


def returned(title: str) -> dict:
    return text(f"ส่งกลับ \"{clip(title, 120)}\" ให้ผู้เขียนแก้ไขพร้อมความเห็นแล้วครับ ↩️",
                keyword_replies(REVIEW_WORD))


def approved_push(title: str) -> dict:
    return text(f"🎉 ถอดบทเรียน \"{clip(title, 120)}\" ของท่านได้รับอนุมัติเข้าแหล่งเรียนรู้แล้วครับ\n"
                "ขอบคุณที่แบ่งปันประสบการณ์ให้เพื่อนร่วมงาน", keyword_replies(LIBRARY_WORD))


def returned_push(title: str, comment: str) -> dict:
    return text(f"ถอดบทเรียน \"{clip(title, 120)}\" ถูกส่งกลับมาให้แก้ไขครับ ✏️\n"
                f"ความเห็นของคณะกรรมการ: {clip(comment, 1000)}\n"
                f"พิมพ์ \"{BP_WORD}\" เพื่อแก้ไขแล้วส่งอีกครั้ง", keyword_replies(BP_WORD))


# ---- the library ----------------------------------------------------------------------------------

def _library_bubble(bp: dict, n: int) -> dict:
    v = BY_KEY.get(bp.get("virtue") or "")
    body = [fx.txt(clip(bp["title"] or "-", min(n, 200)), "md", "bold", max_lines=3),
            fx.txt(_by(bp, min(n, 100)), "xs", color=fx.MUTED)]
    if bp.get("activity"):
        body.append(fx.txt(f"กิจกรรม {clip(_activity_label(bp['activity']), min(n, 80))}", "xs", color=fx.MUTED))
    body += [fx.kv_row(SHORT["result"], clip(bp["result"] or "-", n)),
             fx.kv_row(SHORT["lessons"], clip(bp["lessons"] or "-", n))]
    if bp.get("reviewed_at"):
        body.append(fx.txt(f"อนุมัติเมื่อ {thai_date(bp['reviewed_at'])}", "xxs", color=fx.MUTED))
    footer = [fx.button("อ่านต่อ", pb("อ่านต่อ", "bp.read", "อ่านต่อ", id=bp["id"]))]
    out = fx.bubble(v.label if v else "ถอดบทเรียน", body, footer, size="kilo",
                    header_color=v.color if v else fx.BRAND)
    if bp.get("photo_url"):
        out["hero"] = _hero(bp)
    return out


def _filters() -> dict:
    items = [("ทั้งหมด", pb("ทั้งหมด", "bp.library", "แหล่งเรียนรู้: ทั้งหมด"))]
    items += [(v.label, pb(v.label, "bp.library", f"แหล่งเรียนรู้: {v.name}", k=v.key)) for v in VIRTUES]
    return quick_reply(items)


def library(rows: list[dict], virtue: str | None, next_offset: int | None) -> list[dict]:
    """Approved best practices, newest first, as a carousel (the first photo on top); virtue filters below."""
    which = f"ด้าน{BY_KEY[virtue].name}" if virtue in BY_KEY else ""
    if not rows:
        return [text(f"ยังไม่มีถอดบทเรียน{which}ในแหล่งเรียนรู้ครับ\nเขียนเรื่องของท่านได้ด้วยคำว่า \"{BP_WORD}\"",
                     _filters())]

    def build(n: int) -> dict:
        bubbles = [_library_bubble(r, n) for r in rows]
        if next_offset is not None:
            params = {"o": next_offset, **({"k": virtue} if virtue else {})}
            bubbles.append(fx.bubble("ดูเพิ่ม", [fx.txt("ถอดบทเรียนที่เก่ากว่านี้", "sm")],
                                     [fx.button("ดูเพิ่ม", pb("ดูเพิ่ม", "bp.library", "ดูเพิ่ม", **params))],
                                     size="kilo"))
        return fx.carousel(bubbles)
    return [fx.flex(f"แหล่งเรียนรู้{which}: ถอดบทเรียน {len(rows)} เรื่อง", fx.fit(build, (240, 160, 100, 60, 30, 15)),
                    _filters())]


def full_text(bp: dict, photo_urls: list[str]) -> list[dict]:
    """The whole best practice (5 fields up to 8,200 characters) in at most 2 texts, then up to 3 photos:
    LINE's 5 messages a reply."""
    head = [clip(bp["title"] or "-", 200), _by(bp), f"คุณธรรม: {_virtue_label(bp.get('virtue'))}"]
    if bp.get("activity"):
        head.append(f"กิจกรรมตามแผน: {_activity_label(bp['activity'])}")
    parts = ["\n".join(head)] + [f"{LABELS[f]}:\n{bp[f] or '-'}" for f in ("problem", "action", "result", "lessons")]
    msgs = texts(parts, max_messages=2)
    images = [{"type": "image", "originalContentUrl": u, "previewImageUrl": u} for u in photo_urls[:3]]
    return msgs + images


# ---- the XLSX of the library (the CLI and the console) --------------------------------------------------

EXPORT_TITLE = "แหล่งเรียนรู้: ถอดบทเรียน (Best Practice) ที่คณะกรรมการอนุมัติแล้ว (จัดทำจากข้อมูลในระบบ)"
EXPORT_SHEET = "ถอดบทเรียน"
EXPORT_HEADERS = ("ลำดับ", "ปีงบประมาณ", "ชื่อเรื่อง", "สำนัก", "ผู้เขียน", "คุณธรรม", "กิจกรรมตามแผน",
                  "ปัญหา / สิ่งที่อยากพัฒนา", "สิ่งที่ทำ", "ผลที่ได้", "บทเรียนที่ได้", "จำนวนรูป", "วันที่ส่ง",
                  "วันที่อนุมัติ")


def export_xlsx(rows) -> bytes:
    """The approved best practices as one sheet; Thai headers, พ.ศ. dates; nothing typed becomes a formula.
    Rows are dicts, or the service's views as they come (bot.services.best_practice.export_rows): the console
    sends `export_xlsx(export_rows(s, fy))`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    wb = Workbook()
    ws = wb.active
    ws.title = EXPORT_SHEET
    ws.append([EXPORT_TITLE])
    ws.append([])
    ws.append(list(EXPORT_HEADERS))
    for n, bp in enumerate(rows, start=1):
        bp = bp if isinstance(bp, dict) else vars(bp)
        ws.append([n, bp["fy"], bp["title"], bp.get("bureau") or "", bp.get("author") or "",
                   BY_KEY[bp["virtue"]].name if bp.get("virtue") in BY_KEY else "",
                   _activity_label(bp.get("activity")) if bp.get("activity") else "",
                   bp["problem"], bp["action"], bp["result"], bp["lessons"], bp.get("photos", 0),
                   thai_datetime(bp["submitted_at"]) if bp.get("submitted_at") else "",
                   thai_datetime(bp["reviewed_at"]) if bp.get("reviewed_at") else ""])
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.data_type == "f":  # an answer typed as "=..." stays text
                cell.data_type = "s"
    for col in "CDEFGHIJK":
        ws.column_dimensions[col].width = 30
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
