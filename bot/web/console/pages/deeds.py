"""Console page: ความดี (deeds): browse with filters (bureau, virtue, dates in พ.ศ.), 50 a page newest first, photos
through signed links, CSV/XLSX export of the filtered rows, and the ledger check with its head hash.
Rules and queries: bot/services/deed_browse.py."""
from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, render_template, request
from flask_wtf import FlaskForm
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from wtforms import SelectField

from bot.services import deed_browse as svc
from bot.services import ledger, ledger_anchor
from bot.web.console.fields import ThaiDateField
from bot.web.console.guard import back, db, now, viewer
from messages_th.dates import thai_date, thai_datetime
from messages_th.digest_anchor import heads_in
from messages_th.names import person
from messages_th.virtues import VIRTUES, name_th

bp = Blueprint("deeds", __name__, url_prefix="/deeds")

SOURCE_TH = {"chat": "บันทึกในแชต", "campaign": "เช็กอินกิจกรรม", "pledge": "ตามแผนของสำนัก"}
ERASED = "(ลบข้อมูลตามคำขอแล้ว)"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: it changes nothing

    bureau = SelectField("สำนัก", choices=[], validate_choice=False)
    virtue = SelectField("คุณธรรม", choices=[("", "ทุกด้าน")] + [(v.key, v.label) for v in VIRTUES],
                         validate_choice=False)
    date_from = ThaiDateField("ตั้งแต่วันที่")
    date_to = ThaiDateField("ถึงวันที่")


def _filters(s) -> tuple[FilterForm, svc.Filters | None]:
    form = FilterForm(request.args)
    v = viewer()
    choices = svc.bureau_choices(s, v)
    form.bureau.choices = ([("", "ทุกสำนัก")] if v.sees_all or len(choices) > 1 else []) + \
        [(str(b), n) for b, n in choices]
    ok = form.validate()
    bureau = request.args.get("bureau", "")
    if bureau and not bureau.isdigit():
        form.bureau.errors = ["ไม่พบสำนักนี้"]
        ok = False
    if not ok:
        return form, None
    return form, svc.Filters(bureau_id=int(bureau) if bureau else None, virtue=form.virtue.data or None,
                             date_from=form.date_from.data, date_to=form.date_to.data)


def _bad(form: FilterForm, err: svc.BadFilter) -> None:
    field = {"virtue": form.virtue, "date_to": form.date_to, "bureau": form.bureau}[err.field]
    field.errors = [{"bad_virtue": "ไม่มีคุณธรรมข้อนี้", "range": "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม",
                     "bad_bureau": "ไม่พบสำนักนี้"}[err.code]]


def _after() -> tuple[date, int] | None:
    raw = request.args.get("after", "")
    day, _, did = raw.partition("_")
    try:
        return date.fromisoformat(day), int(did)
    except ValueError:
        return None


def _name(r) -> str:
    return ERASED if r.erased_person else person(r.title, r.full_name)


def _ledger_context(s):
    v = viewer()
    if not v.sees_all:
        return {}
    return {"head": svc.head(s, v), "check": svc.last_ledger_check(s, v)}


@bp.get("/")
def index():
    with db() as s:
        form, f = _filters(s)
        page, status = None, 200
        if f is not None:
            try:
                page = svc.browse(s, viewer(), f, now(), after=_after(), photo_base=request.script_root + "/",
                                  secret=current_app.config["BOT"].LINE_CHANNEL_SECRET)
            except svc.BadFilter as err:
                _bad(form, err)
        if page is None:
            status = 400
        args = {k: v for k, v in request.args.items() if k not in ("after", "n")}
        n = max(1, request.args.get("n", 1, type=int) or 1)
        return render_template("console/deeds.html", title="ความดี", form=form, page=page, args=args, n=n,
                               per_page=svc.PAGE, name_of=_name, source_th=SOURCE_TH,
                               **_ledger_context(s)), status


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    with db() as s:
        form, f = _filters(s)
        if f is None:
            flash("ตัวกรองไม่ถูกต้อง กรุณาแก้ไขก่อนดาวน์โหลด", "error")
            return back("console.deeds.index", **request.args)
        try:
            rows, more = svc.export_rows(s, viewer(), f)
        except svc.BadFilter:
            flash("ตัวกรองไม่ถูกต้อง กรุณาแก้ไขก่อนดาวน์โหลด", "error")
            return back("console.deeds.index", **request.args)
    headers = ["วันที่ทำความดี", "บันทึกเมื่อ", "ชื่อ", "สำนัก", "คุณธรรม", "รายละเอียด", "ผู้ได้รับประโยชน์ (คน)",
               "ชั่วโมง", "ที่มา", "จำนวนรูป"]
    body = [[thai_date(r.deed_date), thai_datetime(r.created_at), _name(r), r.bureau or "–", name_th(r.virtue),
             r.description, r.beneficiaries, r.hours, SOURCE_TH.get(r.source, r.source), len(r.photos or [])]
            for r in rows]
    note = f"แสดง {svc.EXPORT_CAP:,} รายการล่าสุด (ตัวกรองนี้มีมากกว่านั้น เลือกช่วงวันที่ให้แคบลง)" if more else None
    return tabular_file(fmt, "deeds", headers, body, sheet="ความดี", note=note)


@bp.post("/ledger-check")
def ledger_check():
    cfg = current_app.config["BOT"]
    with db() as s:
        result = svc.run_ledger_check(s, viewer(), now(), key=cfg.LEDGER_KEY, media_dir=cfg.MEDIA_DIR,
                                      anchors=_digest_anchors(s))
    if result.ok:
        flash(f"ตรวจสอบ ledger แล้ว: ถูกต้องครบ {result.count:,} รายการ", "ok")
    else:
        flash("ตรวจสอบ ledger แล้ว: พบรายการที่ไม่ตรง ดูรายละเอียดด้านล่าง", "error")
    return back("console.deeds.index")


def _digest_anchors(s) -> list:
    """The heads the committee received in sent digests, as `flask ledger-verify` checks them (bot/cli/deeds)."""
    out = []
    for key, _sent_at, messages in ledger_anchor.sent_digests(s):
        out += [ledger.Anchor(n, h, f"digest {key}") for n, h in heads_in(messages) if n]
    return out


# ---- files shared with the campaigns page -------------------------------------------------------------

def _safe(value):
    """A spreadsheet never runs what a person typed: text starting like a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _text_cell(ws, value):
    """openpyxl makes any string starting with "=" a live formula; ours stay text (messages_th/export_xlsx.py)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def tabular_file(fmt: str, stem: str, headers: list[str], rows: list[list], *, sheet: str, title: str | None = None,
                 note: str | None = None) -> Response:
    """A CSV (UTF-8 with BOM, so Excel reads Thai) or an XLSX of `rows` under Thai headers, as a download."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        for line in ([title] if title else []) + ([note] if note else []):
            w.writerow([_safe(line)])
        w.writerow(headers)
        w.writerows([[_safe(v) if v is not None else "" for v in r] for r in rows])
        data, mime = ("\ufeff" + buf.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet[:31])
        for line in ([title] if title else []) + ([note] if note else []):
            ws.append([_text_cell(ws, line)])
        ws.append(headers)
        for r in rows:
            ws.append([_text_cell(ws, v) for v in r])
        out = io.BytesIO()
        wb.save(out)
        data, mime = out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    resp = Response(data, mimetype=mime)
    resp.headers["Content-Disposition"] = f"attachment; filename={stem}.{fmt}; filename*=UTF-8''{quote(stem)}.{fmt}"
    return resp
