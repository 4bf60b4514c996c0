"""The activity register (issue 16): import from the shipped template (CSV or XLSX), all rows or none, with
every problem named by row and column; re-import updates by code; copy a year's register into the next.

Codes are stored with Arabic digits ("1.2.3"; "๑.๒.๓" typed is the same code). Responsible bureaus are named by
code or name, several separated by commas, semicolons or new lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, delete, select

from bot.services import table_import as ti
from bot.services.numbers import normalize as normalize_digits
from messages_th.dates import end_of_day_bkk, start_of_day_bkk
from messages_th.reference_data import ACTIVITY_COLUMNS
from messages_th.reference_data import CRITERIA_COLUMNS as CRITERIA_COLUMNS_TH
from models.activities import Activity, ActivityBureau, CriteriaItem
from models.campaigns import Campaign, CampaignResponse
from models.core import Bureau, User

_LIMITS = {"code": 20, "name": 500, "measure": 500, "sub_measure": 500, "indicator": 1000, "unit": 60,
           "period": 200, "bureaus": 2000}
COLUMNS = tuple(ti.Column(key, header, required=key in ("code", "name", "bureaus"), max_len=_LIMITS.get(key))
                for key, header in ACTIVITY_COLUMNS)
_COL = {c.key: c for c in COLUMNS}
_CODE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,3}$")
_SPLIT = re.compile(r"[,;\n\u200b]+")


def normalize_code(text: str) -> str:
    return normalize_digits(text or "").replace(" ", "").strip(".")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    untouched: list[str] = field(default_factory=list)  # codes of the year not in the file (kept)
    errors: list[ti.RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _bureau_lookup(s: Session) -> dict[str, int]:
    out = {}
    for b in s.exec(select(Bureau).where(Bureau.active.is_(True))):
        out[b.code.lower()] = b.id
        out[" ".join(b.name.split())] = b.id
    return out


def _validate(s: Session, table: ti.Table) -> list[tuple[dict, list[int]]]:
    bureaus = _bureau_lookup(s)
    seen: dict[str, int] = {}
    out = []
    for number, row in table.rows:
        code = normalize_code(row["code"])
        if row["code"] and not _CODE.match(code):
            table.errors.append(ti.RowError(number, _COL["code"].header, "format", row["code"]))
        elif code in seen:
            table.errors.append(ti.RowError(number, _COL["code"].header, "duplicate", row["code"]))
        seen.setdefault(code, number)
        ids = []
        for name in (" ".join(p.split()) for p in _SPLIT.split(row["bureaus"] or "")):
            if not name:
                continue
            bid = bureaus.get(name) or bureaus.get(name.lower())
            if bid is None:
                table.errors.append(ti.RowError(number, _COL["bureaus"].header, "unknown", name))
            elif bid not in ids:
                ids.append(bid)
        target = ti.check(table, number, _COL["target"], row["target"], ti.parse_number)
        budget = ti.check(table, number, _COL["budget"], row["budget"], ti.parse_number)
        values = {k: " ".join((row[k] or "").split()) for k in ("name", "measure", "sub_measure", "indicator",
                                                                  "unit", "period")}
        values.update(code=code, target=target, budget=budget)
        out.append((values, ids))
    return out


def import_file(s: Session, fy_be: int, data: bytes, filename: str, now: datetime) -> ImportResult:
    """Validate every row; write only when none is wrong (the caller's transaction)."""
    table = ti.read(data, filename, COLUMNS)
    result = ImportResult(errors=table.errors)
    if table.errors:
        return result
    rows = _validate(s, table)
    if table.errors:
        return result
    existing = {a.code: a for a in s.exec(select(Activity).where(Activity.fy == fy_be))}
    for values, bureau_ids in rows:
        act = existing.pop(values["code"], None)
        if act is None:
            act = Activity(fy=fy_be, created_at=now, **values)
            result.created += 1
        else:
            for k, v in values.items():
                setattr(act, k, v)
            result.updated += 1
        act.updated_at = now
        s.add(act)
        s.flush()
        s.exec(delete(ActivityBureau).where(ActivityBureau.activity_id == act.id))
        for bid in bureau_ids:
            s.add(ActivityBureau(activity_id=act.id, bureau_id=bid))
    result.untouched = sorted(existing)
    s.flush()
    return result


def _sort_key(code: str) -> tuple:
    return tuple(int(p) for p in code.split(".") if p.isdigit())


def list_for(s: Session, fy_be: int, bureau_id: int | None = None) -> list[Activity]:
    q = select(Activity).where(Activity.fy == fy_be)
    if bureau_id is not None:
        q = q.join(ActivityBureau, ActivityBureau.activity_id == Activity.id).where(
            ActivityBureau.bureau_id == bureau_id)
    return sorted(s.exec(q), key=lambda a: _sort_key(a.code))


def bureaus_of(s: Session, activity_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {i: [] for i in activity_ids}
    if activity_ids:
        for link in s.exec(select(ActivityBureau).where(ActivityBureau.activity_id.in_(activity_ids))):
            out[link.activity_id].append(link.bureau_id)
    return out


def copy_year(s: Session, from_fy: int, to_fy: int, now: datetime) -> int:
    """Copy the register into another year; codes that year already has are left as they are."""
    have = {a.code for a in s.exec(select(Activity).where(Activity.fy == to_fy))}
    source = list_for(s, from_fy)
    links = bureaus_of(s, [a.id for a in source])
    n = 0
    for a in source:
        if a.code in have:
            continue
        copy = Activity(fy=to_fy, code=a.code, name=a.name, measure=a.measure, sub_measure=a.sub_measure,
                        indicator=a.indicator, unit=a.unit, target=a.target, period="", budget=None,
                        created_at=now, updated_at=now)
        s.add(copy)
        s.flush()
        for bid in links[a.id]:
            s.add(ActivityBureau(activity_id=copy.id, bureau_id=bid))
        n += 1
    s.flush()
    return n


def attendance(s: Session, rnd, bureau_id: int, activity_id: int) -> int:
    """Distinct staff of the bureau who checked in, within the round's period, at campaigns linked to the
    activity (each person once, however many of its campaigns they joined)."""
    q = (select(func.count(func.distinct(CampaignResponse.user_id)))
         .join(Campaign, Campaign.id == CampaignResponse.campaign_id)
         .join(User, User.id == CampaignResponse.user_id)
         .where(Campaign.activity_id == activity_id, User.bureau_id == bureau_id,
                CampaignResponse.checked_in_at.is_not(None),
                Campaign.starts_at >= start_of_day_bkk(rnd.period_start),
                Campaign.starts_at <= end_of_day_bkk(rnd.period_end)))
    return int(s.exec(q).one())


# -- loadable criteria lists (moral-organisation, bureau evaluation) -------------------------------------

CRITERIA_KINDS = ("moral-org", "bureau-eval", "nom-person", "nom-bureau")
CRITERIA_COLUMNS = tuple(ti.Column(key, header, required=True, max_len=1000 if key == "text" else 3)
                         for key, header in CRITERIA_COLUMNS_TH)


def import_criteria(s: Session, kind: str, fy_be: int, data: bytes, filename: str, now: datetime) -> ImportResult:
    """Replace the year's list of `kind` with the file's rows (numbered 1, 2, 3 … in the "ข้อ" column); all rows
    or none. A report already submitted keeps the answers it has (keyed by position)."""
    if kind not in CRITERIA_KINDS:
        raise ValueError(kind)
    table = ti.read(data, filename, CRITERIA_COLUMNS)
    result = ImportResult(errors=table.errors)
    if table.errors:
        return result
    rows, seen = [], set()
    col_pos = CRITERIA_COLUMNS[0]
    for number, row in table.rows:
        pos = ti.check(table, number, col_pos, row["position"], ti.parse_number)
        if pos is None:
            continue
        if pos != int(pos) or pos < 1:
            table.errors.append(ti.RowError(number, col_pos.header, "format", row["position"]))
        elif int(pos) in seen:
            table.errors.append(ti.RowError(number, col_pos.header, "duplicate", row["position"]))
        seen.add(int(pos))
        rows.append((int(pos), " ".join(row["text"].split())))
    if table.errors:
        return result
    s.exec(delete(CriteriaItem).where(CriteriaItem.kind == kind, CriteriaItem.fy == fy_be))
    for pos, text in sorted(rows):
        s.add(CriteriaItem(kind=kind, fy=fy_be, position=pos, text=text, created_at=now))
    result.created = len(rows)
    s.flush()
    return result


def criteria_of(s: Session, kind: str, fy_be: int) -> list[CriteriaItem]:
    return list(s.exec(select(CriteriaItem).where(CriteriaItem.kind == kind, CriteriaItem.fy == fy_be)
                       .order_by(CriteriaItem.position)))
