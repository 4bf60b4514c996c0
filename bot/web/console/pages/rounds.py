"""Console page: รอบรายงาน. A fiscal year's rounds with each bureau's status; open a year from the plan's
pattern; a round's title and due date (พ.ศ., a weekend or holiday flagged); each bureau's report read or
edited; "remind now" (preview with the push cost, then confirm; through the outbox); the round's XLSX.
Routes only: the rules are bot/services/console_rounds.py's."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, render_template, request, send_file
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from bot.line.outbox import enqueue
from bot.services import console_rounds as rule
from bot.services.console_access import require_admin, require_edit_bureau
from bot.web.console.fields import ThaiDateField, between
from bot.web.console.guard import back, db, now, requested_fy, viewer
from messages_th.activities import code_th
from messages_th.dates import thai_date, thai_datetime
from messages_th.export_xlsx import workbook
from messages_th.reminders import deadline_card
from messages_th.reports import ACTIVITY_STATUS_TH
from messages_th.rounds import STATUS_TH

bp = Blueprint("rounds", __name__, url_prefix="/rounds")

STATUS_ORDER = ("submitted", "late", "draft", "not_started", "overdue")
STATUS_BADGE = {"submitted": "sent", "late": "late", "overdue": "overdue", "draft": "draft", "not_started": ""}
# an activity's questions, as the chat asks them (messages_th/reports.py)
ACTIVITY_FIELDS_TH = (("status", "สถานะ", "status"), ("done", "สิ่งที่ดำเนินการ", "text"),
                      ("result_value", "ผลตามตัวชี้วัด (ตัวเลข)", "number"), ("result", "ผลการดำเนินงาน", "text"),
                      ("participants", "ผู้เข้าร่วม (คน)", "number"), ("budget_spent", "งบประมาณที่ใช้ (บาท)", "number"),
                      ("problems", "ปัญหาอุปสรรค", "text"))
FIELD_TH = {"done": "สิ่งที่ได้ดำเนินการ", "result": "ผลการดำเนินการ", "problems": "ปัญหา / อุปสรรค"}


def flag_th(flag) -> str | None:
    if flag is None:
        return None
    if flag.kind == "holiday":
        return f"ตรงกับวันหยุด ({flag.name}) ระบบจะเตือนล่วงหน้าในวันทำการก่อนหน้า"
    return "ตรงกับวันเสาร์หรืออาทิตย์ ระบบจะเตือนล่วงหน้าในวันทำการก่อนหน้า"


class OpenYearForm(FlaskForm):
    fy = IntegerField("ปีงบประมาณ", [InputRequired("กรุณาเลือกปีงบประมาณ")])


class EditForm(FlaskForm):
    title = StringField("ชื่อรอบ", [DataRequired("กรุณาพิมพ์ชื่อรอบ"),
                                   Length(max=rule.TITLE_LIMIT, message=f"ชื่อรอบยาวเกิน {rule.TITLE_LIMIT} ตัวอักษร")],
                        filters=[lambda v: " ".join(v.split()) if v else v])
    due = ThaiDateField("กำหนดส่ง (พ.ศ.)", [InputRequired("กรุณาพิมพ์วันกำหนดส่ง เช่น 20 มี.ค. 2570")])


class RemindForm(FlaskForm):
    expected = HiddenField()


@bp.errorhandler(404)
@bp.errorhandler(rule.NotFound)
def _missing(_err):
    return render_template("console/rounds_missing.html", title="ไม่พบข้อมูล"), 404



def _round(s, code: str):
    try:
        return rule.get_round(s, viewer(), code)
    except rule.NotFound:
        abort(404)


# ---- the year -----------------------------------------------------------------------------------

@bp.get("/")
def index():
    fy = requested_fy()
    with db() as s:
        year = rule.year_view(s, viewer(), fy, now())
        rows = [{"code": r.round.code, "title": r.round.title, "exists": r.exists, "start": r.round.period_start,
                 "end": r.round.period_end, "due": r.round.due_date, "flag": flag_th(r.flag),
                 "counts": [(st, STATUS_TH[st], r.counts[st], STATUS_BADGE[st]) for st in STATUS_ORDER
                            if r.counts.get(st)],
                 "mine": [(STATUS_TH[st], STATUS_BADGE[st]) for st in r.mine.values()]} for r in year.rows]
        mine = viewer().bureau_ids
    return render_template("console/rounds.html", title="รอบรายงาน", year=year, rows=rows, status_th=STATUS_TH,
                           badge=STATUS_BADGE, open_form=OpenYearForm(formdata=None, fy=fy),
                           single_bureau=next(iter(mine)) if len(mine) == 1 else None)


@bp.post("/open")
def open_year():
    require_admin(viewer())
    form = OpenYearForm()
    if not form.validate():
        flash("กรุณาเลือกปีงบประมาณที่จะเปิด", "error")
        return back("console.rounds.index")
    try:
        with db() as s:
            opened = rule.open_year(s, viewer(), form.fy.data, now())
    except ValueError:
        flash("เปิดได้เฉพาะปีงบประมาณปีก่อน ปีนี้ และปีหน้าเท่านั้น", "error")
        return back("console.rounds.index")
    if opened:
        flash(f"เปิดรอบรายงานปีงบประมาณ พ.ศ. {form.fy.data} แล้ว {len(opened)} รอบ ตามแผน "
              "(ข้อมูลปัญหาที่อยากแก้ของปีก่อน ระบบจะคัดลอกให้แต่ละสำนักในวันที่ 1 ต.ค.)")
    else:
        flash(f"ปีงบประมาณ พ.ศ. {form.fy.data} มีรอบรายงานครบแล้ว ไม่ได้เพิ่มรอบใหม่", "warning")
    return back("console.rounds.index", fy=form.fy.data)


# ---- one round --------------------------------------------------------------------------------

@bp.get("/<code>")
def detail(code: str):
    with db() as s:
        rnd, bureaus = rule.round_view(s, viewer(), code, now())
        flag = flag_th(rule.due_flag(s, rnd.due_date))
        rows = [{"id": b.bureau.id, "code": b.bureau.code, "name": b.bureau.name, "status": b.status,
                 "status_th": STATUS_TH[b.status], "badge": STATUS_BADGE[b.status], "version": b.version,
                 "submitted_at": b.submitted_at} for b in bureaus]
    return render_template("console/rounds_detail.html", title=rnd.title, rnd=rnd, rows=rows, flag=flag)


def _edit_page(rnd, form, status=200):
    return render_template("console/rounds_edit.html", title=f"แก้ไข {rnd.title}", rnd=rnd, form=form,
                           earliest=rule.due_limits(rnd)[0], latest=rule.due_limits(rnd)[1]), status


@bp.get("/<code>/edit")
def edit(code: str):
    require_admin(viewer())
    with db() as s:
        rnd = _round(s, code)
        form = EditForm(formdata=None, title=rnd.title, due=rnd.due_date)
        return _edit_page(rnd, form)


@bp.post("/<code>/edit")
def save(code: str):
    require_admin(viewer())
    with db() as s:
        rnd = _round(s, code)
        form = EditForm()
        earliest, latest = rule.due_limits(rnd)
        form.due.validators = [*form.due.validators, between(earliest, latest)]
        if not form.validate():
            return _edit_page(rnd, form, 400)
        rnd, flag = rule.edit_round(s, viewer(), code, form.title.data, form.due.data, now())
        title, due = rnd.title, rnd.due_date
    flash(f"บันทึกแล้ว: {title} กำหนดส่ง {thai_date(due)}")
    if flag is not None:
        flash(f"โปรดทราบ: วันกำหนดส่ง {thai_date(due)} {flag_th(flag)}", "warning")
    return back("console.rounds.index", fy=rnd.fy)


# ---- a bureau's report ------------------------------------------------------------------------

def _report_page(code, bureau_id, typed=None, errors=None, status=200):
    with db() as s:
        try:
            view = rule.report_view(s, viewer(), code, bureau_id, now())
        except rule.NotFound:
            abort(404)
        page = render_template("console/rounds_report.html", title=f"{view.round.title} · {view.bureau.name}",
                               v=view, typed=typed or {}, errors=errors or {}, field_th=FIELD_TH,
                               activity_fields=ACTIVITY_FIELDS_TH, activity_status_th=ACTIVITY_STATUS_TH,
                               code_th=code_th,
                               status_th=STATUS_TH, badge=STATUS_BADGE, limit=rule.ANSWER_LIMIT)
    return page, status


@bp.get("/<code>/bureau/<int:bureau_id>")
def report(code: str, bureau_id: int):
    return _report_page(code, bureau_id)


@bp.post("/<code>/bureau/<int:bureau_id>")
def report_save(code: str, bureau_id: int):
    require_edit_bureau(viewer(), bureau_id)
    answers: dict[str, dict] = {}
    errors: dict[str, str] = {}
    for name, value in request.form.items():
        field, _, item = name.partition("-")
        if field in rule.FORM_FIELDS and item:
            answers.setdefault(item, {})[field] = value
            if len(value.strip()) > rule.ANSWER_LIMIT:
                errors[name] = f"ยาวเกิน {rule.ANSWER_LIMIT:,} ตัวอักษร กรุณาย่อให้สั้นลง"
    if errors:
        return _report_page(code, bureau_id, answers, errors, 400)
    send = request.form.get("action") == "submit"
    try:
        with db() as s:
            report = rule.save_report(s, viewer(), code, bureau_id, answers, now(), send=send)
    except rule.NotFound:
        abort(404)
    except rule.ReportInputError as err:
        why = {"number": "ต้องเป็นตัวเลข (จำนวนคนเป็นจำนวนเต็ม)", "negative": "ต้องไม่ติดลบ", "status": "กรุณาเลือกสถานะ"}
        return _report_page(code, bureau_id, answers, {k: why.get(v, why["number"]) for k, v in err.problems.items()},
                            400)
    except rule.AlreadySubmitted:
        flash("รายงานนี้ส่งแล้ว แก้ไขในหน้านี้ไม่ได้ หากต้องการส่งฉบับแก้ไข ให้เริ่มจาก LINE (ส่งรายงาน)", "error")
        return back("console.rounds.report", code=code, bureau_id=bureau_id)
    except ValueError:
        flash("สำนักนี้ยังไม่มีรายการปัญหาที่อยากแก้ / ความดีที่อยากทำ จึงยังรายงานไม่ได้", "error")
        return back("console.rounds.report", code=code, bureau_id=bureau_id)
    if isinstance(report, rule.Incomplete):
        flash("บันทึกร่างแล้ว แต่ยังส่งไม่ได้: ต้องตอบให้ครบทุกข้อ (สถานะของกิจกรรมตามแผน และสิ่งที่ดำเนินการของแต่ละข้อ) "
              f"ที่ยังขาด: {', '.join(report.positions)}", "error")
    elif report is None:
        flash("บันทึกร่างแล้ว ยังไม่ได้ส่ง")
    else:
        late = " (บันทึกว่าส่งล่าช้า)" if report.late else ""
        flash(f"ส่งรายงานแล้ว ฉบับที่ {report.version} เมื่อ {thai_datetime(report.submitted_at)}{late}")
    return back("console.rounds.report", code=code, bureau_id=bureau_id)


# ---- remind now --------------------------------------------------------------------------------

def _remind_page(code, note=None, status=200):
    with db() as s:
        try:
            plan = rule.reminder_plan(s, viewer(), code, now())
        except rule.NotFound:
            abort(404)
        rows = [{"code": t.code, "name": t.name, "status_th": STATUS_TH[t.status], "badge": STATUS_BADGE[t.status],
                 "n": len(t.recipients)} for t in plan.targets]
        held = plan.not_before > now()
        page = render_template("console/rounds_remind.html", title=f"ส่งการแจ้งเตือน · {plan.round.title}",
                               plan=plan, rows=rows, held=held, note=note,
                               form=RemindForm(formdata=None, expected=str(plan.recipients)))
    return page, status


@bp.get("/<code>/remind")
def remind(code: str):
    require_admin(viewer())
    return _remind_page(code)


@bp.post("/<code>/remind")
def remind_send(code: str):
    require_admin(viewer())
    form = RemindForm()
    with db() as s:
        try:
            plan = rule.reminder_plan(s, viewer(), code, now())
        except rule.NotFound:
            abort(404)
        if form.expected.data != str(plan.recipients):
            changed = True
        else:
            changed = False
            card = [deadline_card(plan.round, plan.days_left, coordinator=True)]
            added = sum(enqueue(s, t.key, list(t.recipients), card, not_before=plan.not_before,
                                urgent=plan.urgent, category="reminder") for t in plan.targets if t.recipients)
            if added:
                rule.record_reminder(s, viewer(), plan, added, now())
            held = plan.not_before > now()
    if changed:
        return _remind_page(code, note="จำนวนผู้รับเปลี่ยนไประหว่างที่ดูหน้านี้ (มีสำนักส่งรายงานหรือเปลี่ยนผู้ประสานงาน) "
                                        "กรุณาตรวจสอบจำนวนอีกครั้งแล้วกดยืนยัน", status=409)
    if plan.recipients == 0:
        flash("ไม่มีผู้รับที่ต้องแจ้งเตือน (ทุกสำนักส่งแล้ว หรือไม่มีผู้ประสานงานที่ติดต่อได้)", "warning")
    elif added == 0:
        flash("วันนี้ส่งการแจ้งเตือนรอบนี้ไปแล้ว ระบบไม่ส่งซ้ำ", "warning")
    else:
        when = f" ระบบจะส่งเมื่อ {thai_datetime(plan.not_before)} (นอกเวลาทำการ)" if held else ""
        flash(f"ส่งการแจ้งเตือนเข้าคิวแล้ว ถึงผู้รับ {plan.recipients:,} คน{when}")
    return back("console.rounds.detail", code=code)


# ---- export ------------------------------------------------------------------------------------

@bp.get("/<code>/export.xlsx")
def export_xlsx(code: str):
    with db() as s:
        try:
            data = rule.round_export(s, viewer(), code, now())
        except rule.NotFound:
            abort(404)
    out = io.BytesIO()
    workbook(data).save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"รายงาน-{code}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
