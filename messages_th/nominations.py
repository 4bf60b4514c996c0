"""Thai texts of nominations (การเสนอชื่อ): the coordinator's steps, the nominee's consent card with their record,
the committee's queue and scoring, the ranked result and the announcement with its cost shown first.

Values come in as plain numbers and dicts (bot/services/nominations.py); nothing here reads the database."""
from __future__ import annotations

from messages_th.common import (CANCEL_WORD, QR_LABEL_MAX, clip, keyword_replies, msg_action, pb, quick_reply,
                                text, texts)
from messages_th.dates import thai_date
from messages_th.flex import MUTED, TooBig, bubble, button, carousel, fit, flex, kv_row, separator, txt
from messages_th.names import person
from messages_th.virtues import VIRTUES

KW_NOMINATE = "เสนอชื่อ"
KW_REVIEW = "พิจารณาการเสนอชื่อ"
KW_RESULT = "ผลการคัดเลือก"
KW_ANNOUNCE = "ประกาศผลคัดเลือก"
KW_NEWS_ON = "ติดตามผลคัดเลือก"
KW_NEWS_OFF = "เลิกติดตามผลคัดเลือก"
KW_ALL_OFFICE = "ทั้งสำนักงาน"
KW_OPTIN = "เฉพาะผู้ติดตาม"
KEYWORDS = (KW_NOMINATE, KW_REVIEW, KW_RESULT, KW_ANNOUNCE, KW_NEWS_ON, KW_NEWS_OFF)

KIND_TH = {"person": "ข้าราชการผู้มีคุณธรรมและจริยธรรมดีเด่น", "bureau": "สำนักที่มีผลงานดีเด่น"}
KIND_SHORT = {"person": "บุคคลดีเด่น", "bureau": "สำนักดีเด่น"}
HINT_WHO = "ชื่อ (หรือบางส่วนของชื่อ) ของบุคลากรในสำนักที่จะเสนอ"
HINT_REASON = "เหตุผลตามเกณฑ์ข้อนี้ (พิมพ์เป็นข้อความ)"
HINT_POINTS = "คะแนน 1–5 (แตะปุ่ม หรือพิมพ์ตัวเลข)"
HINT_AUDIENCE = f"\"{KW_ALL_OFFICE}\" หรือ \"{KW_OPTIN}\""
CLIPS = (500, 300, 160, 80, 40, 20)


def _cancel_qr() -> dict:
    return keyword_replies(CANCEL_WORD)


def _window_label(kind: str, fy: int) -> str:
    return f"{KIND_SHORT.get(kind, kind)} {fy}"  # "บุคคลดีเด่น 2570" fits a quick reply (20)


# -- nominate ----------------------------------------------------------------------------------------------

def no_open_window() -> dict:
    return text("ตอนนี้ยังไม่เปิดรับการเสนอชื่อครับ เมื่อผู้ดูแลระบบเปิดรับ จะเสนอชื่อได้ที่คำว่า "
                f"\"{KW_NOMINATE}\"")


def pick_window(rows: list[tuple[int, str, int, object]]) -> dict:
    """rows: (window id, kind, fy, closes_on)."""
    items = [(clip(_window_label(k, fy), QR_LABEL_MAX), pb(clip(_window_label(k, fy), QR_LABEL_MAX),
                                                           "nom.window", _window_label(k, fy), w=wid))
             for wid, k, fy, _ in rows]
    lines = [f"• {KIND_TH.get(k, k)} ปีงบประมาณ {fy} (รับถึง {thai_date(c)})" for _, k, fy, c in rows]
    return text("จะเสนอชื่อประเภทใดครับ?\n" + "\n".join(lines),
                quick_reply(items + [(CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]))


def no_criteria(kind: str, fy: int) -> dict:
    return text(f"ยังไม่มีเกณฑ์การคัดเลือก{KIND_TH.get(kind, kind)} ปีงบประมาณ {fy} ครับ "
                "กรุณาแจ้งผู้ดูแลระบบให้นำเข้าเกณฑ์ก่อน")


def no_bureau() -> dict:
    return text("ท่านยังไม่ได้เป็นผู้ประสานงานของสำนักใด จึงยังเสนอชื่อไม่ได้ครับ")


def ask_who(kind: str, fy: int, closes_on) -> dict:
    return text(f"เสนอชื่อ{KIND_TH['person']} ปีงบประมาณ {fy} (รับถึง {thai_date(closes_on)})\n"
                "พิมพ์ชื่อ (หรือบางส่วนของชื่อ) ของบุคลากรในสำนักที่จะเสนอครับ", _cancel_qr())


def pick_person(people: list[tuple[int, str]], more: bool) -> dict:
    """people: (user id, name); one quick reply each (≤ 12, so "ยกเลิก" fits)."""
    items = [(clip(n or "?", QR_LABEL_MAX), pb(clip(n or "?", QR_LABEL_MAX), "nom.person", clip(n or "?", 300),
                                                u=uid)) for uid, n in people[:12]]
    extra = "\n(พบหลายคน แสดงเฉพาะบางส่วน พิมพ์ชื่อให้ละเอียดขึ้นได้)" if more else ""
    return text("เลือกผู้ที่จะเสนอชื่อครับ" + extra,
                quick_reply(items + [(CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]))


def nobody(query: str) -> dict:
    return text(f"ไม่พบบุคลากรที่ลงทะเบียนแล้วในสำนักของท่าน ที่ชื่อมีคำว่า \"{clip(query, 50)}\" ครับ\n"
                "ลองพิมพ์ใหม่ (เช่น ชื่อต้น) หรือพิมพ์ \"ยกเลิก\"", _cancel_qr())


def pick_bureau(bureaus: list[tuple[int, str]]) -> dict:
    items = [(clip(n, QR_LABEL_MAX), pb(clip(n, QR_LABEL_MAX), "nom.bureau", clip(n, 300), b=bid))
             for bid, n in bureaus[:12]]
    return text("จะเสนอสำนักใดครับ?", quick_reply(items + [(CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]))


def already_nominated(name: str) -> dict:
    return text(f"{name} ได้รับการเสนอชื่อในรอบนี้แล้ว (รอความยินยอมหรือส่งถึงคณะกรรมการแล้ว) "
                "จึงเสนอซ้ำไม่ได้ครับ")


def ask_reason(i: int, n: int, criterion: str, name: str) -> dict:
    return text(f"เหตุผลที่เสนอ {clip(name, 80)}\nเกณฑ์ข้อ {i}/{n}: {clip(criterion, 1000)}\n\n"
                "พิมพ์เหตุผลหรือผลงานตามเกณฑ์ข้อนี้ (ไม่เกิน 500 ตัวอักษร)", _cancel_qr())


def _virtue_line(evidence: dict) -> str:
    counts = evidence.get("virtues") or {}
    return " · ".join(f"{v.name} {int(counts.get(v.key, 0)):,}" for v in VIRTUES)


def evidence_rows(kind: str, evidence: dict) -> list[dict]:
    """The record attached to a nomination, as card rows (the same on the consent card and the committee's)."""
    if not evidence:
        return [txt("ไม่มีข้อมูลประกอบ", "sm", color=MUTED)]
    fy = evidence.get("fy")
    if kind == "person":
        ledger = evidence.get("ledger")
        rows = [txt(f"บันทึกความดีปีงบประมาณ {fy}", "sm", "bold"),
                txt(_virtue_line(evidence), "sm"),
                kv_row("จิตอาสา", f"{evidence.get('volunteer_hours', 0):g} ชั่วโมง"),
                kv_row("กิจกรรม", f"เช็กอินเข้าร่วม {int(evidence.get('campaigns', 0)):,} ครั้ง")]
        if ledger:
            rows.append(txt(f"หลักฐานในสมุดบัญชีความดี รายการที่ {ledger['seq']:,}\n{ledger['hash']}", "xxs",
                            color=MUTED))
        else:
            rows.append(txt("ยังไม่มีรายการในสมุดบัญชีความดี", "xs", color=MUTED))
        return rows
    pct = evidence.get("participation_pct")
    part = (f"{evidence.get('participants', 0):,}/{evidence.get('staff', 0):,} คน"
            + (f" ({pct:g}%)" if pct is not None else ""))
    return [txt(f"ผลงานของสำนัก ปีงบประมาณ {fy}", "sm", "bold"),
            kv_row("ร่วมบันทึกความดี", part),
            kv_row("ส่งรายงานตรงเวลา", f"{evidence.get('rounds_on_time', 0)} จาก {evidence.get('rounds_due', 0)} รอบ"
                   + (f" (ล่าช้า {evidence['rounds_late']})" if evidence.get("rounds_late") else "")),
            kv_row("กิจกรรมตามแผน", f"ทำแล้ว {evidence.get('activities_done', 0)} จาก "
                   f"{evidence.get('activities_planned', 0)} กิจกรรม")]


def _reason_rows(criteria: list[tuple[int, str]], reasons: dict, n: int) -> list[dict]:
    rows = []
    for pos, ctext in criteria:
        rows.append(txt(f"ข้อ {pos}. {clip(ctext, n)}", "xs", color=MUTED))
        rows.append(txt(clip(reasons.get(str(pos)) or "-", n), "sm"))
    return rows


def confirm_card(kind: str, name: str, bureau: str, criteria: list[tuple[int, str]], reasons: dict,
                 evidence: dict) -> dict:
    """What the coordinator sends: a person's goes to the nominee for consent first."""
    first = ("ระบบจะส่งให้ผู้ถูกเสนอชื่อให้ความยินยอมก่อน ข้อมูลจะถึงคณะกรรมการเมื่อเจ้าตัวยินยอมเท่านั้น"
             if kind == "person" else "ระบบจะส่งให้คณะกรรมการพิจารณาทันที")
    label = "ส่งขอความยินยอม" if kind == "person" else "ส่งให้คณะกรรมการ"

    def build(n):
        body = [txt(name, "lg", "bold"), kv_row("สำนัก", bureau), separator()] + _reason_rows(
            criteria, reasons, n) + [separator()] + evidence_rows(kind, evidence) + [txt(first, "xs", color=MUTED)]
        footer = [button(label, pb(label, "nom.send")),
                  button(CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD), "secondary")]
        return flex(f"ตรวจสอบการเสนอชื่อ {name}", bubble("ตรวจสอบก่อนส่ง", body, footer))
    return fit(build, CLIPS)


def sent_for_consent(name: str) -> dict:
    return text(f"ส่งคำขอความยินยอมถึง {name} แล้วครับ ✅\nเมื่อเจ้าตัวตอบ ระบบจะแจ้งท่าน "
                "(ถ้าไม่ยินยอม ข้อมูลจะไม่ถึงคณะกรรมการ)")


def sent_to_committee(name: str) -> dict:
    return text(f"ส่งการเสนอชื่อ {name} ให้คณะกรรมการพิจารณาแล้วครับ ✅")


def refused(code: str) -> dict:
    return text({
        "closed": "หมดเวลารับการเสนอชื่อรอบนี้แล้วครับ",
        "duplicate": "ได้รับการเสนอชื่อในรอบนี้แล้ว จึงเสนอซ้ำไม่ได้ครับ",
        "not_found": "เสนอชื่อนี้ไม่ได้ครับ (ต้องเป็นบุคลากรที่ลงทะเบียนแล้วในสำนักที่ท่านเป็นผู้ประสานงาน)",
    }.get(code, "เสนอชื่อไม่สำเร็จครับ ลองใหม่อีกครั้ง"))


# -- consent -----------------------------------------------------------------------------------------------

def consent_card(nom_id: int, kind: str, fy: int, nominator: str, criteria: list[tuple[int, str]], reasons: dict,
                 evidence: dict, closes_on) -> dict:
    """Pushed to the nominee: what will go to the committee, and the two answers."""
    def build(n):
        body = [txt(f"{nominator} เสนอชื่อท่านเป็น{KIND_TH['person']} ปีงบประมาณ {fy}", "sm", "bold"),
                txt("ก่อนส่งให้คณะกรรมการ ขอความยินยอมจากท่าน ข้อมูลที่จะแนบไปมีดังนี้", "sm"),
                separator()] + _reason_rows(criteria, reasons, n) + [separator()] + evidence_rows(
            "person", evidence) + [txt(f"ถ้าไม่ยินยอม จะไม่มีข้อมูลใดถึงคณะกรรมการ (ตอบได้ถึง {thai_date(closes_on)})",
                                       "xs", color=MUTED)]
        footer = [button("ยินยอม", pb("ยินยอม", "nom.consent", "ยินยอม", id=nom_id, ans="yes")),
                  button("ไม่ยินยอม", pb("ไม่ยินยอม", "nom.consent", "ไม่ยินยอม", id=nom_id, ans="no"), "secondary")]
        return flex("ท่านได้รับการเสนอชื่อเป็นบุคคลดีเด่น ขอความยินยอมก่อนส่งคณะกรรมการ",
                    bubble("ท่านได้รับการเสนอชื่อ", body, footer))
    return fit(build, CLIPS)


CONSENT_TH = {
    "submitted": "ขอบคุณครับ บันทึกว่าท่านยินยอมแล้ว ✅ การเสนอชื่อจะส่งถึงคณะกรรมการพิจารณา",
    "declined": "รับทราบครับ บันทึกว่าไม่ยินยอมแล้ว ข้อมูลของท่านจะไม่ถูกส่งถึงคณะกรรมการ",
    "already": "ท่านตอบคำขอนี้ไปแล้วครับ คำตอบเดิมยังคงอยู่",
    "closed": "หมดเวลารับการเสนอชื่อรอบนี้แล้ว การเสนอชื่อนี้จึงไม่ถูกส่งถึงคณะกรรมการครับ",
    "not_yours": "ไม่พบคำขอความยินยอมนี้ของท่านครับ",
}


def consent_answered(code: str) -> dict:
    return text(CONSENT_TH[code])


def told_nominator(name: str, agreed: bool) -> dict:
    if agreed:
        return text(f"{name} ยินยอมแล้วครับ ✅ การเสนอชื่อส่งถึงคณะกรรมการพิจารณาแล้ว")
    return text(f"{name} ไม่ยินยอมให้ส่งการเสนอชื่อครับ การเสนอชื่อนี้จึงไม่ถูกส่งถึงคณะกรรมการ")


# -- committee ---------------------------------------------------------------------------------------------

def empty_queue() -> dict:
    return text("ตอนนี้ไม่มีการเสนอชื่อที่รอพิจารณาครับ")


def _queue_bubble(row: dict, n: int) -> dict:
    """row: id, kind, fy, name, bureau, criteria, reasons, evidence, scored, own. The reasons in one text (each
    clipped to `n`): the scoring steps show each criterion and its reason whole."""
    reasons = "\n".join(f"ข้อ {pos}: {clip(row['reasons'].get(str(pos)) or '-', n)}" for pos, _ in row["criteria"])
    body = [txt(clip(row["name"], 100), "lg", "bold"), kv_row("สำนัก", clip(row["bureau"], 100)),
            kv_row("ประเภท", _window_label(row["kind"], row["fy"])), separator(), txt(reasons, "sm"),
            separator()] + evidence_rows(row["kind"], row["evidence"])
    if row["own"]:
        footer = None
        body.append(txt("สำนักเดียวกับท่าน: ให้คะแนนไม่ได้", "xs", color=MUTED))
    else:
        label = "แก้คะแนน" if row["scored"] else "ให้คะแนน"
        footer = [button(label, pb(label, "nom.score", id=row["id"]), "secondary" if row["scored"] else "primary")]
    header = "ให้คะแนนแล้ว" if row["scored"] else "รอให้คะแนน"
    return bubble(header, body, footer)


def queue(rows: list[dict], total: int) -> dict:
    """Up to 10 cards (the unscored first); `total`: how many are waiting in all. Long reasons are clipped
    first; with many long cards fewer are shown (the rest come once these are scored)."""
    for count in (10, 6, 3, 1):
        shown = rows[:count]
        try:
            cards = fit(lambda n: carousel([_queue_bubble(r, n) for r in shown]), (300, 160, 80, 40, 20, 10))
            break
        except TooBig:
            continue
    more = f" (แสดง {len(shown)} จาก {total})" if total > len(shown) else ""
    waiting = sum(1 for r in rows if not r["scored"] and not r["own"])
    return flex(f"การเสนอชื่อรอพิจารณา {waiting} รายการ{more}", cards)


def cannot_score(code: str) -> dict:
    return text({
        "own_bureau": "ท่านให้คะแนนผู้ถูกเสนอชื่อจากสำนักเดียวกับท่านไม่ได้ครับ เพื่อความเป็นกลาง",
        "closed": "ปิดการพิจารณารอบนี้แล้ว จึงให้คะแนนไม่ได้ครับ",
        "gone": "ไม่พบการเสนอชื่อนี้ หรือยังไม่ถึงขั้นพิจารณาครับ",
    }[code], keyword_replies(KW_REVIEW))


def ask_points(nom_id: int, i: int, n: int, name: str, criterion: str, reason: str, current: int | None) -> dict:
    now = f"\n(คะแนนเดิม {current})" if current else ""
    items = [(str(p), pb(str(p), "nom.point", str(p), id=nom_id, i=i, p=p)) for p in range(1, 6)]
    return text(f"ให้คะแนน {clip(name, 80)}\nเกณฑ์ข้อ {i}/{n}: {clip(criterion, 1000)}\n"
                f"เหตุผลที่เสนอ: {clip(reason or '-', 600)}\n\nให้คะแนน 1 (น้อย) ถึง 5 (มาก){now}",
                quick_reply(items + [(CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]))


def scored(name: str, total: int, most: int, new: bool) -> dict:
    word = "บันทึกคะแนน" if new else "แก้คะแนน"
    return text(f"{word} {clip(name, 80)} แล้วครับ ✅ รวม {total}/{most} คะแนน", keyword_replies(KW_REVIEW))


# -- result and announcement -------------------------------------------------------------------------------

def no_result() -> dict:
    return text("ยังไม่มีรอบการคัดเลือกที่ปิดรับแล้วครับ ผลจะจัดอันดับได้หลังวันปิดรับ")


def pick_result_window(rows: list[tuple[int, str, int]], action: str) -> dict:
    items = [(clip(_window_label(k, fy), QR_LABEL_MAX), pb(clip(_window_label(k, fy), QR_LABEL_MAX), action,
                                                           _window_label(k, fy), w=wid)) for wid, k, fy in rows[:12]]
    return text("เลือกรอบการคัดเลือกครับ", quick_reply(items))


def _rank_line(r) -> str:
    name = person(r.title, r.name) if r.title is not None or r.nomination.nominee_id else r.name
    where = f" ({r.bureau})" if r.nomination.nominee_id else ""
    if r.mean is None:
        return f"• {name}{where}: ยังไม่มีกรรมการให้คะแนน"
    return f"{r.rank}. {name}{where}: เฉลี่ย {r.mean:g}/{r.max_points} คะแนน จากกรรมการ {r.scorers} คน"


def result(kind: str, fy: int, ranked: list, announced: bool) -> list[dict]:
    head = f"ผลการคัดเลือก{KIND_TH.get(kind, kind)} ปีงบประมาณ {fy} 🏅"
    if not ranked:
        return [text(head + "\nไม่มีการเสนอชื่อที่ส่งถึงคณะกรรมการในรอบนี้")]
    tail = "ประกาศผลแล้ว" if announced else f"พิมพ์ \"{KW_ANNOUNCE}\" เพื่อประกาศผล"
    return texts([head] + [_rank_line(r) for r in ranked] + [tail],
                 None if announced else keyword_replies(KW_ANNOUNCE))


def announcement(kind: str, fy: int, top: list) -> dict:
    """What staff get: the top three (consenting nominees only: nobody else is ranked)."""
    medals = ("🥇", "🥈", "🥉")
    rows = [txt(f"ประกาศผลการคัดเลือก{KIND_TH.get(kind, kind)} ปีงบประมาณ {fy}", "sm", color=MUTED)]
    for r, medal in zip(top[:3], medals):
        name = person(r.title, r.name) if r.nomination.nominee_id else r.name
        rows.append(txt(f"{medal} {clip(name, 100)}", "md", "bold"))
        if r.nomination.nominee_id:
            rows.append(txt(clip(r.bureau, 200), "sm", color=MUTED))
    rows.append(txt("ขอแสดงความยินดีและขอบคุณทุกท่านที่ร่วมเป็นแบบอย่างที่ดีครับ 🙏", "sm"))
    first = clip(top[0].name, 60) if top else ""
    return flex(f"ประกาศผล{KIND_SHORT.get(kind, kind)} ปีงบ {fy}: {first}", bubble("ประกาศผลการคัดเลือก", rows))


def nothing_to_announce() -> dict:
    return text("รอบนี้ยังไม่มีผู้ได้คะแนน จึงยังประกาศผลไม่ได้ครับ")


def already_announced() -> dict:
    return text("รอบนี้ประกาศผลไปแล้วครับ ระบบจะไม่ส่งซ้ำ")


def ask_audience(n_all: int, n_optin: int) -> dict:
    return text(f"จะประกาศผลถึงใครครับ?\n• {KW_ALL_OFFICE}: {n_all:,} คน\n• {KW_OPTIN} "
                f"(ผู้ที่พิมพ์ \"{KW_NEWS_ON}\" ไว้): {n_optin:,} คน",
                keyword_replies(KW_ALL_OFFICE, KW_OPTIN, CANCEL_WORD))


def nobody_to_tell() -> dict:
    return text("ยังไม่มีผู้รับในกลุ่มนี้ครับ เลือกกลุ่มอื่น หรือพิมพ์ \"ยกเลิก\"",
                keyword_replies(KW_ALL_OFFICE, KW_OPTIN, CANCEL_WORD))


def announce_confirm(window_id: int, who: str, n: int, quota_left: int | None, preview: dict) -> list[dict]:
    """The cost first (one push message per recipient), then the card they will get."""
    left = (f"\nโควตาข้อความที่เหลือเดือนนี้ประมาณ {quota_left:,} ข้อความ" if quota_left is not None
            else "\n(ยังไม่ทราบโควตาที่เหลือเดือนนี้ ดูได้ที่หน้า ระบบ ของคอนโซล)")
    cost = text(f"ค่าใช้จ่าย: ส่งถึง {who} {n:,} คน ใช้โควตาข้อความ LINE {n:,} ข้อความ{left}\n"
                "ตัวอย่างข้อความที่จะส่งอยู่ด้านล่าง ส่งในเวลาทำการถัดไป",
                quick_reply([("ยืนยันประกาศผล", pb("ยืนยันประกาศผล", "nom.announce", "ยืนยันประกาศผล", w=window_id)),
                             (CANCEL_WORD, msg_action(CANCEL_WORD, CANCEL_WORD))]))
    return [cost, preview]


def announced(n: int) -> dict:
    return text(f"บันทึกการประกาศผลแล้วครับ ✅ ระบบจะส่งถึง {n:,} คนในเวลาทำการถัดไป")


def news(on: bool, changed: bool) -> dict:
    if on:
        return text("รับทราบครับ ท่านจะได้รับประกาศผลการคัดเลือกบุคคลและสำนักดีเด่น"
                    + ("" if changed else " (ติดตามไว้แล้ว)") + f"\nเลิกได้โดยพิมพ์ \"{KW_NEWS_OFF}\"")
    return text("เลิกติดตามประกาศผลการคัดเลือกแล้วครับ" + ("" if changed else " (ไม่ได้ติดตามไว้)")
                + "\nถ้าคณะกรรมการเลือกประกาศถึงทั้งสำนักงาน ท่านจะยังได้รับครับ")
