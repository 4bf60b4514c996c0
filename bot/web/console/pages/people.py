"""Console page 4, บุคลากรและสำนัก: staff (search by name, bureau and role), a person's roles (admins grant and
remove them), bureaus (add, rename, deactivate), invite codes (create, revoke, a printable card with the
account's add-friend QR) and registrations waiting for approval. Routes only: who may and what changes are
bot/services/console_people.py's (over membership, shared with the chat and the CLI); LINE is told after the
commit (rich-menu links) or through the outbox (the push to a person whose registration was decided)."""
from __future__ import annotations

import logging
import weakref

from flask import Blueprint, abort, current_app, flash, render_template, request
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, ValidationError
from wtforms.validators import NumberRange, Optional

import messages_th.onboarding as th_onboarding
from bot.line.gateway import GatewayError
from bot.line.outbox import enqueue
from bot.line.richmenu import relink
from bot.services import console_access as access, console_people as people, membership, qr
from bot.web.console.guard import back, db, now, viewer
from messages_th.common import role_th
from messages_th.names import person as person_name, split_title
from models.enums import EXTRA_ROLES, Role

log = logging.getLogger(__name__)
bp = Blueprint("people", __name__, url_prefix="/people")

REFUSED = {  # console_people.Refused codes, in Thai next to the field
    "code_format": "รหัสสำนักใช้ได้เฉพาะอักษรอังกฤษ ตัวเลข - และ _ ไม่เกิน 32 ตัว",
    "code_taken": "มีสำนักที่ใช้รหัสนี้อยู่แล้ว",
    "name_empty": "กรุณากรอกชื่อสำนัก",
    "name_long": "ชื่อสำนักยาวเกิน 200 ตัวอักษร",
    "name_taken": "มีสำนักชื่อนี้อยู่แล้ว",
    "bureau": "สำนักนี้ปิดใช้งานแล้วหรือไม่มีอยู่",
    "uses": f"จำนวนครั้งต้องอยู่ระหว่าง 1 ถึง {people.INVITE_MAX_USES:,}",
    "days": f"จำนวนวันต้องอยู่ระหว่าง 1 ถึง {people.INVITE_MAX_DAYS}",
    "role": "กรุณาเลือกบทบาท",
    "last_admin": "ถอนบทบาทผู้ดูแลระบบไม่ได้ เพราะเป็นผู้ดูแลระบบคนสุดท้าย",
}
ROLE_FILTER_TH = {Role.STAFF: "บุคลากรทั่วไป (ไม่มีบทบาทเพิ่ม)", Role.COORDINATOR: "ผู้ประสานงาน",
                  Role.COMMITTEE: "กรรมการ", Role.ADMIN: "ผู้ดูแลระบบ"}
INVITE_STATE_TH = {people.InviteState.USABLE: "ใช้ได้", people.InviteState.REVOKED: "ยกเลิกแล้ว",
                   people.InviteState.EXPIRED: "หมดอายุ", people.InviteState.USED_UP: "ใช้ครบแล้ว",
                   people.InviteState.BUREAU_CLOSED: "สำนักปิดใช้งาน"}


class ThaiInt(IntegerField):
    """A whole number with the Thai refusal (wtforms' own is English)."""

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip().replace(",", ""))
        except ValueError:
            self.data = None
            raise ValueError("กรุณากรอกเป็นตัวเลขจำนวนเต็ม") from None


class ThaiSelect(SelectField):
    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError("กรุณาเลือกจากรายการ")


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# The bureau forms check nothing themselves: membership.add_bureau / rename_bureau hold the rules (the CLI's too)
# and report every field's problem at once.
class BureauForm(FlaskForm):
    code = StringField("รหัสสำนัก", render_kw={"placeholder": "เช่น HR", "autocomplete": "off", "maxlength": 32})
    name = StringField("ชื่อสำนัก", render_kw={"maxlength": 200})


class RenameForm(FlaskForm):
    name = StringField("ชื่อใหม่", render_kw={"maxlength": 200})


class InviteForm(FlaskForm):
    bureau = ThaiSelect("สำนัก", coerce=_int_or_none)
    uses = ThaiInt("ใช้ลงทะเบียนได้กี่คน", validators=[
        Optional(), NumberRange(1, people.INVITE_MAX_USES, REFUSED["uses"])])
    days = ThaiInt("ใช้ได้กี่วัน", default=30, validators=[
        Optional(), NumberRange(1, people.INVITE_MAX_DAYS, REFUSED["days"])])


class GrantForm(FlaskForm):
    role = ThaiSelect("บทบาท", choices=[("", "— เลือก —")] + [(str(r), role_th(r)) for r in EXTRA_ROLES])
    bureau = ThaiSelect("สำนัก (สำหรับผู้ประสานงาน)", coerce=_int_or_none)


class RevokeForm(FlaskForm):
    role = HiddenField()
    bureau = HiddenField()


def _render(template: str, status: int = 200, **ctx):
    return render_template(f"console/{template}", person=person_name, role_filter_th=ROLE_FILTER_TH,
                           invite_state_th=INVITE_STATE_TH, may_manage=viewer().is_admin, **ctx), status


def _after_role_change(user_id: int) -> None:
    """The person's rich menu follows their new top role, linked after the commit the way the CLI does (a
    LINE failure is logged by relink and leaves the role changed; the next relink-all repairs it)."""
    bot = current_app.extensions["bot"]
    relink(bot.engine, bot.gateway, [user_id])


# -- staff -------------------------------------------------------------------------------------------------

@bp.get("/")
def index():
    v = viewer()
    text = split_title(request.args.get("q", "").strip()[:100])[1]  # "นายสมชาย" finds สมชาย, as in the chat
    role = request.args.get("role") or None
    role = role if role in people.ROLE_FILTERS else None
    bureau_id = request.args.get("bureau", type=int)
    with db() as s:
        choices = people.bureau_choices(s, v)
        result = people.staff_page(s, v, text=text, bureau_id=bureau_id, role=role,
                                   page=request.args.get("page", 1, type=int))
        waiting = people.pending_count(s, v) if v.is_admin else 0
    return _render("people.html", title="บุคลากรและสำนัก", result=result, choices=choices, q=request.args.get("q", ""),
                   role=role, bureau_id=bureau_id, waiting=waiting)


def _person_or_404(s, user_id: int):
    found = people.person(s, viewer(), user_id)
    if found is None:
        abort(404)
    return found


def _grant_form(s, found, formdata=None) -> GrantForm:
    form = GrantForm(formdata=formdata) if formdata is not None else GrantForm(bureau=found.bureau_id)
    form.bureau.choices = [(None, "— สำนักของบุคคลนี้ —")] + people.bureau_choices(s, viewer(), active_only=True)
    return form


@bp.get("/staff/<int:user_id>")
def person(user_id: int):
    with db() as s:
        found = _person_or_404(s, user_id)
        form = _grant_form(s, found) if viewer().is_admin else None
    return _render("people_person.html", title=person_name(found.title, found.full_name), p=found, form=form,
                   revoke=RevokeForm())


@bp.post("/staff/<int:user_id>/grant")
def grant(user_id: int):
    v = viewer()
    access.require_admin(v)
    with db() as s:
        found = _person_or_404(s, user_id)
        form = _grant_form(s, found, request.form)
        if not form.validate() or not form.role.data:
            if not form.role.data and not form.role.errors:
                form.role.errors = [REFUSED["role"]]
            return _render("people_person.html", 400, title=person_name(found.title, found.full_name), p=found,
                           form=form, revoke=RevokeForm())
        try:
            done = people.change_role(s, v, user_id, form.role.data, True, now(), bureau_id=form.bureau.data)
        except people.Refused as why:
            getattr(form, why.field or "role").errors = [REFUSED.get(why.code, why.code)]
            return _render("people_person.html", 400, title=person_name(found.title, found.full_name), p=found,
                           form=form, revoke=RevokeForm())
    if done and done.changed:
        _after_role_change(user_id)
        flash(f"ให้บทบาท{role_th(form.role.data)}แก่ {person_name(found.title, found.full_name)} แล้ว")
    else:
        flash(f"{person_name(found.title, found.full_name)} มีบทบาทนี้อยู่แล้ว", "warning")
    return back("console.people.person", user_id=user_id)


@bp.post("/staff/<int:user_id>/revoke")
def revoke(user_id: int):
    v = viewer()
    access.require_admin(v)
    form = RevokeForm()
    form.validate()  # hidden fields: read as given, the service refuses what is not a role
    with db() as s:
        found = _person_or_404(s, user_id)
        try:
            done = people.change_role(s, v, user_id, form.role.data or "", False, now(),
                                      bureau_id=_int_or_none(form.bureau.data))
        except people.Refused as why:
            flash(REFUSED.get(why.code, REFUSED["role"]), "error")
            return _render("people_person.html", 400, title=person_name(found.title, found.full_name), p=found,
                           form=_grant_form(s, found), revoke=RevokeForm())
    if done and done.changed:
        _after_role_change(user_id)
        flash(f"ถอนบทบาท{role_th(form.role.data)}ของ {person_name(found.title, found.full_name)} แล้ว")
    else:
        flash("ไม่มีบทบาทนี้อยู่แล้ว", "warning")
    return back("console.people.person", user_id=user_id)


# -- bureaus -----------------------------------------------------------------------------------------------

@bp.get("/bureaus")
def bureaus():
    v = viewer()
    with db() as s:
        rows = people.bureau_rows(s, v, now())
    return _render("people_bureaus.html", title="สำนัก", rows=rows, form=BureauForm() if v.is_admin else None)


@bp.post("/bureaus")
def add_bureau():
    v = viewer()
    access.require_admin(v)
    form = BureauForm()
    with db() as s:
        if form.validate():
            try:
                made = people.add_bureau(s, v, form.code.data, form.name.data, now())
            except people.Refused as why:
                for field_name, code in why.problems.items():
                    getattr(form, field_name).errors = [REFUSED[code]]
            else:
                flash(f"เพิ่ม{made.name} (รหัส {made.code}) แล้ว")
                return back("console.people.bureaus")
        rows = people.bureau_rows(s, v, now())
    return _render("people_bureaus.html", 400, title="สำนัก", rows=rows, form=form)


def _bureau_or_404(s, bureau_id: int):
    found = people.bureau(s, viewer(), bureau_id)
    if found is None:
        abort(404)
    return found


@bp.get("/bureaus/<int:bureau_id>")
def bureau(bureau_id: int):
    v = viewer()
    with db() as s:
        b = _bureau_or_404(s, bureau_id)
        row = next(r for r in people.bureau_rows(s, v, now()) if r.id == b.id)
    return _render("people_bureau.html", title=b.name, b=row, form=RenameForm(name=b.name) if v.is_admin else None)


@bp.post("/bureaus/<int:bureau_id>")
def rename_bureau(bureau_id: int):
    v = viewer()
    access.require_admin(v)
    form = RenameForm()
    with db() as s:
        b = _bureau_or_404(s, bureau_id)
        old = b.name
        if form.validate():
            try:
                people.rename_bureau(s, v, b.id, form.name.data, now())
            except people.Refused as why:
                form.name.errors = [REFUSED[why.code]]
            else:
                flash(f"เปลี่ยนชื่อ{old}เป็น{b.name}แล้ว" if b.name != old else "ชื่อเดิม ไม่มีการเปลี่ยนแปลง")
                return back("console.people.bureau", bureau_id=b.id)
        row = next(r for r in people.bureau_rows(s, v, now()) if r.id == b.id)
    return _render("people_bureau.html", 400, title=old, b=row, form=form)


@bp.post("/bureaus/<int:bureau_id>/active")
def set_active(bureau_id: int):
    v = viewer()
    access.require_admin(v)
    active = request.form.get("active") == "1"
    with db() as s:
        b = people.set_bureau_active(s, v, bureau_id, active, now())
        if b is None:
            abort(404)
        name = b.name
    flash(f"เปิดใช้{name}อีกครั้งแล้ว" if active else
          f"ปิดใช้{name}แล้ว: รหัสเชิญของสำนักนี้ใช้ลงทะเบียนไม่ได้ และไม่แสดงให้เลือกในแชต")
    return back("console.people.bureau", bureau_id=bureau_id)


# -- invite codes ------------------------------------------------------------------------------------------

def _invite_form(s, formdata=None) -> InviteForm:
    form = InviteForm(formdata=formdata) if formdata is not None else InviteForm(
        bureau=request.args.get("bureau", type=int))
    form.bureau.choices = [(None, "— เลือกสำนัก —")] + people.bureau_choices(s, viewer(), active_only=True)
    return form


def _invites_page(s, form, status: int = 200):
    v = viewer()
    bureau_id = request.args.get("bureau", type=int)
    usable_only = request.args.get("show") != "all"
    result = people.invite_page(s, v, now(), bureau_id=bureau_id, usable_only=usable_only,
                                page=request.args.get("page", 1, type=int))
    return _render("people_invites.html", status, title="รหัสเชิญ", result=result, form=form,
                   choices=people.bureau_choices(s, v), bureau_id=bureau_id, usable_only=usable_only)


@bp.get("/invites")
def invites():
    with db() as s:
        return _invites_page(s, _invite_form(s) if viewer().is_admin else None)


@bp.post("/invites")
def create_invite():
    v = viewer()
    access.require_admin(v)
    with db() as s:
        form = _invite_form(s, request.form)
        if form.validate():
            if form.bureau.data is None:
                form.bureau.errors = ["กรุณาเลือกสำนัก"]
            else:
                try:
                    inv = people.create_invite(s, v, form.bureau.data, now(), uses=form.uses.data,
                                               days=form.days.data)
                except people.Refused as why:
                    getattr(form, why.field).errors = [REFUSED[why.code]]
                else:
                    invite_id, shown = inv.id, people.show_code(inv.code)
                    flash(f"สร้างรหัสเชิญ {shown} แล้ว พิมพ์บัตรเชิญได้จากหน้านี้")
                    return back("console.people.invite_card", invite_id=invite_id)
        return _invites_page(s, form, 400)


@bp.post("/invites/<int:invite_id>/revoke")
def revoke_invite(invite_id: int):
    v = viewer()
    access.require_admin(v)
    with db() as s:
        inv = people.revoke_invite(s, v, invite_id, now())
        if inv is None:
            abort(404)
        shown = people.show_code(inv.code)
    flash(f"ยกเลิกรหัสเชิญ {shown} แล้ว ใช้ลงทะเบียนไม่ได้อีก")
    return back("console.people.invites")


_BASIC_IDS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # one LINE call per gateway (process)


def _basic_id() -> str | None:
    gateway = current_app.extensions["bot"].gateway
    if gateway not in _BASIC_IDS:
        try:
            _BASIC_IDS[gateway] = gateway.get_bot_info().get("basicId")
        except GatewayError as exc:
            log.warning("bot info unavailable: %s", exc)  # the card prints without the QR
            return None
    return _BASIC_IDS[gateway]


@bp.get("/invites/<int:invite_id>/card")
def invite_card(invite_id: int):
    with db() as s:
        card = people.invite_card(s, viewer(), invite_id, now())
    if card is None:
        abort(404)
    basic_id = _basic_id()
    url = qr.add_friend_url(basic_id) if basic_id else None
    svg = qr.svg(url, label="QR เพิ่มเพื่อนบัญชี LINE ของสำนักงาน") if url else None
    return _render("people_card.html", title=f"บัตรเชิญ {card.bureau_name}", card=card, add_url=url,
                   basic_id=basic_id, qr_svg=svg)


# -- registrations waiting for approval ----------------------------------------------------------------------

@bp.get("/registrations")
def registrations():
    with db() as s:
        rows = people.waiting(s, viewer())
    return _render("people_registrations.html", title="คำขอลงทะเบียนที่รออนุมัติ", rows=rows)


def _decide(user_id: int, approve: bool):
    v = viewer()
    access.require_admin(v)
    with db() as s:
        decision = people.decide(s, v, user_id, approve, now())
        if decision is None:
            flash("คำขอนี้ได้รับการพิจารณาไปแล้ว หรือไม่มีอยู่", "warning")
            return back("console.people.registrations")
        # the same push the chat's admin.approve and the CLI send, in this transaction (told once)
        enqueue(s, decision.push_key, decision.line_user_id,
                [th_onboarding.approved_push() if approve else th_onboarding.rejected_push()])
        user = membership.get_user(s, user_id)
        who = person_name(user.title, user.full_name)
    if approve:
        _after_role_change(user_id)
    flash(f"อนุมัติ {who} แล้ว ระบบแจ้งทาง LINE ให้ทราบ" if approve else
          f"ไม่อนุมัติคำขอของ {who} แล้ว ระบบแจ้งทาง LINE ให้ทราบ")
    return back("console.people.registrations")


@bp.post("/registrations/<int:user_id>/approve")
def approve(user_id: int):
    return _decide(user_id, True)


@bp.post("/registrations/<int:user_id>/refuse")
def refuse(user_id: int):
    return _decide(user_id, False)
