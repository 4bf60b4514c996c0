"""The chat's card of the plan's KPI for a round (committee and admin): activities done ÷ planned, overall and
per measure, and the bureaus that have not sent the round (bot/services/rollup.py)."""
from __future__ import annotations

from messages_th import flex as fx
from messages_th.activities import code_th
from messages_th.common import clip, keyword_replies, text

KW_KPI = "ผลตามแผน"
ALIASES = ("ร้อยละความสำเร็จ", "kpi")


def _pct(value) -> str:
    return "-" if value is None else f"ร้อยละ {value:g}"


def kpi_card(r) -> dict:
    body = [fx.txt("ร้อยละความสำเร็จ (กิจกรรมที่ดำเนินการแล้ว ÷ กิจกรรมตามแผน)", "xs", color=fx.MUTED),
            fx.txt(f"{_pct(r.kpi.percent)} · {r.kpi.done}/{r.kpi.planned} กิจกรรม", "xl", "bold")]
    for m in r.measures[:8]:
        body.append(fx.kv_row(f"มาตรการที่ {code_th(m.key)}", f"{m.done}/{m.planned} · {_pct(m.percent)}"))
    missing = r.not_reported
    body.append(fx.separator())
    if missing:
        names = ", ".join(name for _, name, _ in missing[:6]) + (f" และอีก {len(missing) - 6} สำนัก"
                                                                  if len(missing) > 6 else "")
        body.append(fx.txt(f"ยังไม่ส่งรายงานรอบนี้ {len(missing)} สำนัก: {names}", "sm", wrap=True))
    else:
        body.append(fx.txt("ทุกสำนักส่งรายงานรอบนี้แล้ว", "sm"))
    body.append(fx.txt("ตัวเลขจากรายงานล่าสุดที่สำนักส่ง · ดูรายละเอียดและดาวน์โหลดได้ที่แดชบอร์ด", "xxs",
                       color=fx.MUTED))
    return fx.flex(f"ผลตามแผน {r.title}: {_pct(r.kpi.percent)}",
                   fx.bubble(clip(r.title, 60), body))


def no_register(fy: int) -> dict:
    return text(f"ยังไม่มีทะเบียนกิจกรรมตามแผนของปีงบประมาณ {fy} ครับ\n"
                "ผู้ดูแลระบบนำเข้าได้จากแม่แบบ (flask activities import หรือที่แดชบอร์ด)",
                keyword_replies("แดชบอร์ด"))


def no_round() -> dict:
    return text("ยังไม่มีรอบรายงานตามแผน (6, 9, 12 เดือน) ในปีงบประมาณนี้ครับ")
