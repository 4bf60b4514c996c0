"""Alerts to operators by webhook or e-mail (bot/services/alerts.py): subject and text, Thai, internal ids only."""
from __future__ import annotations

from datetime import datetime

from messages_th.common import text as _text
from messages_th.dates import thai_datetime


def dead_letters(count: int, keys: list[str], reason: str) -> tuple[str, str]:
    shown = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
    return (f"[สมุดความดี] ส่งข้อความไม่สำเร็จ {count:,} รายการ",
            f"ระบบส่งข้อความถึงผู้ใช้ไม่สำเร็จและเลิกลองส่งแล้ว {count:,} รายการ (รหัส: {shown})\n"
            f"เหตุผลจาก LINE: {reason}\nดูรายละเอียดที่หน้า ระบบ ในคอนโซล หรือคำสั่ง flask --app bot outbox")


def quota(what: str, n: int, remaining: int, limit: int) -> tuple[str, str]:
    return (f"[สมุดความดี] โควตาข้อความ LINE ไม่พอ",
            f"งาน {what} ต้องส่งถึง {n:,} คน แต่โควตาเดือนนี้เหลือ {remaining:,} ข้อความ (จาก {limit:,})\n"
            "ระบบยังไม่ส่ง และจะลองใหม่รอบถัดไป: ซื้อโควตาเพิ่มใน LINE Official Account Manager หรือรอเดือนใหม่")


# -- the watch's alerts (bot/services/watch.py): words(kind, fields) for webhook/e-mail, line_message for admins --
def _at(iso: str) -> str:
    try:
        return thai_datetime(datetime.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso or "-"


def worker_silent(minutes: int, last_beat: str) -> tuple[str, str]:
    return ("[สมุดความดี] ระบบเบื้องหลัง (worker) หยุดทำงาน",
            f"worker ไม่ส่งสัญญาณชีพมา {minutes:,} นาทีแล้ว (ครั้งล่าสุด {_at(last_beat)})\n"
            "ระหว่างนี้ข้อความแจ้งเตือน การเตือนกำหนดส่ง และรายงานประจำสัปดาห์จะไม่ถูกส่ง\n"
            "ตรวจที่เครื่องแม่ข่าย: systemctl status integrity-bot-worker และ journalctl -u integrity-bot-worker")


def quota_high(threshold: int, percent: int, used: int, limit: int) -> tuple[str, str]:
    head = "หมดแล้ว" if threshold >= 100 else f"ใช้ไปแล้วเกิน {threshold}%"
    return (f"[สมุดความดี] โควตาข้อความ LINE เดือนนี้{head}",
            f"เดือนนี้ส่งไปแล้ว {used:,} จาก {limit:,} ข้อความ ({percent}%)\n"
            "การส่งถึงคนจำนวนมากจะถูกระงับเมื่อโควตาไม่พอ: ซื้อโควตาเพิ่มใน LINE Official Account Manager "
            "หรือเลื่อนการส่งที่ไม่เร่งด่วนไปเดือนถัดไป ดูประมาณการได้ที่หน้า ระบบ ในคอนโซล")


def ledger_broken(entries_checked: int, broken_seq: int | None, deed_id: int | None, reason: str) -> tuple[str, str]:
    where = f"รายการที่ {broken_seq:,}" if broken_seq is not None else "ข้อมูลความดีในตาราง"
    deed = f" (ความดีรหัส {deed_id})" if deed_id is not None else ""
    return ("[สมุดความดี] ตรวจสมุดบันทึกความดี (ledger) ไม่ผ่าน",
            f"การตรวจประจำคืนพบความไม่ตรงกันที่{where}{deed} หลังตรวจผ่าน {entries_checked:,} รายการ\n"
            f"เหตุผลจากตัวตรวจ: {reason}\n"
            "อาจมีการแก้ข้อมูลโดยตรงในฐานข้อมูล: อย่าแก้คืนเอง เก็บหลักฐาน (สำรองฐานข้อมูลไว้) แจ้งคณะกรรมการ "
            "และตรวจซ้ำด้วย flask --app bot ledger-verify")


def words(kind: str, fields: dict) -> tuple[str, str]:
    """(subject, text) of a watch alert from its kind and fields."""
    f = fields
    if kind == "worker_silent":
        return worker_silent(int(f.get("minutes") or 0), f.get("last_beat") or "")
    if kind == "quota_high":
        return quota_high(int(f["threshold"]), int(f["percent"]), int(f["used"]), int(f["limit"]))
    if kind == "ledger_broken":
        return ledger_broken(int(f.get("entries_checked") or 0), f.get("broken_seq"), f.get("deed_id"),
                             f.get("reason") or "")
    if kind == "dead_letter":
        return dead_letters(int(f.get("count") or 0), [f.get("first_key") or "-"], f.get("reason") or "")
    raise ValueError(f"no words for alert kind {kind!r}")


def line_message(kind: str, fields: dict) -> dict:
    """The admins' LINE push: the same words without the e-mail subject's tag."""
    subject, body = words(kind, fields)
    return _text("⚠️ " + subject.removeprefix("[สมุดความดี] ") + "\n" + body)
