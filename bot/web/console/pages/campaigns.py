"""Console page: กิจกรรม (campaigns) for the committee and admins: the list, a new campaign (form → preview with the
push cost → confirm, which is the chat's create: the worker then enqueues the invite through the outbox), each
campaign's answers and check-ins, and their export. Rules live in bot/services/campaigns.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from bot.services import campaigns as svc
from bot.web.console.fields import ThaiDateField
from bot.web.console.guard import back, db, now, viewer
from bot.web.console.pages.deeds import tabular_file
from messages_th.campaigns import ANSWER_TH
from messages_th.activities import code_th
from messages_th.dates import fiscal_year_be, thai_date, thai_datetime, today_bkk
from messages_th.names import person
from messages_th.virtues import VIRTUES

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

PAGE = 50
ALL, SOME = "all", "some"
REMINDERS = (("remind_3d", 3 * 24 * 60), ("remind_1h", 60))  # the chat's two reminders (svc.DEFAULT_REMIND)
ERASED = "(ลบข้อมูลตามคำขอแล้ว)"


class CampaignForm(FlaskForm):
    title = StringField("ชื่อกิจกรรม", validators=[InputRequired("กรุณาพิมพ์ชื่อกิจกรรม"),
                                                   Length(max=200, message="ชื่อกิจกรรมยาวได้ไม่เกิน 200 ตัวอักษร")])
    description = TextAreaField("รายละเอียด (ถ้ามี)",
                                validators=[Length(max=2000, message="รายละเอียดยาวได้ไม่เกิน 2,000 ตัวอักษร")])
    place = StringField("สถานที่ หรือลิงก์ประชุมออนไลน์",
                        validators=[Length(max=300, message="สถานที่ยาวได้ไม่เกิน 300 ตัวอักษร")])
    virtue = SelectField("คุณธรรมที่ส่งเสริม (ผู้เช็กอินจะได้บันทึกความดีด้านนี้)",
                         choices=[(v.key, v.label) for v in VIRTUES], default="volunteer",
                         validate_choice=False)
    starts_at = ThaiDateField("วันและเวลาเริ่ม (พ.ศ.)", with_time="required")
    audience = RadioField("ผู้ได้รับเชิญ", choices=[(ALL, "ทุกสำนัก"), (SOME, "เลือกสำนัก")], default=ALL,
                          validate_choice=False)
    bureaus = SelectMultipleField("สำนักที่เชิญ", coerce=int, choices=[], validate_choice=False,
                                  option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    activity = SelectField("กิจกรรมตามแผน (ถ้ามี: ผู้เช็กอินนับเป็นผู้เข้าร่วมของกิจกรรมนั้นในรายงานรอบ)", coerce=int,
                           choices=[], default=0, validate_choice=False)
    remind_3d = BooleanField("เตือนล่วงหน้า 3 วัน", default=True)
    remind_1h = BooleanField("เตือนล่วงหน้า 1 ชั่วโมง", default=True)

    def draft(self) -> svc.Draft:
        return svc.Draft(title=(self.title.data or "").strip(), starts_at=self.starts_at.data,
                         virtue=self.virtue.data, description=(self.description.data or "").strip(),
                         place=(self.place.data or "").strip(),
                         bureau_ids=None if self.audience.data != SOME else sorted(set(self.bureaus.data or [])),
                         remind_minutes=tuple(m for name, m in REMINDERS if getattr(self, name).data),
                         activity_id=self.activity.data or None)


def _why(field: str, code: str, t) -> str:
    if field == "starts_at":
        if code == "past":
            return "วันเวลาเริ่มผ่านมาแล้ว กรุณาเลือกเวลาที่ยังมาไม่ถึง"
        return f"เกินปีงบประมาณหน้า (สร้างได้ถึง {thai_date(svc.latest_start_day(t))})"
    if field == "bureaus":
        return "กรุณาเลือกอย่างน้อย ๑ สำนัก" if code == "no_bureau" else "มีสำนักที่เลือกไม่ได้ กรุณาเลือกใหม่"
    if field == "virtue":
        return "กรุณาเลือกคุณธรรม ๑ ข้อ"
    if field == "activity":
        return "กิจกรรมนี้ไม่อยู่ในทะเบียนของปีงบประมาณที่กิจกรรมจัด กรุณาเลือกใหม่"
    if field == "title" and code == "empty":
        return "กรุณาพิมพ์ชื่อกิจกรรม"
    return "ข้อความยาวเกินไป"


def _form(s) -> CampaignForm:
    form = CampaignForm()
    form.bureaus.choices = [(b, n) for b, n in svc.form_bureaus(s, viewer())]
    fy = fiscal_year_be(today_bkk(now()))
    form.activity.choices = [(0, "— ไม่ผูกกับกิจกรรมตามแผน —")] + [
        (a_id, f"{code_th(code)} {name}"[:120]) for fy_ in (fy, fy + 1) for a_id, code, name in
        svc.activity_choices(s, fy_)]
    return form


def _checked(s, form: CampaignForm):
    """(draft, cost) when the form and the service accept it; otherwise None with errors on the fields."""
    if not form.validate():
        return None
    if form.starts_at.data is None:
        form.starts_at.errors.append("กรุณาพิมพ์วันและเวลาเริ่ม เช่น 20 มี.ค. 2570 09:00")
        return None
    draft = form.draft()
    try:
        return draft, svc.preview(s, viewer(), draft, now())
    except svc.DraftError as err:
        for field, code in err.problems.items():
            target = getattr(form, "remind_3d" if field == "remind" else field)
            target.errors = [*target.errors, _why(field, code, now())]
        return None


@bp.get("/")
def index():
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with db() as s:
        rows, total = svc.console_list(s, viewer(), offset=(page - 1) * PAGE, limit=PAGE)
        return render_template("console/campaigns.html", title="กิจกรรม", rows=rows, total=total, page=page,
                               pages=max(1, -(-total // PAGE)), now=now())


@bp.route("/new", methods=["GET", "POST"])
def new():
    with db() as s:
        form = _form(s)
        if request.method == "GET":
            return render_template("console/campaigns_new.html", title="สร้างกิจกรรม", form=form)
        action = request.form.get("action", "preview")
        checked = _checked(s, form) if action != "edit" else None
        if checked is None:
            status = 200 if action == "edit" else 400
            return render_template("console/campaigns_new.html", title="สร้างกิจกรรม", form=form), status
        draft, cost = checked
        if action != "confirm":
            names = dict(form.bureaus.choices)
            return render_template("console/campaigns_preview.html", title="ตรวจทานก่อนส่งคำเชิญ", form=form,
                                   draft=draft, cost=cost,
                                   bureau_names=[names[b] for b in draft.bureau_ids or []])
        camp, made = svc.create_confirmed(s, viewer(), draft, now())
        camp_id = camp.id
    if made:
        flash(f"สร้างกิจกรรมแล้ว ระบบจะส่งคำเชิญถึงผู้ได้รับเชิญ {cost.recipients:,} คนภายในไม่กี่นาที", "ok")
    else:
        flash("กิจกรรมนี้สร้างไว้แล้ว ไม่ได้สร้างซ้ำ", "warning")
    return back("console.campaigns.detail", camp_id=camp_id)


def _camp(s, camp_id: int):
    camp = svc.get_for_console(s, viewer(), camp_id)
    if camp is None:
        abort(404)
    return camp


@bp.get("/<int:camp_id>")
def detail(camp_id: int):
    which = request.args.get("show", "all")
    which = which if which in svc.ROSTER_FILTERS else "all"
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with db() as s:
        camp = _camp(s, camp_id)
        rows, total = svc.roster(s, viewer(), camp, which=which, offset=(page - 1) * svc.ROSTER_PAGE)
        counts = svc.answer_counts(s, [camp.id]).get(camp.id, (0, 0, 0))
        names = dict(svc.form_bureaus(s, viewer()))
        return render_template("console/campaigns_detail.html", title=camp.title, camp=camp, rows=rows,
                               total=total, page=page, pages=max(1, -(-total // svc.ROSTER_PAGE)), which=which,
                               counts=counts, invited=svc.invite_count(s, camp.bureau_ids),
                               bureau_names=[names.get(b, "–") for b in camp.bureau_ids or []],
                               answer_th=ANSWER_TH, name_of=_name)


def _name(r) -> str:
    return ERASED if r.erased else person(r.title, r.full_name)


@bp.get("/<int:camp_id>/export.<fmt>")
def export(camp_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    with db() as s:
        camp = _camp(s, camp_id)
        rows, _ = svc.roster(s, viewer(), camp, limit=None)
        title = camp.title
    headers = ["ลำดับ", "ชื่อ", "สำนัก", "คำตอบ", "ตอบเมื่อ", "เช็กอินเมื่อ"]
    body = [[n, _name(r), r.bureau or "–", ANSWER_TH.get(r.answer, r.answer), thai_datetime(r.answered_at),
             thai_datetime(r.checked_in_at) if r.checked_in_at else ""] for n, r in enumerate(rows, start=1)]
    return tabular_file(fmt, f"campaign-{camp_id}", headers, body, sheet="ผู้ตอบรับ", title=title)
