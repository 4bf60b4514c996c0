"""Thai texts for campaigns (กิจกรรม): the guided creation prompts, invite/reminder/check-in cards, results."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.conversation.postback import encode
from messages_th.common import CANCEL_WORD, clip, keyword_replies, msg_action, pb, quick_reply, text
from messages_th.dates import DATE_INPUT_REASONS, thai_date, thai_datetime, thai_weekday, to_bkk
from messages_th.flex import MUTED, bubble, button, carousel, fit, flex, kv_row, txt
from messages_th.limits import BUTTON_LABEL_MAX, CAROUSEL_MAX_BUBBLES as CAROUSEL_MAX
from messages_th.virtues import BY_KEY, VIRTUES

KW_CREATE = "สร้างกิจกรรม"
KW_LIST = "กิจกรรม"
KW_RESULTS = "ผลตอบรับกิจกรรม"
KW_ALL = "ทุกสำนัก"
KW_SOME = "บางสำนัก"
KW_DONE = "เสร็จ"
PICK_PER_BUBBLE = 10  # toggle buttons per card: 12 cards hold 120 bureaus, each card far under 30 KB
ANSWER_TH = {"join": "เข้าร่วม", "decline": "ไม่สะดวก"}
CLIP_LIST = 1000  # the most of a description the open-campaigns list shows


def deed_text(camp) -> str:
    return f"เข้าร่วมกิจกรรม \"{camp.title}\""


def ask_title() -> dict:
    return text("สร้างกิจกรรมใหม่ 🎯\nขั้นที่ 1/6: พิมพ์ชื่อกิจกรรม (ไม่เกิน 200 ตัวอักษร)\nพิมพ์ \"ยกเลิก\" เพื่อออก")


def ask_description() -> dict:
    return text("ขั้นที่ 2/6: พิมพ์รายละเอียดกิจกรรมสั้น ๆ (หรือพิมพ์ \"-\" ถ้าไม่มี)")


def ask_virtue() -> dict:
    """Which virtue the campaign serves: the deed each check-in records (an ethics training is สุจริต, a
    ceremony กตัญญู, not always จิตอาสา)."""
    items = [(v.label, pb(v.label, "campaign.virtue", v.label, k=v.key)) for v in VIRTUES]
    return text("ขั้นที่ 3/6: กิจกรรมนี้ส่งเสริมคุณธรรมข้อใดครับ?\n"
                "ผู้ที่เช็กอินจะได้บันทึกความดีด้านนี้ แตะเลือกได้ ๑ ข้อ",
                quick_reply(items + [(CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]))


def _example(now: datetime) -> str:
    """A week from today at 09:00, in พ.ศ.: always in the future and inside the allowed window."""
    day = to_bkk(now).date() + timedelta(days=7)
    return f"{thai_date(day)} 09:00"


def ask_when(now: datetime, latest: date | None = None) -> dict:
    """`latest`: the last day a campaign may start (end of next fiscal year); the picker stops there too."""
    start = to_bkk(now).strftime("%Y-%m-%dT%H:%M")
    action = {"type": "datetimepicker", "label": "เลือกวันเวลา", "data": encode("campaign.when"),
              "mode": "datetime", "initial": start, "min": start}
    if latest is not None:
        action["max"] = f"{latest.isoformat()}T23:59"
    return text(f"ขั้นที่ 4/6: เลือกวันและเวลาเริ่มกิจกรรม\n(หรือพิมพ์ เช่น {_example(now)})",
                quick_reply([("เลือกวันเวลา", action)]))


def bad_when(code: str, now: datetime, latest: date, typed_at: datetime | None = None) -> dict:
    """Why a typed or picked start was refused; `code` is a `bot.services.thai_dates` code."""
    example = _example(now)
    why = {
        **DATE_INPUT_REASONS,
        "past": f"{thai_datetime(typed_at)} ผ่านมาแล้ว" if typed_at else "เป็นเวลาที่ผ่านมาแล้ว",
        "too_far": (f"{thai_datetime(typed_at) if typed_at else 'วันนั้น'} เกินปีงบประมาณหน้า "
                    f"(สร้างได้ถึง {thai_date(latest)})"),
        "time_missing": "กรุณาใส่เวลาเริ่มด้วย",
        "format": "อ่านวันเวลาไม่ออก",
    }.get(code, "อ่านวันเวลาไม่ออก")
    return text(f"วันเวลาไม่ถูกต้อง: {why}\nลองเลือกใหม่ หรือพิมพ์ เช่น {example}")


def ask_place(starts_at: datetime | None = None, was_ce: bool = False) -> dict:
    """Shows the start back in พ.ศ. first (a year typed in ค.ศ. is said to be read so)."""
    said = ""
    if starts_at is not None:
        said = f"วันเวลาเริ่ม: {thai_weekday(starts_at)}ที่ {thai_datetime(starts_at)}\n"
        if was_ce:  # the year was typed in ค.ศ.: say how it was read, so a slip is caught before the invite
            said += (f"(อ่านปี {to_bkk(starts_at).year} ที่พิมพ์เป็น ค.ศ. ถ้าไม่ใช่ พิมพ์ \"ยกเลิก\" "
                     "แล้วเริ่มใหม่ครับ)\n")
        said += "\n"
    return text(said + "ขั้นที่ 5/6: พิมพ์สถานที่ หรือลิงก์ประชุมออนไลน์")


def ask_target() -> dict:
    return text("ขั้นที่ 6/6: เชิญใครบ้าง?", keyword_replies(KW_ALL, KW_SOME))


def ask_bureaus(bureaus: list[tuple[int, str]], picked: list[int] | None = None) -> dict:
    """The bureaus as toggle buttons with their Thai names (✅ picked), 10 to a card in a carousel: a quick
    reply holds only 13 items and shows no state, while a card can list 30 bureaus and show which are picked.
    Quick replies: "เสร็จ" (invite the picked ones) and "ทุกสำนัก"."""
    chosen = set(picked or ())
    pages = [bureaus[i:i + PICK_PER_BUBBLE] for i in range(0, len(bureaus), PICK_PER_BUBBLE)][:CAROUSEL_MAX] or [[]]
    cards = []
    for n, page in enumerate(pages, 1):
        buttons = [button(clip(("✅ " if bid in chosen else "⬜ ") + name, BUTTON_LABEL_MAX),
                          pb(name, "campaign.bureau", id=bid), "primary" if bid in chosen else "secondary")
                   for bid, name in page]
        title = "เลือกสำนักที่จะเชิญ" + (f" ({n}/{len(pages)})" if len(pages) > 1 else "")
        body = [txt("แตะชื่อสำนักเพื่อเลือก/ยกเลิก แล้วแตะ \"เสร็จ\"", "sm", color=MUTED)]
        cards.append(bubble(title, body, buttons or None))
    alt = f"เลือกสำนักที่จะเชิญ (เลือกแล้ว {len(chosen)} สำนัก) แล้วแตะ \"{KW_DONE}\""
    done = f"{KW_DONE} ({len(chosen)})" if chosen else KW_DONE
    return flex(alt, cards[0] if len(cards) == 1 else carousel(cards),
                quick_reply([(done, msg_action(done, KW_DONE)), (KW_ALL, msg_action(KW_ALL, KW_ALL))]))


def none_picked() -> dict:
    return text(f"ยังไม่ได้เลือกสำนักครับ แตะชื่อสำนักอย่างน้อย 1 สำนัก หรือแตะ \"{KW_ALL}\"")


def bad_bureaus(unknown: list[str]) -> dict:
    return text("ไม่พบรหัสสำนัก: " + ", ".join(unknown) + "\nแตะชื่อสำนักจากรายการด้านบน หรือพิมพ์ใหม่อีกครั้งครับ")


def _details(camp_like: dict, n: int | None = None) -> list[dict]:
    """`n`: clip the description to that many units (a list of many cards), None: whole."""
    rows = [txt(camp_like["title"], "lg", "bold"), kv_row("วันเวลา", thai_datetime(camp_like["starts_at"])),
            kv_row("สถานที่", camp_like.get("place") or "-")]
    if camp_like.get("description"):
        desc = camp_like["description"]
        rows.append(txt(desc if n is None else clip(desc, n), "sm", color=MUTED))
    return rows


def confirm_card(draft: dict, starts_at: datetime, n_staff: int, target_th: str, most: int) -> dict:
    """`most`: the campaign's push upper bound (invite, reminders, check-in prompt; campaigns.cost), which LINE
    bills; the invite alone is about a third of it."""
    virtue = BY_KEY.get(draft.get("virtue") or "volunteer")
    body = _details({**draft, "starts_at": starts_at}) + [
        kv_row("คุณธรรม", virtue.label if virtue else "-"),
        kv_row("ผู้รับเชิญ", f"{target_th} ({n_staff:,} คน)"),
        kv_row("ค่าข้อความ", f"คำเชิญ {n_staff:,} ข้อความ · สูงสุด {most:,} ข้อความ (รวมการเตือนและชวนเช็กอิน)")]
    footer = [button("ยืนยันส่งคำเชิญ", pb("ยืนยันส่งคำเชิญ", "campaign.confirm")),
              button("ยกเลิก", {"type": "message", "text": "ยกเลิก"}, "secondary")]
    return flex("ตรวจสอบกิจกรรมก่อนส่งคำเชิญ", bubble("ตรวจสอบก่อนส่ง", body, footer))


def created(camp) -> dict:
    return text(f"บันทึกกิจกรรม \"{camp.title}\" แล้ว ✅\nระบบจะส่งคำเชิญในช่วงเวลาทำการถัดไป\n"
                f"พิมพ์ \"{KW_RESULTS}\" เพื่อดูผลตอบรับ", keyword_replies(KW_RESULTS))


def _as_dict(camp) -> dict:
    return {"title": camp.title, "starts_at": camp.starts_at, "place": camp.place, "description": camp.description}


def _invite_bubble(camp, n: int | None = None) -> dict:
    footer = [button("เข้าร่วม", pb("เข้าร่วม", "campaign.answer", id=camp.id, ans="join")),
              button("ไม่สะดวก", pb("ไม่สะดวก", "campaign.answer", id=camp.id, ans="decline"), "secondary")]
    return bubble("ขอเชิญร่วมกิจกรรม", _details(_as_dict(camp), n), footer)


def invite_card(camp) -> dict:
    """The whole campaign (title 200, place 300, description 2,000 characters fit one bubble)."""
    return flex(f"ขอเชิญร่วมกิจกรรม: {camp.title} {thai_datetime(camp.starts_at)}", _invite_bubble(camp))


def reminder_card(camp, now: datetime) -> dict:
    left = camp.starts_at - now
    when = f"อีก {left.days} วัน" if left >= timedelta(days=1) else f"อีก {max(1, left.seconds // 3600)} ชั่วโมง"
    footer = [button("ไม่สะดวก", pb("ไม่สะดวก", "campaign.answer", id=camp.id, ans="decline"), "secondary")]
    return flex(f"เตือนกิจกรรม {camp.title} ({when})", bubble(f"เตือนกิจกรรม ({when})", _details(_as_dict(camp)),
                                                             footer))


def checkin_card(camp) -> dict:
    footer = [button("เช็กอินเข้าร่วม", pb("เช็กอินเข้าร่วม", "campaign.checkin", id=camp.id))]
    body = _details(_as_dict(camp)) + [txt("แตะปุ่มเพื่อบันทึกเป็นความดี (ภายใน 1 วันหลังเริ่มกิจกรรม)", "sm",
                                           color=MUTED)]
    return flex(f"เช็กอินกิจกรรม {camp.title}", bubble("เช็กอินกิจกรรม", body, footer))


def answered(camp, answer: str, changed: bool) -> dict:
    note = "" if changed else " (บันทึกไว้แล้ว)"
    if answer == "join":
        return text(f"ขอบคุณครับ บันทึกว่า \"เข้าร่วม\" กิจกรรม {camp.title} แล้ว{note} 🙌")
    return text(f"รับทราบครับ บันทึกว่า \"ไม่สะดวก\" สำหรับกิจกรรม {camp.title}{note}")


CHECKIN_TH = {
    "ok": "เช็กอินเรียบร้อย ✅ บันทึกเป็นความดีให้แล้วครับ",
    "already": "คุณเช็กอินกิจกรรมนี้ไปแล้วครับ",
    "early": "ยังไม่ถึงเวลากิจกรรม เช็กอินได้ตั้งแต่เวลาเริ่มครับ",
    "closed": "หมดเวลาเช็กอินกิจกรรมนี้แล้วครับ",
    "not_target": "กิจกรรมนี้ไม่ได้เชิญสำนักของคุณครับ",
}


CHECKIN_TH["declined"] = ("คุณตอบไว้ว่า \"ไม่สะดวก\" สำหรับกิจกรรมนี้ครับ หากได้มาร่วมจริง "
                          "แตะ \"เข้าร่วม\" ก่อน แล้วเช็กอินอีกครั้ง")


def checked_in(status: str, campaign_id: int | None = None) -> dict:
    """The check-in's outcome; a member who had declined gets the "เข้าร่วม" button to change the answer."""
    if status == "declined" and campaign_id is not None:
        return text(CHECKIN_TH[status], quick_reply([("เข้าร่วม", pb("เข้าร่วม", "campaign.answer", id=campaign_id,
                                                                     ans="join"))]))
    return text(CHECKIN_TH[status])


def not_found() -> dict:
    return text("ไม่พบกิจกรรมนี้ หรือกิจกรรมถูกยกเลิกแล้วครับ")


def list_open(camps: list) -> dict:
    if not camps:
        return text("ตอนนี้ยังไม่มีกิจกรรมที่เปิดรับครับ")
    # The 12 soonest; descriptions clipped only as much as the 50 KB carousel needs (each invitee already got
    # the whole description in the invitation card).
    return flex("กิจกรรมที่เปิดรับ", fit(lambda n: carousel([_invite_bubble(c, n) for c in camps[:12]]),
                                         (CLIP_LIST, 600, 300, 150, 60)))


def results(rows: list[tuple[str, datetime, int, int, int, int]]) -> dict:
    """rows: (title, starts_at, invited, join, decline, checked in)."""
    if not rows:
        return text("คุณยังไม่มีกิจกรรมที่สร้างไว้ครับ")
    lines = ["ผลตอบรับกิจกรรม 📋"]
    for title, at, invited, join, decline, checked in rows:
        lines.append(f"• {title} ({thai_datetime(at)})\n  เชิญ {invited:,} | เข้าร่วม {join:,} | ไม่สะดวก {decline:,}"
                     f" | ยังไม่ตอบ {max(invited - join - decline, 0):,} | เช็กอิน {checked:,}")
    return text("\n".join(lines))
