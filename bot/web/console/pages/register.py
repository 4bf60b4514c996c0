"""Console page: ทะเบียนกิจกรรมตามแผน (issue 16). The year's activity register (import from the template the
page offers, copy into the next year), the criteria lists of the moral-org and bureau-evaluation rounds, and
each plan round's roll-up (KPI on the page, XLSX download). Rules and role checks: bot/services/console_register."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, render_template, send_file
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from bot.services import activities as register_rules
from bot.services import console_register as svc
from bot.services.console_access import require_admin
from bot.services.membership import get_bureau
from bot.web.console.guard import back, db, now, requested_fy, viewer
from messages_th import activities as th
from messages_th import rollup_xlsx

bp = Blueprint("register", __name__, url_prefix="/register")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 2 * 1024 * 1024


class UploadForm(FlaskForm):
    file = FileField("ไฟล์ที่กรอกแล้ว (.xlsx หรือ .csv)", [FileRequired("กรุณาเลือกไฟล์")])



def _page(fy: int, form: UploadForm | None = None, errors: list[str] | None = None, status: int = 200,
          criteria_form: UploadForm | None = None, criteria_errors: list[str] | None = None):
    v = viewer()
    with db() as s:
        acts = svc.activities_for(s, v, fy)
        links = register_rules.bureaus_of(s, [a.id for a in acts])
        names = {bid: (get_bureau(s, bid).name if get_bureau(s, bid) else "") for ids in links.values()
                 for bid in ids}
        rows = [{"code": th.code_th(a.code), "name": a.name, "measure": a.measure, "sub": a.sub_measure,
                 "bureaus": ", ".join(names[b] for b in links[a.id]), "indicator": a.indicator, "unit": a.unit,
                 "target": a.target, "period": a.period, "budget": a.budget} for a in acts]
        rounds = [(r.code, r.title) for r in svc.plan_rounds(s, fy)] if v.sees_all else []
        criteria = svc.criteria(s, v, fy) if v.sees_all else {}
    return render_template("console/register.html", title="ทะเบียนกิจกรรมตามแผน", fy=fy, rows=rows,
                           rounds=rounds, criteria=criteria, kinds=th.CRITERIA_KIND_TH,
                           form=form or UploadForm(formdata=None), errors=errors or [],
                           criteria_form=criteria_form or UploadForm(formdata=None),
                           criteria_errors=criteria_errors or []), status


@bp.get("/")
def index():
    return _page(requested_fy())


@bp.get("/template.<ext>")
def template(ext: str):
    if ext not in ("xlsx", "csv"):
        abort(404)
    data = th.template_xlsx() if ext == "xlsx" else th.template_csv()
    return send_file(io.BytesIO(data), mimetype=XLSX if ext == "xlsx" else "text/csv",
                     as_attachment=True, download_name=f"activity-register-template.{ext}")


@bp.get("/criteria-template.<ext>")
def criteria_template(ext: str):
    if ext not in ("xlsx", "csv"):
        abort(404)
    data = th.criteria_template_xlsx() if ext == "xlsx" else th.criteria_template_csv()
    return send_file(io.BytesIO(data), mimetype=XLSX if ext == "xlsx" else "text/csv",
                     as_attachment=True, download_name=f"criteria-template.{ext}")


def _upload(form: UploadForm) -> tuple[bytes, str] | None:
    if not form.validate():
        return None
    f = form.file.data
    data = f.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        form.file.errors.append("ไฟล์ใหญ่เกิน 2 MB")
        return None
    return data, f.filename or ""


@bp.post("/import")
def import_register():
    require_admin(viewer())
    fy = requested_fy()
    form = UploadForm()
    upload = _upload(form)
    if upload is None:
        return _page(fy, form=form, status=400)
    with db() as s:
        result = svc.import_register(s, viewer(), fy, *upload, now())
    if not result.ok:
        return _page(fy, form=form, errors=[th.error_line(e) for e in result.errors], status=400)
    kept = f" · คงไว้ {len(result.untouched)} กิจกรรมที่ไม่มีในไฟล์" if result.untouched else ""
    flash(f"นำเข้าทะเบียนปี {fy} แล้ว: เพิ่ม {result.created} · ปรับปรุง {result.updated}{kept}")
    return back("console.register.index", fy=fy)


@bp.post("/copy")
def copy_register():
    require_admin(viewer())
    fy = requested_fy()
    with db() as s:
        n = svc.copy_register(s, viewer(), fy, fy + 1, now())
    flash(f"คัดลอก {n} กิจกรรมไปปีงบประมาณ {fy + 1} แล้ว (ระยะเวลาและงบประมาณเว้นว่างไว้ให้กรอกของปีใหม่)")
    return back("console.register.index", fy=fy + 1)


@bp.post("/criteria/<kind>")
def import_criteria(kind: str):
    require_admin(viewer())
    if kind not in register_rules.CRITERIA_KINDS:
        abort(404)
    fy = requested_fy()
    form = UploadForm()
    upload = _upload(form)
    if upload is None:
        return _page(fy, criteria_form=form, status=400)
    with db() as s:
        result = svc.import_criteria(s, viewer(), kind, fy, *upload, now())
    if not result.ok:
        return _page(fy, criteria_form=form, criteria_errors=[th.error_line(e) for e in result.errors], status=400)
    flash(f"บันทึกเกณฑ์ของ{th.CRITERIA_KIND_TH[kind]} ปี {fy} แล้ว {result.created} ข้อ")
    return back("console.register.index", fy=fy)


@bp.get("/rollup/<code>")
def rollup_page(code: str):
    with db() as s:
        try:
            r = svc.round_rollup(s, viewer(), code, now())
        except LookupError:
            abort(404)
    return render_template("console/register_rollup.html", title=f"ผลตามแผน {r.title}", r=r, code_th=th.code_th,
                           status_th=rollup_xlsx.STATUS_TH)


@bp.get("/rollup/<code>/xlsx")
def rollup_xlsx_download(code: str):
    with db() as s:
        try:
            r = svc.round_rollup(s, viewer(), code, now())
        except LookupError:
            abort(404)
    buf = io.BytesIO()
    rollup_xlsx.workbook(r).save(buf)
    buf.seek(0)
    return send_file(buf, mimetype=XLSX, as_attachment=True, download_name=f"rollup-{code}.xlsx")
