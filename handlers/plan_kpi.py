"""Flow: the plan's KPI on demand — the word KW_KPI (committee, admin) replies with the roll-up card of the
current (else the latest) 6/9/12-month round (bot/services/rollup.py). One step, nothing is asked."""
from __future__ import annotations

from bot.services import activities, rollup
from bot.services import report_forms as forms
from bot.services import rounds as svc
from messages_th import rollup as th
from messages_th.dates import fiscal_year_be, today_bkk
from models.enums import Role


def _plan_round(ctx):
    """The round whose due date is nearest ahead, else the last one past (of the plan's rounds this FY)."""
    today = today_bkk(ctx.now)
    plan = [r for r in svc.rounds_of_fy(ctx.session, fiscal_year_be(today)) if forms.uses_activities(r)]
    ahead = sorted((r for r in plan if r.due_date >= today), key=lambda r: r.due_date)
    past = sorted((r for r in plan if r.due_date < today), key=lambda r: r.due_date)
    return ahead[0] if ahead else (past[-1] if past else None)


def show_kpi(ctx):
    rnd = _plan_round(ctx)
    if rnd is None:
        return [th.no_round()]
    if not activities.list_for(ctx.session, rnd.fy):
        return [th.no_register(rnd.fy)]
    return [th.kpi_card(rollup.compute(ctx.session, rnd.code, ctx.now))]


def register(router) -> None:
    router.text(th.KW_KPI, show_kpi, *th.ALIASES, role=Role.COMMITTEE)
