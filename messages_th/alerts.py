"""Alerts to operators by webhook or e-mail (bot/services/alerts.py): subject and text, Thai, internal ids only."""
from __future__ import annotations


def dead_letters(count: int, keys: list[str], reason: str) -> tuple[str, str]:
    shown = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
    return (f"[สมุดความดี] ส่งข้อความไม่สำเร็จ {count:,} รายการ",
            f"ระบบส่งข้อความถึงผู้ใช้ไม่สำเร็จและเลิกลองส่งแล้ว {count:,} รายการ (รหัส: {shown})\n"
            f"เหตุผลจาก LINE: {reason}\nดูรายละเอียดที่หน้า ระบบ ในคอนโซล หรือคำสั่ง flask --app bot outbox")


def quota(what: str, n: int, remaining: int, limit: int) -> tuple[str, str]:
    return (f"[สมุดความดี] โควตาข้อความ LINE ไม่พอ",
            f"งาน {what} ต้องส่งถึง {n:,} คน แต่โควตาเดือนนี้เหลือ {remaining:,} ข้อความ (จาก {limit:,})\n"
            "ระบบยังไม่ส่ง และจะลองใหม่รอบถัดไป: ซื้อโควตาเพิ่มใน LINE Official Account Manager หรือรอเดือนใหม่")
