"""Console page: ภาพรวม. A fiscal year at a glance (deeds and participants by week, by virtue, by bureau with
the digest's small-group rule, the current round's status per bureau, upcoming due dates and campaigns).
Routes only: the numbers and who sees which are bot/services/console_overview.py's."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from bot.services import console_overview as rule
from bot.web.console import svg
from bot.web.console.guard import db, now, viewer
from messages_th import virtues
from messages_th.dates import MONTHS_SHORT, days_left_text, thai_date_range
from messages_th.digest import OTHER
from messages_th.rounds import STATUS_TH

bp = Blueprint("overview", __name__, url_prefix="/")

STATUS_BADGE = {"submitted": "sent", "late": "late", "overdue": "overdue", "draft": "draft", "not_started": ""}


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole and part is not None else None


def bureau_label(row: dict) -> str:
    """A bureau's name, or the small bureaus' group (named only when the group hides no one)."""
    if row["name"]:
        return row["name"]
    if row.get("members"):
        return f"{OTHER} ({row['grouped']} สำนัก: {', '.join(row['members'])})"
    return f"{OTHER} ({row['grouped']} สำนัก)"


def week_label(start, end) -> str:
    """`8–14 มี.ค.` as the digest names a week; a week of one day (the year's first or today) `1 ต.ค.`."""
    if start == end:
        return f"{start.day} {MONTHS_SHORT[start.month - 1]}"
    return thai_date_range(start, end, year=False)


@bp.get("/")
def index():
    v = viewer()
    with db() as s:
        choices = rule.years(s, now())
        fy = request.args.get("fy", type=int)
        if fy not in choices:
            fy = None  # an unknown year in the URL: this year, not an error page
        d = rule.overview(s, v, now(), fy)
        d["years"] = choices
    labels = [week_label(w.start, w.end) for w in d["weeks"]]
    d["trend_svg"] = svg.column_chart(
        f"ความดีและผู้ร่วมบันทึกรายสัปดาห์ ปีงบประมาณ พ.ศ. {d['fy']}", labels, [w.deeds for w in d["weeks"]],
        line=None if d["hide_people"] else [w.participants for w in d["weeks"]],
        names=("ความดี", "ผู้ร่วมบันทึก"),
        ticks=[f"{w.start.day} {MONTHS_SHORT[w.start.month - 1]}" for w in d["weeks"]])
    d["week_labels"] = labels
    names = {x.key: x for x in virtues.VIRTUES}
    d["virtue_svg"] = svg.bar_list(
        "ความดีตามคุณธรรม",
        [(names[k].name if k in names else k, n, f"{n:,}") for k, n in d["by_virtue"]],
        colors=[names[k].color if k in names else "#5f6b7a" for k, _ in d["by_virtue"]])
    for row in d["bureaus"]:
        row["label"] = bureau_label(row)
        row["pct"] = _pct(row["participants"], row["staff"])
    shown = [r for r in d["bureaus"] if r["pct"] is not None]
    d["bureau_svg"] = svg.bar_list("สัดส่วนผู้ร่วมบันทึกความดี ตามสำนัก",
                                   [(r["label"], r["pct"], f"{r['pct']:.0f}%") for r in shown],
                                   top=100) if shown else None
    d["due_rounds"] = [(title, due, days_left_text((due - d["today"]).days)) for title, due in d["upcoming"]["rounds"]]
    d["grouped"] = next((r for r in d["bureaus"] if not r["name"]), None)
    return render_template("console/overview.html", title="ภาพรวม", d=d, status_th=STATUS_TH,
                           status_badge=STATUS_BADGE, other=OTHER)
