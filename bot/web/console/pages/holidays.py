"""Console page: วันหยุดราชการ (admin). The fiscal year's public holidays; add, rename, remove through
bot/services/holidays.py (the rule `flask holidays` uses too). The scheduler sends no non-urgent push on them."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, render_template
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from bot.services import holidays as rule
from bot.services.console_access import require_admin
from bot.web.console.fields import ThaiDateField
from bot.web.console.guard import back, db, now, requested_fy, viewer
from messages_th.dates import fiscal_year_be, thai_date, thai_weekday

bp = Blueprint("holidays", __name__, url_prefix="/holidays")

REFUSALS = {"exists": "วันนี้มีในรายการวันหยุดแล้ว หากต้องการเปลี่ยนชื่อ ให้แก้ที่รายการด้านล่าง",
            "missing": "ไม่พบวันหยุดนี้ในรายการ (อาจถูกลบไปแล้ว)",
            "name_empty": "กรุณาพิมพ์ชื่อวันหยุด",
            "name_long": f"ชื่อวันหยุดยาวเกิน {rule.NAME_MAX} ตัวอักษร"}
NAME_CHECKS = [InputRequired(REFUSALS["name_empty"]), Length(max=rule.NAME_MAX, message=REFUSALS["name_long"])]


class AddForm(FlaskForm):
    day = ThaiDateField("วันที่ (พ.ศ.)", [InputRequired("กรุณาพิมพ์วันที่ เช่น 5 ธ.ค. 2569")])
    name = StringField("ชื่อวันหยุด", NAME_CHECKS, render_kw={"placeholder": "เช่น วันพ่อแห่งชาติ"})


class RenameForm(FlaskForm):
    name = StringField("ชื่อวันหยุด", NAME_CHECKS)



def _day(iso: str) -> date:
    try:
        return date.fromisoformat(iso)
    except ValueError:
        abort(404)


def _page(fy: int, add: AddForm | None = None, editing: tuple[date, RenameForm] | None = None, status: int = 200):
    with db() as s:
        year = rule.of_fiscal_year(s, viewer(), fy)
        years = rule.fiscal_years(s, now())
        if fy not in years:
            years = sorted({*years, fy}, reverse=True)
        rows = [{"day": h.day, "name": h.name, "weekday": thai_weekday(h.day)} for h in year.holidays]
    return render_template("console/holidays.html", title="วันหยุดราชการ", fy=fy, years=years, rows=rows,
                           first=year.first, last=year.last, add=add or AddForm(formdata=None),
                           editing=editing), status


@bp.get("/")
def index():
    return _page(requested_fy())


@bp.post("/add")
def add():
    require_admin(viewer())
    fy = requested_fy()
    form = AddForm()
    if not form.validate():
        return _page(fy, add=form, status=400)
    try:
        with db() as s:
            rule.add(s, viewer(), form.day.data, form.name.data, now())
    except rule.HolidayError as err:
        (form.day if err.code == "exists" else form.name).errors.append(REFUSALS[err.code])
        return _page(fy, add=form, status=400)
    flash(f"เพิ่มวันหยุด {thai_date(form.day.data)} {' '.join(form.name.data.split())} แล้ว")
    return back("console.holidays.index", fy=fiscal_year_be(form.day.data))


@bp.get("/<iso>/edit")
def edit(iso: str):
    day = _day(iso)
    with db() as s:
        found = next((h for h in rule.of_fiscal_year(s, viewer(), fiscal_year_be(day)).holidays if h.day == day), None)
        if found is None:
            abort(404)
        form = RenameForm(formdata=None, name=found.name)
    return _page(fiscal_year_be(day), editing=(day, form))


@bp.post("/<iso>/rename")
def rename(iso: str):
    require_admin(viewer())
    day = _day(iso)
    form = RenameForm()
    if not form.validate():
        return _page(fiscal_year_be(day), editing=(day, form), status=400)
    try:
        with db() as s:
            rule.rename(s, viewer(), day, form.name.data, now())
    except rule.HolidayError as err:
        if err.code == "missing":
            abort(404)
        form.name.errors.append(REFUSALS[err.code])
        return _page(fiscal_year_be(day), editing=(day, form), status=400)
    flash(f"แก้ชื่อวันหยุด {thai_date(day)} แล้ว")
    return back("console.holidays.index", fy=fiscal_year_be(day))


@bp.post("/<iso>/remove")
def remove(iso: str):
    require_admin(viewer())
    day = _day(iso)
    try:
        with db() as s:
            name = rule.remove(s, viewer(), day, now()).name
    except rule.HolidayError:
        abort(404)
    flash(f"ลบวันหยุด {thai_date(day)} {name} แล้ว วันนั้นระบบจะส่งข้อความตามปกติ")
    return back("console.holidays.index", fy=fiscal_year_be(day))
