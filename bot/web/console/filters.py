"""Jinja filters for the console's Thai text: พ.ศ. dates in Bangkok time, Thai numbers, role and virtue names."""
from __future__ import annotations

from messages_th import dates as thd
from messages_th.common import role_th
from messages_th.reports import amount
from messages_th.virtues import VIRTUES

_NAMES = {v.key: v.name for v in VIRTUES}  # the plan's order and words


def _thai_date(value):
    return thd.thai_date(value) if value else "–"


def _thai_datetime(value):
    return thd.thai_datetime(value) if value else "–"


def _number(value):
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _virtue(key):
    return _NAMES.get(key, key or "–")


def register(app) -> None:
    app.add_template_filter(_thai_date, "thai_date")
    app.add_template_filter(_thai_datetime, "thai_datetime")
    app.add_template_filter(thd.be_year, "be_year")
    app.add_template_filter(_number, "num")
    app.add_template_filter(role_th, "role_th")
    app.add_template_filter(_virtue, "virtue_th")
    app.add_template_filter(lambda v, unit="": "–" if v is None else amount(v, unit), "amount")
