"""The console's activity-register page (issue 16), with its role checks: admins import, copy and load the
criteria lists; the committee reads everything and the roll-up; a coordinator reads the activities their
bureau is responsible for. The rules themselves are bot/services/activities.py and rollup.py (the CLI's)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.services import activities, audit, rollup
from bot.services import report_forms as forms
from bot.services import rounds as svc
from bot.services.console_access import Viewer, require_admin, require_read_bureau, require_sees_all
from models.activities import Activity


def activities_for(s: Session, v: Viewer, fy_be: int, bureau_id: int | None = None) -> list[Activity]:
    if bureau_id is not None:
        require_read_bureau(v, bureau_id)
        return activities.list_for(s, fy_be, bureau_id)
    if v.sees_all:
        return activities.list_for(s, fy_be)
    seen: dict[int, Activity] = {}
    for bid in sorted(v.bureau_ids):
        for a in activities.list_for(s, fy_be, bid):
            seen[a.id] = a
    return sorted(seen.values(), key=lambda a: tuple(int(p) for p in a.code.split(".") if p.isdigit()))


def import_register(s: Session, v: Viewer, fy_be: int, data: bytes, filename: str,
                    now: datetime) -> activities.ImportResult:
    require_admin(v)
    result = activities.import_file(s, fy_be, data, filename, now)
    if result.ok:
        audit.record(s, v.user_id, "activities.import", f"fy:{fy_be}", now,
                     after={"created": result.created, "updated": result.updated})
    return result


def copy_register(s: Session, v: Viewer, from_fy: int, to_fy: int, now: datetime) -> int:
    require_admin(v)
    n = activities.copy_year(s, from_fy, to_fy, now)
    audit.record(s, v.user_id, "activities.copy", f"fy:{to_fy}", now, after={"from_fy": from_fy, "copied": n})
    return n


def import_criteria(s: Session, v: Viewer, kind: str, fy_be: int, data: bytes, filename: str,
                    now: datetime) -> activities.ImportResult:
    require_admin(v)
    before = [c.text for c in activities.criteria_of(s, kind, fy_be)]
    result = activities.import_criteria(s, kind, fy_be, data, filename, now)
    if result.ok:
        audit.record(s, v.user_id, "criteria.import", f"{kind}:{fy_be}", now, before={"count": len(before)},
                     after={"count": result.created})
    return result


def criteria(s: Session, v: Viewer, fy_be: int) -> dict[str, list]:
    """Each kind's criteria as the round will ask them (None: it asks the pledge items)."""
    return {kind: forms.criteria_of_kind(s, kind, fy_be) for kind in activities.CRITERIA_KINDS}


def plan_rounds(s: Session, fy_be: int) -> list:
    return [r for r in svc.rounds_of_fy(s, fy_be) if forms.uses_activities(r)]


def round_rollup(s: Session, v: Viewer, code: str, now: datetime) -> rollup.Rollup:
    """LookupError for an unknown round; the organisation's numbers are for admins and the committee."""
    require_sees_all(v)
    return rollup.compute(s, code, now)
