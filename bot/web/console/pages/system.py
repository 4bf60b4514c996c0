"""Console page: ระบบ (admin only). Is the worker alive, what waits in the outbox (dead letters: retry or
discard), LINE's quota and this month's forecast, the last webhook and the inbox backlog, and the audit log.
Numbers come from bot/services/ops_status.py, the outbox actions from bot/services/outbox_admin.py."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import Blueprint, abort, current_app, flash, render_template, request

from bot.services import ops_status, outbox_admin
from bot.web.console.guard import back, db, now, viewer
from messages_th.dates import thai_date, thai_datetime
from messages_th.names import person

bp = Blueprint("system", __name__, url_prefix="/system")

STATUS_TH = {"pending": "รอส่ง", "sending": "กำลังส่ง", "sent": "ส่งแล้ว", "dead": "ส่งไม่สำเร็จ",
             "discarded": "ยกเลิกแล้ว"}
CATEGORY_TH = {"push": "ข้อความถึงรายบุคคล", "multicast": "ข้อความถึงหลายคน", "reminder": "เตือนกำหนดส่ง",
               "digest": "สรุปประจำสัปดาห์", "alert": "แจ้งเตือนผู้ดูแลระบบ", "reply-fallback": "คำตอบที่ส่งแทนการตอบกลับ"}
ACTION_TH = {
    "holiday.add": "เพิ่มวันหยุด", "holiday.rename": "แก้ชื่อวันหยุด", "holiday.remove": "ลบวันหยุด",
    "outbox.retry": "ส่งข้อความที่ค้างอีกครั้ง", "outbox.discard": "ยกเลิกข้อความที่ส่งไม่สำเร็จ",
    "round.open_fy": "เปิดรอบรายงานปีงบประมาณ", "round.edit": "แก้ไขรอบรายงาน", "round.remind": "ส่งเตือนรอบรายงาน",
    "report.save": "บันทึกรายงาน", "report.submit": "ส่งรายงาน",
    "bureau.add": "เพิ่มสำนัก", "bureau.rename": "เปลี่ยนชื่อสำนัก", "bureau.activate": "เปิดใช้สำนัก",
    "bureau.deactivate": "ปิดใช้สำนัก", "role.grant": "ให้บทบาท", "role.revoke": "ถอนบทบาท",
    "invite.create": "สร้างรหัสเชิญ", "invite.revoke": "ยกเลิกรหัสเชิญ",
    "registration.approve": "อนุมัติการลงทะเบียน", "registration.refuse": "ไม่อนุมัติการลงทะเบียน",
}
TARGET_TH = {"holiday": "วันหยุด", "outbox": "ข้อความในคิว", "round": "รอบรายงาน", "report": "รายงาน",
             "bureau": "สำนัก", "user": "ผู้ใช้", "invite": "รหัสเชิญ", "registration": "การลงทะเบียน",
             "campaign": "กิจกรรม", "pledge": "ปัญหาที่อยากแก้/ความดีที่อยากทำ", "fy": "ปีงบประมาณ"}
FIELD_TH = {"day": "วันที่", "name": "ชื่อ", "status": "สถานะ", "attempts": "จำนวนครั้งที่ส่ง",
            "next_attempt_at": "ส่งครั้งถัดไป", "title": "ชื่อเรื่อง", "due_date": "กำหนดส่ง", "role": "บทบาท",
            "bureau_id": "สำนัก", "code": "รหัส", "active": "เปิดใช้"}
ERASED = "ผู้ใช้ที่ลบข้อมูลแล้ว"
CLI = "คำสั่งบนเซิร์ฟเวอร์ (flask)"
REFUSALS = {"not_dead": "ข้อความนี้ไม่ได้อยู่ในสถานะส่งไม่สำเร็จแล้ว (อาจมีผู้จัดการไปก่อน) จึงไม่ได้เปลี่ยนแปลง",
            "empty": "ข้อความนี้ไม่มีผู้รับหรือเนื้อหาเหลืออยู่ (ลบตามคำขอลบข้อมูลส่วนบุคคล) จึงส่งอีกไม่ได้ "
                     "เลือก \"ยกเลิก\" แทน"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")


def _page_arg(name: str = "page") -> int:
    try:
        return max(int(request.args.get(name, 1)), 1)
    except ValueError:
        return 1


def _ago(minutes: int | None) -> str:
    if minutes is None:
        return ""
    if minutes < 1:
        return "เมื่อสักครู่"
    if minutes < 60:
        return f"{minutes} นาทีที่แล้ว"
    if minutes < 48 * 60:
        return f"{minutes // 60} ชั่วโมงที่แล้ว"
    return f"{minutes // 1440} วันที่แล้ว"


def _value(key: str, value) -> str:
    if value is None or value == "":
        return "–"
    if key == "status" and value in STATUS_TH:
        return STATUS_TH[value]
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return thai_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and "T" in value[:11]:
        try:
            return thai_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_value(key, v) for v in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{FIELD_TH.get(k, k)}: {_value(k, v)}" for k, v in value.items())
    return str(value)


def _changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(field, before, after) in Thai; a field that did not change is left out."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(FIELD_TH.get(k, k), _value(k, before.get(k)) if k in before else "–",
             _value(k, after.get(k)) if k in after else "–")
            for k in keys if before.get(k) != after.get(k) or k not in before or k not in after]


def _target(target: str) -> str:
    kind, _, ref = target.partition(":")
    label = TARGET_TH.get(kind)
    if label is None:
        return target
    if _ISO_DAY.match(ref):
        return f"{label} {_value('day', ref)}"
    return f"{label} #{ref}" if ref else label


def _actor(row: ops_status.AuditRow) -> str:
    if row.actor_id is None:
        return CLI
    if row.actor is None or row.actor.erased:
        return ERASED
    return person(row.actor.title, row.actor.full_name)


def _quota():
    """LINE's numbers, asked at most every few minutes and never inside a database transaction."""
    with db() as s:
        reading = ops_status.cached_quota(s, now())
    if reading is None:
        reading = ops_status.ask_line(current_app.extensions["bot"].gateway, now())
        with db() as s:
            ops_status.keep_quota(s, reading)
    with db() as s:
        return ops_status.quota_status(s, viewer(), reading, now())


@bp.get("/")
def index():
    with db() as s:
        view = ops_status.overview(s, viewer(), now())  # admin check before LINE is asked anything
        dead = ops_status.dead_letters(s, viewer(), _page_arg())
    quota = _quota()
    return render_template("console/system.html", title="ระบบ", view=view, dead=dead, quota=quota,
                           ago=_ago(view.heartbeat.minutes_ago), status_th=STATUS_TH, category_th=CATEGORY_TH,
                           stale_minutes=int(ops_status.HEARTBEAT_STALE.total_seconds() // 60))


@bp.get("/audit")
def audit():
    with db() as s:
        log = ops_status.audit_log(s, viewer(), _page_arg())
    rows = [{"at": r.at, "who": _actor(r), "action": ACTION_TH.get(r.action, r.action), "target": _target(r.target),
             "changes": _changes(r.before, r.after)} for r in log.rows]
    return render_template("console/system_audit.html", title="บันทึกการแก้ไข", log=log, rows=rows)


def _act(row_id: int, action):
    """Run a dead-letter action; (row's next send time or None) on success, a redirect on a refusal."""
    try:
        with db() as s:
            row = action(s, viewer(), row_id, now())
            if row is None:
                abort(404)
            return row.next_attempt_at, None
    except outbox_admin.OutboxAdminError as err:
        flash(REFUSALS[err.code], "error")
        return None, back("console.system.index")


@bp.post("/outbox/<int:row_id>/retry")
def retry(row_id: int):
    due, refused = _act(row_id, outbox_admin.retry)
    if refused:
        return refused
    when = "ภายในไม่กี่วินาที" if due <= now() else f"เมื่อพ้นช่วงงดส่ง ({thai_datetime(due)})"
    flash(f"นำข้อความ #{row_id} กลับเข้าคิวแล้ว ระบบจะส่ง{when}")
    return back("console.system.index")


@bp.post("/outbox/<int:row_id>/discard")
def discard(row_id: int):
    _, refused = _act(row_id, outbox_admin.discard)
    if refused:
        return refused
    flash(f"ยกเลิกข้อความ #{row_id} แล้ว ระบบจะไม่ส่งข้อความนี้ (ยังเก็บบันทึกไว้)")
    return back("console.system.index")
