"""Thai rendering of the weekly digest: a Flex bubble, a bar chart (PNG) and the same numbers as plain text."""
from __future__ import annotations

from messages_th import virtues
from messages_th.art import render_bar_chart
from messages_th.common import pb, text
from messages_th.dates import thai_date, thai_datetime
from messages_th.rounds import STATUS_TH
from messages_th.flex import MUTED, bubble, button, flex, kv_row, separator, txt

KW_DIGEST = "สรุปสัปดาห์"
OTHER = "อื่น ๆ"


def _name(row: dict) -> str:
    return row["name"] or f"{OTHER} ({row['grouped']} สำนัก)"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _change(last: int, prev: int) -> str:
    diff = last - prev
    return f"{last:,} ({'+' if diff >= 0 else ''}{diff:,} จากสัปดาห์ก่อน)"


def lines(d: dict) -> list[str]:
    """Every number of the digest as text lines (the preview and the alt text use these)."""
    out = [f"สรุปความดีประจำสัปดาห์ {thai_date(d['last_monday'])} – สัปดาห์ที่ {d['week']}",
           f"ความดีทั้งหมด: {_change(d['deeds_last'], d['deeds_prev'])}",
           f"ผู้ร่วมบันทึก: {d['participants']:,}/{d['staff']:,} คน ({_pct(d['participants'], d['staff'])})",
           "ตามคุณธรรม:"]
    for key, (last, prev) in sorted(d["by_virtue"].items(), key=lambda kv: -kv[1][0]):
        out.append(f"  {virtues.name_th(key)}: {_change(last, prev)}")
    out.append("ตามสำนัก (ความดี / ผู้ร่วม / บุคลากร):")
    for row in d["bureaus"]:
        out.append(f"  {_name(row)}: {row['deeds']:,} / {row['participants']:,} / {row['staff']:,}"
                   f" ({_pct(row['participants'], row['staff'])})")
    rnd = d.get("round")
    if rnd:
        c = rnd["counts"]
        out.append(f"รายงาน {rnd['title']} (ส่ง {thai_date(rnd['due'])}): " +
                   ", ".join(f"{STATUS_TH[k]} {c[k]}" for k in STATUS_TH))
    for title, due in d["upcoming"]["rounds"]:
        out.append(f"กำหนดส่ง: {title} {thai_date(due)}")
    for title, at in d["upcoming"]["campaigns"]:
        out.append(f"กิจกรรม: {title} {thai_datetime(at)}")
    count, head = d["ledger"]
    out.append(f"สมุดบันทึก: {count:,} รายการ, hash ล่าสุด {head[:16]}…")
    return out


def preview_text(d: dict) -> str:
    return "\n".join(lines(d))


def chart_png(d: dict) -> bytes:
    series = [(_name(r), round(100 * r["participants"] / r["staff"], 1) if r["staff"] else 0) for r in d["bureaus"]]
    return render_bar_chart("สัดส่วนผู้ร่วมบันทึกความดี (%)", series[:20],
                            subtitle=f"สัปดาห์ของ {thai_date(d['last_monday'])}", max_value=100)


def digest_messages(d: dict, chart_url: str | None) -> list[dict]:
    body = [kv_row("ความดี", _change(d["deeds_last"], d["deeds_prev"])),
            kv_row("ผู้ร่วม", f"{d['participants']:,}/{d['staff']:,} ({_pct(d['participants'], d['staff'])})"),
            separator()]
    for key, (last, _prev) in sorted(d["by_virtue"].items(), key=lambda kv: -kv[1][0]):
        body.append(kv_row(virtues.name_th(key), f"{last:,}"))
    rnd = d.get("round")
    if rnd:
        body += [separator(), txt(rnd["title"], "sm", "bold")]
        body += [kv_row(STATUS_TH[k], f"{v} สำนัก") for k, v in rnd["counts"].items()]
    count, head = d["ledger"]
    body += [separator(), txt(f"สมุดบันทึก {count:,} รายการ · {head[:12]}", "xs", color=MUTED)]
    footer = [button("ดูสรุปล่าสุด", pb("ดูสรุปล่าสุด", "digest.show"), "secondary")]
    msgs = [flex(" | ".join(lines(d)[:3]), bubble(f"สรุปสัปดาห์ {d['week']}", body, footer))]
    if chart_url:
        msgs.append({"type": "image", "originalContentUrl": chart_url, "previewImageUrl": chart_url})
    return msgs


def bureau_digest(d: dict, row: dict) -> dict:
    return text(f"สรุปสัปดาห์ของ {row['name']} ({d['week']})\nความดี {row['deeds']:,} รายการ\n"
                f"ผู้ร่วมบันทึก {row['participants']:,}/{row['staff']:,} คน ({_pct(row['participants'], row['staff'])})"
                "\nพิมพ์ \"ปิดสรุปสำนัก\" หากไม่ต้องการรับ")
