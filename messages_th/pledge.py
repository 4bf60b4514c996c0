"""Thai texts for the pledge "ปัญหาที่อยากแก้ / ความดีที่อยากทำ": viewing, writing items, personal progress.

Items are passed as plain dicts: id, position, problem, good_deed, virtue, indicator, target.
"""
from __future__ import annotations

from datetime import date

from messages_th import flex as fx
from messages_th.common import (CANCEL_WORD, camera_action, camera_roll_action, clip, keyword_replies, msg_action, pb,
                                quick_reply, text, texts)
from messages_th.dates import thai_date
from messages_th.virtues import VIRTUES, get, name_th

# The plan's own words (its goal is "คุณธรรมเป้าหมาย"); the words this bot used before ("พันธะ...") still work
# typed, so people who learnt them are not lost.
PLEDGE = "ปัญหาที่อยากแก้ ความดีที่อยากทำ"
VIEW_WORD = "ความดีที่อยากทำ"
VIEW_ALIASES = ("ปัญหาที่อยากแก้", PLEDGE, "ปัญหาที่อยากแก้ / ความดีที่อยากทำ",
                "พันธะ", "พันธะของสำนัก", "พันธะของเรา", "รายงานพันธะ")
EDIT_WORD = "เขียนความดีที่อยากทำ"
EDIT_ALIASES = ("เขียนปัญหาที่อยากแก้", "เขียนพันธะ", "เขียนพันธะของสำนัก")
SKIP_WORD = "ข้าม"
NONE_WORD = "ไม่มี"

HINT_PROBLEM = "ข้อความ \"ปัญหาที่อยากแก้\" ของสำนัก"
HINT_GOOD_DEED = "ข้อความ \"ความดีที่อยากทำ\""
HINT_VIRTUE = "การเลือกคุณธรรมเป้าหมายจากปุ่มด้านล่าง"
HINT_INDICATOR = "ตัวชี้วัด เช่น จำนวนบุคลากรที่เข้าร่วม"
HINT_TARGET = "ค่าเป้าหมาย เช่น ร้อยละ 80 หรือพิมพ์ \"ไม่มี\""
HINT_CONFIRM = "การกดปุ่ม \"บันทึก\" หรือพิมพ์ \"ยกเลิก\""
HINT_PROGRESS = "ข้อความสั้น ๆ เล่าว่าทำอะไรไปแล้ว"
HINT_PHOTO = "รูปภาพประกอบ 1 รูป หรือพิมพ์ \"ข้าม\""


def _cancel_qr() -> dict:
    return keyword_replies(CANCEL_WORD)


FIELD_LABELS = (("problem", "ปัญหาที่อยากแก้"), ("good_deed", "ความดีที่อยากทำ"), ("indicator", "ตัวชี้วัด"),
                ("target", "ค่าเป้าหมาย"))
VIEW_PAGE = 10   # items a view shows; an 11th bubble leads on (a carousel holds 12)


def _virtue_label(key: str) -> str:
    return get(key).label if key in {v.key for v in VIRTUES} else key


def _item_rows(item: dict, n: int | None = None) -> list[dict]:
    """The item's fields; `n`: clip each to that many units (a card that must stay small), None: whole."""
    def cut(value):
        value = value or "-"
        return value if n is None else clip(value, n)
    rows = [fx.kv_row(label, cut(item.get(key))) for key, label in FIELD_LABELS[:2]]
    rows.append(fx.kv_row("คุณธรรม", _virtue_label(item["virtue"])))
    return rows + [fx.kv_row(label, cut(item.get(key))) for key, label in FIELD_LABELS[2:]]


def _clipped(item: dict, n: int) -> bool:
    return any(clip(item.get(key) or "-", n) != (item.get(key) or "-") for key, _ in FIELD_LABELS)


def pledge_view(owner: str, fy_be: int, items: list[dict], *, can_edit: bool = False,
                edit_params: dict | None = None, offset: int = 0) -> dict:
    """A carousel, one bubble per item, each with "รายงานความคืบหน้า". Paginated: `VIEW_PAGE` items from
    `offset`, then a bubble "ดูข้อถัดไป" (pledge.view o=...) when more remain, so a pledge of any length can be
    read. Fields (1,000 characters each) are clipped only as much as LINE's 50 KB carousel needs; a clipped item
    gets "อ่านข้อนี้ทั้งหมด" (pledge.item), which sends the whole item as a text (`item_full`)."""
    page = items[offset:offset + VIEW_PAGE]
    more = offset + VIEW_PAGE < len(items)

    def build(n: int) -> dict:
        bubbles = []
        for item in page:
            footer = [fx.button("รายงานความคืบหน้า", pb("รายงานความคืบหน้า", "pledge.progress", i=item["id"]))]
            if _clipped(item, n):
                footer.append(fx.button("อ่านข้อนี้ทั้งหมด", pb("อ่านข้อนี้ทั้งหมด", "pledge.item", i=item["id"]), "link"))
            if can_edit:
                footer += [fx.button("แก้ไขข้อนี้", pb("แก้ไขข้อนี้", "pledge.fix", i=item["id"]), "secondary"),
                           fx.button("ลบข้อนี้", pb("ลบข้อนี้", "pledge.remove", i=item["id"]), "secondary")]
            bubbles.append(fx.bubble(clip(f"ข้อ {item['position']} · {owner}", 60), _item_rows(item, n), footer,
                                     size="kilo"))
        if more:
            left = len(items) - offset - VIEW_PAGE
            bubbles.append(fx.bubble("ข้อถัดไป", [fx.txt(f"ยังมีอีก {left} ข้อ", "sm")],
                                     [fx.button("ดูข้อถัดไป", pb("ดูข้อถัดไป", "pledge.view", "ดูข้อถัดไป",
                                                                 o=offset + VIEW_PAGE))], size="kilo"))
        return fx.carousel(bubbles)

    qr = keyword_replies(EDIT_WORD) if can_edit else None
    span = f" ข้อ {offset + 1}–{offset + len(page)} จาก {len(items)}" if offset or more else ""
    return fx.flex(f"คุณธรรมเป้าหมาย \"{PLEDGE}\" ปีงบประมาณ {fy_be} ({owner}){span}",
                   fx.fit(build, (300, 200, 140, 100, 60)), qr)


def item_full(owner: str, item: dict) -> list[dict]:
    """A pledge item whole (3 fields of up to 1,000 characters, the target 200): usually one text, two when
    emoji make it longer than LINE's 5,000 UTF-16 units."""
    lines = [f"{PLEDGE} ข้อ {item['position']} · {clip(owner, 200)}"]
    lines += [f"\n{label}:\n{item.get(key) or '-'}" for key, label in FIELD_LABELS[:2]]
    lines.append(f"\nคุณธรรม: {_virtue_label(item['virtue'])}")
    lines += [f"\n{label}:\n{item.get(key) or '-'}" for key, label in FIELD_LABELS[2:]]
    return texts(["\n".join(lines)], keyword_replies(VIEW_WORD))


def no_pledge(owner: str, fy_be: int, can_edit: bool) -> dict:
    tail = f"\nพิมพ์ \"{EDIT_WORD}\" เพื่อเริ่มเขียนได้เลยครับ" if can_edit else "\nโปรดสอบถามผู้ประสานงานของสำนักครับ"
    return text(f"{owner} ยังไม่มี \"{PLEDGE}\" ของปีงบประมาณ {fy_be}" + tail,
                keyword_replies(EDIT_WORD) if can_edit else None)


def ask_problem(owner: str, n: int) -> dict:
    return text(f"เขียน \"{PLEDGE}\" ของ{owner} ข้อที่ {n} (1/5)\n\nปัญหาที่อยากแก้ คืออะไรครับ?\n"
                "💡 เช่น \"บุคลากรมาประชุมไม่ตรงเวลา\" หรือ \"ใช้กระดาษสิ้นเปลือง\"", _cancel_qr())


def ask_good_deed(problem: str) -> dict:
    return text(f"ปัญหา: {problem}\n\n(2/5) ความดีที่อยากทำ เพื่อแก้ปัญหานี้คืออะไรครับ?\n"
                "💡 เช่น \"ร่วมกันเข้าประชุมตรงเวลา\"", _cancel_qr())


def ask_virtue() -> dict:
    items = [(v.label, pb(v.label, "pledge.virtue", virtue=v.key)) for v in VIRTUES] + [(CANCEL_WORD,
                                                                                   msg_action(CANCEL_WORD, CANCEL_WORD))]
    return text("(3/5) ความดีนี้ส่งเสริมคุณธรรมเป้าหมายข้อใดครับ?\n💡 เลือกข้อที่ตรงที่สุดเพียงข้อเดียว",
                quick_reply(items))


def ask_indicator(virtue: str) -> dict:
    return text(f"คุณธรรม: {name_th(virtue)}\n\n(4/5) ตัวชี้วัดคืออะไรครับ?\n"
                "💡 เช่น \"จำนวนบุคลากรที่เข้าร่วมกิจกรรม\"", _cancel_qr())


def ask_target() -> dict:
    return text("(5/5) ค่าเป้าหมายของตัวชี้วัดคือเท่าไรครับ?\n💡 เช่น \"ร้อยละ 80 ของบุคลากรเข้าร่วม\" "
                "หรือพิมพ์ \"ไม่มี\"", keyword_replies(NONE_WORD, CANCEL_WORD))


def confirm_item(item: dict) -> dict:
    footer = [fx.button("บันทึก", pb("บันทึก", "pledge.save")),
              fx.button("ยกเลิก", msg_action("ยกเลิก", CANCEL_WORD), "secondary")]
    return fx.flex(f"ตรวจสอบ \"{PLEDGE}\" ก่อนบันทึก", fx.bubble("ตรวจสอบก่อนบันทึก", _item_rows(item), footer))


def ask_problem_again(n: int, item: dict) -> dict:
    return text(f"แก้ไขข้อที่ {n} (1/5): พิมพ์ทุกช่องใหม่ แล้วตรวจสอบก่อนบันทึก\n\n"
                f"ปัญหาที่อยากแก้ (เดิม: {clip(item['problem'], 300)})\nคืออะไรครับ?", _cancel_qr())


def item_updated(n: int) -> dict:
    return text(f"แก้ไขข้อที่ {n} เรียบร้อยแล้วครับ ✅", keyword_replies(VIEW_WORD))


def ask_remove(item: dict) -> dict:
    footer = [fx.button("ยืนยันลบ", pb("ยืนยันลบ", "pledge.remove_ok", i=item["id"])),
              fx.button("ไม่ลบ", pb("ไม่ลบ", "pledge.view", "ไม่ลบ"), "secondary")]
    return fx.flex(f"ลบข้อที่ {item['position']} ของ \"{PLEDGE}\" ใช่ไหม?",
                   fx.bubble(f"ลบข้อที่ {item['position']} ใช่ไหม?", _item_rows(item), footer))


def item_removed(n: int) -> dict:
    return text(f"ลบข้อที่ {n} แล้วครับ ข้อถัดไปเลื่อนขึ้นมาแทน", keyword_replies(VIEW_WORD))


def cannot_remove(progress: int) -> dict:
    return text(f"ลบข้อนี้ไม่ได้ครับ มีบุคลากรรายงานความคืบหน้าของข้อนี้แล้ว {progress} ครั้ง "
                "(นับเป็นความดีที่บันทึกไว้) แก้ไขข้อความของข้อนี้แทนได้ครับ", keyword_replies(VIEW_WORD))


def item_gone() -> dict:
    return text("ไม่พบข้อนี้แล้วครับ (อาจถูกลบไปแล้ว)", keyword_replies(VIEW_WORD))


def item_saved(n: int) -> dict:
    return text(f"บันทึกข้อที่ {n} เรียบร้อยแล้วครับ ✅\nพิมพ์ \"{EDIT_WORD}\" เพื่อเพิ่มข้อถัดไป "
                f"หรือ \"{VIEW_WORD}\" เพื่อดูทั้งหมด", keyword_replies(EDIT_WORD, VIEW_WORD))


def locked(first_due: date | None) -> dict:
    when = f"หลังวันที่ {thai_date(first_due)} " if first_due else ""
    return text(f"\"{PLEDGE}\" ของปีงบประมาณนี้ปิดการแก้ไขแล้ว{when}(กำหนดส่งรายงานรอบแรก)\n"
                "หากจำเป็นต้องแก้ไข โปรดติดต่อผู้ดูแลระบบเพื่อเปิดการแก้ไขครับ")


def no_bureau() -> dict:
    return text("บัญชีของคุณยังไม่ได้ผูกกับสำนักใดครับ โปรดติดต่อผู้ดูแลระบบ")


def ask_progress(item: dict) -> dict:
    return text(f"รายงานความคืบหน้า: {item['good_deed']}\n\nเล่าสั้น ๆ ว่าคุณทำอะไรไปแล้วครับ\n"
                "💡 เช่น \"เข้าประชุมตรงเวลาทุกครั้งในสัปดาห์นี้\"", _cancel_qr())


def ask_progress_photo() -> dict:
    items = [("ถ่ายรูป", camera_action()), ("เลือกรูป", camera_roll_action()),
             (SKIP_WORD, msg_action(SKIP_WORD, SKIP_WORD)), (CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]
    return text("มีรูปประกอบไหมครับ? ส่งรูป 1 รูป หรือพิมพ์ \"ข้าม\"", quick_reply(items))


def progress_saved(virtue: str, total: int) -> dict:
    return text(f"บันทึกความคืบหน้าเรียบร้อยแล้วครับ 🙏\nนับเป็นความดีด้าน{name_th(virtue)} 1 ครั้ง "
                f"(รายงานความคืบหน้าข้อนี้ของคุณรวม {total} ครั้ง)", keyword_replies(VIEW_WORD))


def photo_failed() -> dict:
    return text("ขออภัยครับ ดึงรูปไม่สำเร็จ ลองส่งใหม่อีกครั้ง หรือพิมพ์ \"ข้าม\"", keyword_replies(SKIP_WORD))


def photo_problem(code: str, limit_mb: int = 5) -> dict:
    """The photo was refused (not a JPEG/PNG, too big); the step stays, its buttons come with the text."""
    why = {"not_image": "ไฟล์นี้ไม่ใช่รูปภาพ JPEG หรือ PNG", "too_large": f"รูปนี้ใหญ่เกิน {limit_mb} MB"}[code]
    return text(f"{why} จึงไม่ได้แนบไว้ครับ\nส่งรูปอื่นได้ หรือพิมพ์ \"ข้าม\" เพื่อบันทึกโดยไม่มีรูป",
                ask_progress_photo()["quickReply"])


def not_your_item() -> dict:
    return text(f"ข้อนี้เป็นของสำนักอื่น จึงใช้ไม่ได้ครับ\nพิมพ์ \"{VIEW_WORD}\" เพื่อดูของสำนักคุณ",
                keyword_replies(VIEW_WORD))


ORG_OWNER = "สำนักงาน (ทั้งองค์กร)"


def owner_name(bureau_name: str | None) -> str:
    return bureau_name or ORG_OWNER
