"""Console page: ปัญหาที่อยากแก้ / ความดีที่อยากทำ. Each bureau's pledge items for a fiscal year (and the
organization's); add, edit, remove, unlock / lock again; a CSV/XLSX template and its all-or-nothing import.
Routes only: the rules are bot/services/console_pledges.py's (on top of bot/services/pledges.py)."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, flash, render_template, send_file
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from openpyxl import Workbook
from openpyxl.styles import Font
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from bot.services import console_pledges as rule
from bot.services import pledges as pledge_rules
from bot.services.console_access import require_admin, require_edit_bureau
from bot.web.console.guard import back, db, now, requested_fy, viewer
from messages_th.dates import fiscal_year_be, thai_date, today_bkk
from messages_th.virtues import VIRTUES

bp = Blueprint("pledges", __name__, url_prefix="/pledges")

COLUMN_TH = {"bureau_code": "รหัสสำนัก", "problem": "ปัญหาที่อยากแก้", "good_deed": "ความดีที่อยากทำ",
             "virtue": "คุณธรรม", "indicator": "ตัวชี้วัด", "target": "เป้าหมาย"}
VIRTUE_NAMES = " ".join(v.name for v in VIRTUES)
ROW_PROBLEM_TH = {
    "unknown_bureau": "ไม่พบสำนักรหัส “{value}”",
    "unknown_virtue": "ไม่รู้จักคุณธรรม “{value}” (ใช้ได้: " + VIRTUE_NAMES + ")",
    "required": "ต้องกรอก",
    "too_long": "ข้อความยาวเกินกำหนด",
    "not_yours": "ท่านนำเข้าได้เฉพาะรายการของสำนักที่ท่านเป็นผู้ประสานงาน",
    "locked": "แผนของสำนักนี้ล็อกแล้ว (เลยวันส่งรายงานรอบแรก) ต้องให้ผู้ดูแลระบบปลดล็อกก่อน",
}
FILE_PROBLEM_TH = {
    "type": "รับเฉพาะไฟล์ .csv หรือ .xlsx (ดาวน์โหลดแบบฟอร์มจากหน้านี้)",
    "size": f"ไฟล์ใหญ่เกิน {rule.MAX_IMPORT_BYTES // (1024 * 1024)} MB",
    "encoding": "อ่านไฟล์ CSV ไม่ได้ กรุณาบันทึกเป็น CSV UTF-8",
    "columns": "หัวตารางไม่ครบ ขาดคอลัมน์: {detail} (ใช้แถวหัวตารางตามแบบฟอร์ม)",
    "empty": "ไม่มีรายการในไฟล์",
    "rows": "มีรายการเกิน {detail} แถว กรุณาแบ่งเป็นหลายไฟล์",
    "missing": "กรุณาเลือกไฟล์ที่จะนำเข้า",
}
TEXT_MAX = rule.TEXT_LIMIT


def _strip(v):
    return v.strip() if isinstance(v, str) else v


class ItemForm(FlaskForm):
    problem = TextAreaField("ปัญหาที่อยากแก้", [DataRequired("กรุณาพิมพ์ปัญหาที่อยากแก้"),
                                                Length(max=TEXT_MAX, message=f"ยาวเกิน {TEXT_MAX:,} ตัวอักษร")],
                            filters=[_strip])
    good_deed = TextAreaField("ความดีที่อยากทำ", [DataRequired("กรุณาพิมพ์ความดีที่อยากทำ"),
                                                   Length(max=TEXT_MAX, message=f"ยาวเกิน {TEXT_MAX:,} ตัวอักษร")],
                              filters=[_strip])
    virtue = SelectField("คุณธรรม", [AnyOf([v.key for v in VIRTUES], message="กรุณาเลือกคุณธรรมจากรายการ")],
                         choices=[(v.key, v.name) for v in VIRTUES], validate_choice=False)
    indicator = TextAreaField("ตัวชี้วัด", [Length(max=TEXT_MAX, message=f"ยาวเกิน {TEXT_MAX:,} ตัวอักษร")],
                              filters=[_strip])
    target = StringField("เป้าหมาย (ถ้ามี)", [Optional(), Length(max=pledge_rules.TARGET_MAX,
                                                                 message=f"ยาวเกิน {pledge_rules.TARGET_MAX} ตัวอักษร")],
                         filters=[_strip])

    def values(self) -> dict:
        return {f: getattr(self, f).data or ("" if f != "target" else None) for f in pledge_rules.ITEM_FIELDS}


class ImportForm(FlaskForm):
    file = FileField("ไฟล์ CSV หรือ XLSX")


@bp.errorhandler(404)
@bp.errorhandler(rule.NotFound)
def _missing(_err):
    return render_template("console/pledges_missing.html", title="ไม่พบข้อมูล"), 404



def _owner(raw: str) -> int | None:
    """'org' is the organization's pledge; a bureau is its id."""
    if raw == "org":
        return None
    if not raw.isdigit():
        abort(404)
    return int(raw)


def _slug(owner: int | None) -> str:
    return "org" if owner is None else str(owner)


def _locked_text(lock_date) -> str:
    return (f"แผนนี้ล็อกแล้ว (เลยวันส่งรายงานรอบแรก {thai_date(lock_date)}) แก้ไขไม่ได้ "
            "จนกว่าผู้ดูแลระบบจะปลดล็อก") if lock_date else "แผนนี้ล็อกแล้ว"


# ---- the year and one pledge -----------------------------------------------------------------

@bp.get("/")
def index():
    fy = requested_fy()
    with db() as s:
        year = rule.year_view(s, viewer(), fy, today_bkk(now()))
    current = fiscal_year_be(today_bkk(now()))
    return render_template("console/pledges.html", title="ปัญหาที่อยากแก้ / ความดีที่อยากทำ", year=year,
                           years=list(range(current + 1, current - 4, -1)), slug=_slug)


def _pledge_page(fy, owner, add_form=None, status=200):
    with db() as s:
        view = rule.pledge_view(s, viewer(), fy, owner, today_bkk(now()))
        page = render_template("console/pledges_detail.html", title="ปัญหาที่อยากแก้ / ความดีที่อยากทำ", v=view,
                               slug=_slug(owner), add=add_form or ItemForm(formdata=None),
                               locked_text=_locked_text(view.lock_date) if view.locked else None)
    return page, status


@bp.get("/<owner>")
def pledge(owner: str):
    return _pledge_page(requested_fy(), _owner(owner))


@bp.post("/<owner>/add")
def add(owner: str):
    fy, who = requested_fy(), _owner(owner)
    require_edit_bureau(viewer(), who)
    form = ItemForm()
    if not form.validate():
        return _pledge_page(fy, who, form, 400)
    try:
        with db() as s:
            item = rule.add_item(s, viewer(), fy, who, form.values(), now(), today_bkk(now()))
            position = item.position
    except rule.Locked as err:
        flash(_locked_text(err.lock_date), "error")
        return back("console.pledges.pledge", owner=owner, fy=fy)
    flash(f"เพิ่มรายการที่ {position} แล้ว")
    return back("console.pledges.pledge", owner=owner, fy=fy)


def _edit_page(item, pledge, form, status=200):
    return render_template("console/pledges_edit.html", title=f"แก้ไขรายการที่ {item.position}", item=item,
                           pledge=pledge, slug=_slug(pledge.bureau_id), form=form), status


@bp.get("/items/<int:item_id>/edit")
def edit(item_id: int):
    with db() as s:
        item, pledge = rule.get_item(s, viewer(), item_id)
        require_edit_bureau(viewer(), pledge.bureau_id)
        form = ItemForm(formdata=None, **{f: getattr(item, f) for f in pledge_rules.ITEM_FIELDS})
        return _edit_page(item, pledge, form)


@bp.post("/items/<int:item_id>/edit")
def save(item_id: int):
    with db() as s:
        item, pledge = rule.get_item(s, viewer(), item_id)
        require_edit_bureau(viewer(), pledge.bureau_id)
        form = ItemForm()
        if not form.validate():
            return _edit_page(item, pledge, form, 400)
        fy, owner = pledge.fy, _slug(pledge.bureau_id)
        try:
            rule.update_item(s, viewer(), item_id, form.values(), now(), today_bkk(now()))
        except rule.Locked as err:
            flash(_locked_text(err.lock_date), "error")
            return back("console.pledges.pledge", owner=owner, fy=fy)
        position = item.position
    flash(f"บันทึกรายการที่ {position} แล้ว")
    return back("console.pledges.pledge", owner=owner, fy=fy)


@bp.post("/items/<int:item_id>/remove")
def remove(item_id: int):
    with db() as s:
        _, pledge = rule.get_item(s, viewer(), item_id)
        require_edit_bureau(viewer(), pledge.bureau_id)
        fy, owner = pledge.fy, _slug(pledge.bureau_id)
        try:
            _, position, used = rule.remove_item(s, viewer(), item_id, now(), today_bkk(now()))
        except rule.Locked as err:
            flash(_locked_text(err.lock_date), "error")
            return back("console.pledges.pledge", owner=owner, fy=fy)
    if used:
        flash(f"ลบรายการที่ {position} ไม่ได้ เพราะบุคลากรรายงานความคืบหน้าไว้แล้ว {used:,} ครั้ง "
              "(แก้ไขข้อความแทนได้)", "error")
    else:
        flash(f"ลบรายการที่ {position} แล้ว รายการถัดไปเลื่อนขึ้นมาแทน")
    return back("console.pledges.pledge", owner=owner, fy=fy)


@bp.post("/<owner>/unlock")
def unlock(owner: str):
    return _set_lock(owner, True)


@bp.post("/<owner>/lock")
def lock(owner: str):
    return _set_lock(owner, False)


def _set_lock(owner: str, unlocked: bool):
    require_admin(viewer())
    fy, who = requested_fy(), _owner(owner)
    with db() as s:
        rule.set_unlocked(s, viewer(), fy, who, unlocked, now())
    flash("ปลดล็อกแล้ว ผู้ประสานงานแก้ไขรายการได้อีกครั้ง" if unlocked
          else "ล็อกแล้ว แผนนี้จะแก้ไขไม่ได้หลังวันส่งรายงานรอบแรก")
    return back("console.pledges.pledge", owner=owner, fy=fy)


# ---- template and import ---------------------------------------------------------------------

@bp.get("/template.csv")
def template_csv():
    out = io.StringIO()
    csv.writer(out).writerow(pledge_rules.CSV_COLUMNS)
    data = io.BytesIO(("\ufeff" + out.getvalue()).encode("utf-8"))  # the BOM: Excel opens Thai text right
    return send_file(data, as_attachment=True, download_name="แบบฟอร์มนำเข้าปัญหาที่อยากแก้.csv",
                     mimetype="text/csv")


@bp.get("/template.xlsx")
def template_xlsx():
    with db() as s:
        year = rule.year_view(s, viewer(), requested_fy(), today_bkk(now()))
    wb = Workbook()
    ws = wb.active
    ws.title = "รายการ"
    ws.append(list(pledge_rules.CSV_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEF", (14, 40, 40, 12, 30, 20)):
        ws.column_dimensions[col].width = width
    guide = wb.create_sheet("คำอธิบาย")
    guide.append(["คอลัมน์", "ความหมาย"])
    for key, label in COLUMN_TH.items():
        guide.append([key, label])
    guide.append([])
    guide.append(["bureau_code", "เว้นว่าง = แผนขององค์กร (ผู้ดูแลระบบเท่านั้น)"])
    guide.append(["virtue", "พิมพ์ชื่อคุณธรรม: " + VIRTUE_NAMES])
    guide.append(["target", "เว้นว่างได้"])
    guide.append([])
    guide.append(["รหัสสำนัก", "ชื่อสำนัก"])
    for row in year.rows:
        if row.owner is not None:
            guide.append([row.code, row.name])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 16, 60
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name="แบบฟอร์มนำเข้าปัญหาที่อยากแก้.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _import_page(fy, form=None, errors=None, file_error=None, status=200):
    return render_template("console/pledges_import.html", title="นำเข้าปัญหาที่อยากแก้ / ความดีที่อยากทำ", fy=fy,
                           form=form or ImportForm(formdata=None), errors=errors or [], file_error=file_error,
                           columns=pledge_rules.CSV_COLUMNS, column_th=COLUMN_TH), status


@bp.get("/import")
def import_form():
    rule.require_importer(viewer())
    return _import_page(requested_fy())


@bp.post("/import")
def import_file():
    rule.require_importer(viewer())
    fy = requested_fy()
    form = ImportForm()
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return _import_page(fy, form, file_error=FILE_PROBLEM_TH["missing"], status=400)
    try:
        rows = rule.read_table(upload.filename, upload.read(rule.MAX_IMPORT_BYTES + 1))
    except rule.FileProblem as err:
        return _import_page(fy, form, file_error=FILE_PROBLEM_TH[err.code].format(detail=err.detail), status=400)
    with db() as s:
        result = rule.import_rows(s, viewer(), fy, rows, now(), today_bkk(now()))
    if result.errors:
        errors = [{"row": e.row, "column": e.column, "column_th": COLUMN_TH.get(e.column, ""),
                   "text": ROW_PROBLEM_TH[e.problem].format(value=e.value)} for e in result.errors]
        return _import_page(fy, form, errors=errors, status=400)
    flash(f"นำเข้าแล้ว {result.added:,} รายการ ปีงบประมาณ พ.ศ. {fy}")
    return back("console.pledges.index", fy=fy)
