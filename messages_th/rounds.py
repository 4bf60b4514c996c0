"""Thai texts for reporting rounds: titles, statuses, and the admin's "แก้กำหนดส่ง" (change a due date) flow."""
from __future__ import annotations

from datetime import date

from messages_th import flex as fx
from messages_th.common import date_action, pb, quick_reply, text
from messages_th.dates import thai_date
# re-exported: the stored titles and the report form's criteria are reference data (services use them too)
from messages_th.reference_data import REPORT_CRITERIA as MORAL_ORG_CRITERIA  # noqa: F401
from messages_th.reference_data import ROUND_TITLES as TITLES, round_title  # noqa: F401

CHANGE_DUE_WORD = "แก้กำหนดส่ง"

SHORT = {"6m": "รอบ 6 เดือน", "9m": "รอบ 9 เดือน", "12m": "รอบ 12 เดือน",
         "moral-org": "องค์กรคุณธรรม", "bureau-eval": "ประเมินสำนัก"}
# One vocabulary for the status view, the digest and the export: "late" = sent after the due date,
# "overdue" = past the due date and not sent (whether or not a draft exists).
STATUS_TH = {"submitted": "ส่งแล้ว", "late": "ส่งช้า", "overdue": "เลยกำหนด ยังไม่ส่ง", "draft": "ร่าง",
             "not_started": "ยังไม่เริ่ม"}
STATUS_ICON = {"submitted": "✅", "late": "⏰", "overdue": "🔴", "draft": "📝", "not_started": "⬜"}




def short_label(key: str, fy_be: int) -> str:
    """Quick-reply label (≤ 20): `รอบ 6 เดือน 2570`."""
    return f"{SHORT.get(key, key)[:15]} {fy_be}"


def status_th(status: str) -> str:
    return f"{STATUS_ICON.get(status, '')} {STATUS_TH.get(status, status)}".strip()


def period_th(start: date, end: date) -> str:
    return f"{thai_date(start)} – {thai_date(end)}"


def round_line(title: str, start: date, end: date, due: date) -> str:
    return f"{title}\nช่วง {period_th(start, end)} · ส่งภายใน {thai_date(due)} (23:59 น.)"


# ---- admin: change a due date ---------------------------------------------------------------

def pick_round_for_due(rounds: list[tuple[str, str, int, date]]) -> dict:
    """rounds: (code, key, fy, due). Quick replies, one per round (≤ 13)."""
    lines = ["เลือกรอบรายงานที่ต้องการแก้กำหนดส่งครับ"]
    lines += [f"• {short_label(k, fy)}: ส่งภายใน {thai_date(due)}" for _, k, fy, due in rounds]
    items = [(short_label(k, fy), pb(short_label(k, fy), "rounds.pick", r=code)) for code, k, fy, _ in rounds[:13]]
    return text("\n".join(lines), quick_reply(items))


def no_rounds() -> dict:
    return text("ยังไม่มีรอบรายงานในปีงบประมาณนี้ครับ\nผู้ดูแลระบบเปิดปีงบประมาณได้ด้วยคำสั่ง flask --app bot fy-open <ปี>")


def ask_due_date(code: str, title: str, due: date, data: str) -> dict:
    body = [fx.txt(title, "sm", "bold"), fx.kv_row("กำหนดเดิม", thai_date(due))]
    footer = [fx.button("เลือกวันที่ใหม่", date_action("เลือกวันที่ใหม่", data, initial=due))]
    return fx.flex(f"แก้กำหนดส่ง {title}", fx.bubble("แก้กำหนดส่ง", body, footer))


def confirm_due(code: str, title: str, old: date, new: date) -> dict:
    body = [fx.txt(title, "sm", "bold"), fx.kv_row("กำหนดเดิม", thai_date(old)),
            fx.kv_row("กำหนดใหม่", thai_date(new))]
    footer = [fx.button("ยืนยัน", pb("ยืนยัน", "rounds.setdue", r=code, d=new.isoformat())),
              fx.button("ยกเลิก", pb("ยกเลิก", "rounds.keep", r=code), "secondary")]
    return fx.flex(f"ยืนยันกำหนดส่งใหม่ {thai_date(new)}", fx.bubble("ยืนยันกำหนดส่ง", body, footer))


def due_changed(title: str, new: date) -> dict:
    return text(f"แก้กำหนดส่งเรียบร้อยแล้วครับ ✅\n{title}\nส่งภายใน {thai_date(new)} เวลา 23:59 น.")


def due_kept() -> dict:
    return text("ไม่ได้แก้กำหนดส่งครับ กำหนดเดิมยังใช้อยู่")


def bad_date() -> dict:
    return text("ไม่ได้รับวันที่ที่เลือกครับ ลองกดปุ่ม \"เลือกวันที่ใหม่\" อีกครั้ง")


