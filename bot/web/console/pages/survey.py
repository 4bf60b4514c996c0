"""Console page: แบบสำรวจ ITA (issue 17). Admins set a drive's link and window (form → preview with the push
cost → confirm; the worker's survey job then invites through the outbox), edit or close it; the committee reads
every bureau's response rate, a coordinator their own. Rates go through the digest's small-group rule. Rules
live in bot/services/survey.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from bot.services import digest
from bot.services import survey as svc
from bot.services.console_access import require_admin
from bot.web.console.fields import ThaiDateField
from bot.web.console.guard import back, db, now, viewer
from messages_th.dates import thai_date

bp = Blueprint("survey", __name__, url_prefix="/survey")

ALL, SOME = "all", "some"
STATE_TH = {"upcoming": "ยังไม่เปิด", "open": "เปิดรับอยู่", "closed": "ปิดรับแล้ว"}


class DriveForm(FlaskForm):
    title = StringField("ชื่อแบบสำรวจ", default=svc.DEFAULT_TITLE, validators=[
        InputRequired("กรุณาพิมพ์ชื่อแบบสำรวจ"), Length(max=svc.TITLE_MAX, message="ชื่อยาวได้ไม่เกิน 200 ตัวอักษร")])
    url = StringField("ลิงก์แบบสำรวจ (https:// ที่ได้รับจากระบบ ITA)", validators=[InputRequired("กรุณาใส่ลิงก์แบบสำรวจ")],
                      render_kw={"placeholder": "https://...", "inputmode": "url"})
    opens_on = ThaiDateField("วันเปิดให้ตอบ (พ.ศ.: ส่งคำเชิญวันนี้)")
    closes_on = ThaiDateField("วันสุดท้ายที่ตอบได้ (พ.ศ.)")
    audience = RadioField("ผู้ได้รับเชิญ", choices=[(ALL, "ทุกสำนัก"), (SOME, "เลือกสำนัก")], default=ALL,
                          validate_choice=False)
    bureaus = SelectMultipleField("สำนักที่เชิญ", coerce=int, choices=[], validate_choice=False,
                                  option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))

    def draft(self) -> svc.Draft:
        return svc.Draft(title=(self.title.data or "").strip(), url=(self.url.data or "").strip(),
                         opens_on=self.opens_on.data, closes_on=self.closes_on.data,
                         bureau_ids=None if self.audience.data != SOME else sorted(set(self.bureaus.data or [])))


WHY = {
    ("url", "empty"): "กรุณาใส่ลิงก์แบบสำรวจ",
    ("url", "too_long"): f"ลิงก์ยาวได้ไม่เกิน {svc.URL_MAX} ตัวอักษร",
    ("url", "not_https"): "ลิงก์ต้องขึ้นต้นด้วย https:// (ลิงก์ที่ปลอดภัยเท่านั้น)",
    ("url", "bad_url"): "ลิงก์ไม่ถูกต้อง กรุณาคัดลอกลิงก์เต็มจากระบบ ITA อีกครั้ง",
    ("title", "empty"): "กรุณาพิมพ์ชื่อแบบสำรวจ",
    ("title", "too_long"): "ชื่อยาวได้ไม่เกิน 200 ตัวอักษร",
    ("opens_on", "past"): "วันเปิดผ่านมาแล้ว กรุณาเลือกวันนี้หรือวันถัดไป",
    ("opens_on", "started"): "แบบสำรวจเปิดแล้ว เปลี่ยนวันเปิดไม่ได้",
    ("closes_on", "before_open"): "วันสุดท้ายต้องไม่ก่อนวันเปิด",
    ("closes_on", "past"): "วันสุดท้ายผ่านมาแล้ว",
    ("bureaus", "no_bureau"): "กรุณาเลือกอย่างน้อย ๑ สำนัก",
    ("bureaus", "bad_bureau"): "มีสำนักที่เลือกไม่ได้ กรุณาเลือกใหม่",
    ("bureaus", "started"): "แบบสำรวจเปิดแล้ว เปลี่ยนสำนักที่เชิญไม่ได้ (ส่งคำเชิญไปแล้ว)",
}


def _why(field: str, code: str) -> str:
    if code == "too_far":
        from bot.services.thai_dates import end_of_next_fiscal_year
        from messages_th.dates import today_bkk
        return f"เกินปีงบประมาณหน้า (ตั้งได้ถึง {thai_date(end_of_next_fiscal_year(today_bkk(now())))})"
    return WHY.get((field, code), "ข้อมูลไม่ถูกต้อง")


def _form(s, drive=None) -> DriveForm:
    form = DriveForm() if request.method == "POST" or drive is None else DriveForm(data=_initial(drive))
    form.bureaus.choices = svc.bureau_choices(s)
    return form


def _initial(drive) -> dict:
    d = svc.draft_of(drive)
    return {"title": d.title, "url": d.url, "opens_on": d.opens_on, "closes_on": d.closes_on,
            "audience": ALL if d.bureau_ids is None else SOME, "bureaus": d.bureau_ids or []}


def _checked(s, form: DriveForm, drive=None):
    """(draft, forecast) when the form and the rules accept it; otherwise None with errors on the fields."""
    ok = form.validate()
    for f in (form.opens_on, form.closes_on):
        if f.data is None and not f.errors:
            f.errors = [*f.errors, "กรุณาพิมพ์วันที่ เช่น 20 มี.ค. 2570 หรือ 20/3/2570"]
            ok = False
    if not ok:
        return None
    draft = form.draft()
    try:
        return draft, svc.preview(s, draft, now(), drive)
    except svc.DriveError as err:
        for field, code in err.problems.items():
            target = getattr(form, field)
            target.errors = [*target.errors, _why(field, code)]
        return None


def _rates(s, drive) -> dict:
    """The rate by bureau as this viewer may see it: everyone's through group_small; a coordinator's own bureau
    under the threshold shows no number (and is left out of the total)."""
    v = viewer()
    raw = svc.console_counts(s, v, drive)
    if v.sees_all:
        rows = digest.group_small(raw)
    else:
        rows = [dict(r, participants=None) if r["staff"] < digest.MIN_GROUP else r for r in raw]
    shown = [r for r in rows if r["participants"] is not None]
    return {"rows": rows, "answered": sum(r["participants"] for r in shown), "invited": sum(r["staff"] for r in shown),
            "hidden": len(rows) - len(shown), "min_group": digest.MIN_GROUP}


@bp.get("/")
def index():
    with db() as s:
        drives = svc.console_drives(s, viewer())
        rows = [(d, svc.state(d, now()), _rates(s, d)) for d in drives]
        return render_template("console/survey.html", title="แบบสำรวจ ITA", rows=rows, state_th=STATE_TH,
                               is_admin=viewer().is_admin)


def _drive(s, drive_id: int):
    drive = svc.get(s, drive_id)
    if drive is None:
        abort(404)
    return drive


@bp.get("/<int:drive_id>")
def detail(drive_id: int):
    with db() as s:
        drive = _drive(s, drive_id)
        rates = _rates(s, drive)
        names = dict(svc.bureau_choices(s))
        return render_template("console/survey_detail.html", title=drive.title, drive=drive, rates=rates,
                               state=svc.state(drive, now()), state_th=STATE_TH, is_admin=viewer().is_admin,
                               bureau_names=[names.get(b, "–") for b in drive.bureau_ids or []])


@bp.route("/new", methods=["GET", "POST"])
def new():
    require_admin(viewer())
    with db() as s:
        form = _form(s)
        if request.method == "GET":
            return render_template("console/survey_form.html", title="ตั้งค่าแบบสำรวจ ITA", form=form, drive=None)
        action = request.form.get("action", "preview")
        checked = _checked(s, form) if action != "edit" else None
        if checked is None:
            return render_template("console/survey_form.html", title="ตั้งค่าแบบสำรวจ ITA", form=form,
                                   drive=None), 200 if action == "edit" else 400
        draft, cost = checked
        if action != "confirm":
            names = dict(form.bureaus.choices)
            return render_template("console/survey_preview.html", title="ตรวจทานก่อนส่งคำเชิญ", form=form,
                                   draft=draft, cost=cost, bureau_names=[names[b] for b in draft.bureau_ids or []])
        drive, made = svc.console_create(s, viewer(), draft, now())
        drive_id = drive.id
    if made:
        flash(f"บันทึกแบบสำรวจแล้ว ระบบจะส่งคำเชิญถึง {cost.recipients:,} คนในวันเปิด (ในเวลาทำการ)", "ok")
    else:
        flash("แบบสำรวจนี้บันทึกไว้แล้ว ไม่ได้สร้างซ้ำ", "warning")
    return back("console.survey.detail", drive_id=drive_id)


@bp.route("/<int:drive_id>/edit", methods=["GET", "POST"])
def edit(drive_id: int):
    require_admin(viewer())
    with db() as s:
        drive = _drive(s, drive_id)
        form = _form(s, drive)
        if request.method == "GET":
            return render_template("console/survey_form.html", title="แก้ไขแบบสำรวจ ITA", form=form, drive=drive)
        if _checked(s, form, drive) is None:
            return render_template("console/survey_form.html", title="แก้ไขแบบสำรวจ ITA", form=form, drive=drive), 400
        svc.console_update(s, viewer(), drive, form.draft(), now())
    flash("บันทึกการแก้ไขแล้ว คำเตือนครั้งต่อไปและแชตจะใช้ข้อมูลใหม่", "ok")
    return back("console.survey.detail", drive_id=drive_id)


@bp.post("/<int:drive_id>/close")
def close(drive_id: int):
    require_admin(viewer())
    with db() as s:
        done = svc.console_close(s, viewer(), _drive(s, drive_id), now())
    flash("ปิดรับแบบสำรวจแล้ว จะไม่มีการเตือนอีก" if done else "แบบสำรวจนี้ปิดรับอยู่แล้ว", "ok" if done else "warning")
    return back("console.survey.detail", drive_id=drive_id)
