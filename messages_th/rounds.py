"""Thai texts for reporting rounds: titles, statuses, and the admin's "แก้กำหนดส่ง" (change a due date) flow."""
from __future__ import annotations

from datetime import date

from messages_th import flex as fx
from messages_th.common import date_action, pb, quick_reply, text
from messages_th.dates import thai_date

CHANGE_DUE_WORD = "แก้กำหนดส่ง"

TITLES = {
    "6m": "รายงานรอบ 6 เดือน",
    "9m": "รายงานรอบ 9 เดือน",
    "12m": "รายงานรอบ 12 เดือน",
    "moral-org": "รายงานองค์กรคุณธรรมต้นแบบ",
    "bureau-eval": "รายงานผลการดำเนินการเพื่อประเมินสำนักที่มีผลงานส่งเสริมตามประมวลจริยธรรม",
}
SHORT = {"6m": "รอบ 6 เดือน", "9m": "รอบ 9 เดือน", "12m": "รอบ 12 เดือน",
         "moral-org": "องค์กรคุณธรรม", "bureau-eval": "ประเมินสำนัก"}
# One vocabulary for the status view, the digest and the export: "late" = sent after the due date,
# "overdue" = past the due date and not sent (whether or not a draft exists).
STATUS_TH = {"submitted": "ส่งแล้ว", "late": "ส่งช้า", "overdue": "เลยกำหนด ยังไม่ส่ง", "draft": "ร่าง",
             "not_started": "ยังไม่เริ่ม"}
STATUS_ICON = {"submitted": "✅", "late": "⏰", "overdue": "🔴", "draft": "📝", "not_started": "⬜"}


def round_title(key: str, fy_be: int) -> str:
    return f"{TITLES.get(key, key)} ปีงบประมาณ พ.ศ. {fy_be}"


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


# The moral-organization round reports against the plan's nine criteria of a model moral organization
# (แผนปฏิบัติการด้านการส่งเสริมคุณธรรมแห่งชาติ ระยะที่ ๒, as quoted in the plan), not against the pledge items.
# The plan's text has "ปัญหาที่ยากแค้น / ความดีที่ยากทำ" in 7) and 8): a typo of the pledge's own words, fixed here.
MORAL_ORG_CRITERIA = (
    "ประกาศข้อตกลง (เจตนารมณ์/ธรรมนูญ/ปฏิญญา) ร่วมกันของผู้บริหารและสมาชิกที่จะพัฒนาเป็นองค์กรคุณธรรม",
    "กำหนดคุณธรรมเป้าหมาย \"ปัญหาที่อยากแก้\" และ \"ความดีที่อยากทำ\" ที่สอดคล้องกับปัญหาคุณธรรมขององค์กร",
    "จัดทำแผนการดำเนินงานด้านส่งเสริมคุณธรรม และจัดบุคลากร/ทีมงาน/ผู้รับผิดชอบตามคุณธรรมเป้าหมาย",
    "ผลสำเร็จของการดำเนินงาน/กิจกรรมส่งเสริมคุณธรรมตามคุณธรรมเป้าหมายและแผนงาน อย่างเป็นระบบและต่อเนื่อง",
    "ระบบติดตาม รายงานประเมินผล และกิจกรรมรณรงค์ แลกเปลี่ยนเรียนรู้ เพื่อปรับปรุงการส่งเสริมคุณธรรม",
    "การยกย่อง เชิดชู การทำความดีหรือบุคคลผู้มีความดี (บุคคลคุณธรรม โครงการดีเด่น ส่วนงานดีเด่น ฯลฯ)",
    "ผลสำเร็จตาม \"ปัญหาที่อยากแก้\" และ \"ความดีที่อยากทำ\" ตามคุณธรรม พอเพียง วินัย สุจริต จิตอาสา เพิ่มขึ้น",
    "เพิ่มประเด็นคุณธรรมเป้าหมายในมิติหลักศาสนาและหลักปรัชญาของเศรษฐกิจพอเพียง อย่างชัดเจน",
    "องค์ความรู้จากการดำเนินงานองค์กรคุณธรรม เป็นแหล่งเรียนรู้ และถ่ายทอดขยายผลสู่องค์กรอื่นได้",
)
