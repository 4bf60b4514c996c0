"""Thai rendering of the weekly digest: a Flex bubble, a chart (PNG) and the same numbers as plain text.

What a committee member acts on comes first and by name (bureaus late or overdue with their report); everything
else is counted. Weeks are named by their Thai date range ("8–14 มี.ค. 2570"), never by an ISO week code.
"""
from __future__ import annotations

from datetime import timedelta

from messages_th import flex as fx
from messages_th import virtues
from messages_th.art_digest import render_digest_chart
from messages_th.common import clip, pb, text
from messages_th.dates import days_left_text, thai_date, thai_date_range, thai_datetime
from messages_th.rounds import STATUS_ICON, STATUS_TH
from messages_th.survey import rate_line as survey_rate

KW_DIGEST = "สรุปสัปดาห์"
OTHER = "อื่น ๆ"
LEDGER_NOTE = "รหัสตรวจสอบสมุดความดี — ใช้ยืนยันว่าไม่มีการแก้ไขย้อนหลัง"
FLAGGED = ("overdue", "late")  # what the committee follows up: named; the other statuses are counted
MAX_NAMED = 40                 # more than an office has; beyond it "และอีก N สำนัก" keeps the bubble in LINE's limit
MAX_UPCOMING = 5


def week_th(d: dict, *, year: bool = True) -> str:
    """The digest's week as the office names it: `8–14 มี.ค. 2570`."""
    return thai_date_range(d["last_monday"], d.get("week_end") or d["last_monday"] + timedelta(days=6), year=year)


def _name(row: dict, limit: int | None = None) -> str:
    cut = (lambda s: clip(s, limit)) if limit else (lambda s: s)
    if row["name"]:
        return cut(row["name"])
    if row.get("members"):  # named only when the group hides no one (bot/services/digest.py)
        return f"{OTHER} ({row['grouped']} สำนัก: {', '.join(cut(m) for m in row['members'])})"
    return f"{OTHER} ({row['grouped']} สำนัก)"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _change(last: int, prev: int) -> str:
    diff = last - prev
    return f"{last:,} ({'+' if diff >= 0 else ''}{diff:,} จากสัปดาห์ก่อน)"


def _avg(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _against(last: int, before: list[int]) -> str:
    """`▲ สูงกว่าค่าเฉลี่ย 4 สัปดาห์ก่อน (1.5)`; empty without history."""
    avg = _avg(before)
    if avg is None:
        return ""
    arrow, word = ("▲", "สูงกว่า") if last > avg else ("▼", "ต่ำกว่า") if last < avg else ("▬", "เท่ากับ")
    return f"{arrow} {word}ค่าเฉลี่ย {len(before)} สัปดาห์ก่อน ({_num(avg)})"


def _virtue_rows(d: dict) -> list[tuple[str, int, int, list[int]]]:
    """(key, last week, the week before, the weeks before last) for all five virtues in the plan's order."""
    weeks = d.get("virtue_weeks") or {}
    keys = list(virtues.KEYS) + [k for k in d["by_virtue"] if k not in virtues.BY_KEY]
    out = []
    for key in keys:
        last, prev = d["by_virtue"].get(key, [0, 0])
        out.append((key, last, prev, list(weeks.get(key, [0] * (len(d.get("weeks") or []) or 1)))[:-1]))
    return out


def _flagged(rnd: dict) -> dict[str, list[str]]:
    return {k: [name for name, _id, st in rnd.get("table", []) if st == k] for k in FLAGGED}


def _days(d: dict, day) -> str:
    today = d.get("today")
    return f" ({days_left_text((day - today).days)})" if today else ""


def _privacy_note(d: dict) -> str | None:
    group = next((r for r in d["bureaus"] if not r["name"]), None)
    if group is None:
        return None
    return (f"{OTHER}: สำนักที่มีบุคลากรไม่ถึง {d.get('min_group', 5)} คนแสดงรวมกัน เพื่อไม่ให้ระบุตัวบุคคลได้")


def _survey_bureaus(sv: dict, limit: int | None = None) -> str:
    """Each bureau's rate, lowest first (whom to encourage), small bureaus together as everywhere."""
    rows = sorted(sv["bureaus"], key=lambda r: (r["participants"] / r["staff"] if r["staff"] else 2, r["name"] or ""))
    return " · ".join(f"{_name(r, limit)} {_pct(r['participants'], r['staff'])}" for r in rows)


def _survey_row(sv: dict, n: int) -> dict:
    """The digest card's one row for the ITA survey drive: the rate, the last day, then by bureau."""
    when = f"ตอบได้ถึง {thai_date(sv['closes'])}" if sv["open"] else "ปิดรับแล้ว"
    return fx.kv_row("แบบสำรวจ ITA", f"{survey_rate(sv['answered'], sv['invited'])} · {when}\n"
                                     f"{_survey_bureaus(sv, n)}")


def lines(d: dict) -> list[str]:
    """Every number of the digest as text lines (the preview and the alt text use these)."""
    weeks = d.get("weeks") or []
    out = [f"สรุปความดีประจำสัปดาห์ {week_th(d)}",
           f"ความดีทั้งหมด: {_change(d['deeds_last'], d['deeds_prev'])}",
           f"ผู้ร่วมบันทึก: {d['participants']:,}/{d['staff']:,} คน ({_pct(d['participants'], d['staff'])})"]
    if len(weeks) > 1:
        out.append(f"แนวโน้ม {len(weeks)} สัปดาห์: " + " → ".join(f"{w['deeds']:,}" for w in weeks) +
                   f" รายการ · {_against(weeks[-1]['deeds'], [w['deeds'] for w in weeks[:-1]])}")
    out.append("ตามคุณธรรม:")
    for key, last, prev, before in _virtue_rows(d):
        trend = _against(last, before) if len(before) > 1 else ""
        out.append(f"  {virtues.name_th(key)}: {_change(last, prev)}" + (f" {trend}" if trend else ""))
    rnd = d.get("round")
    if rnd:
        c = rnd["counts"]
        out.append(f"รายงาน {rnd['title']} (ส่ง {thai_date(rnd['due'])}): " +
                   ", ".join(f"{STATUS_TH[k]} {c[k]}" for k in STATUS_TH))
        for k, names in _flagged(rnd).items():
            if names:
                out.append(f"  {STATUS_TH[k]}: {', '.join(names)}")
    if sv := d.get("survey"):
        out.append(f"แบบสำรวจ ITA \"{sv['title']}\": {survey_rate(sv['answered'], sv['invited'])}"
                   f" ({'ตอบได้ถึง ' + thai_date(sv['closes']) if sv['open'] else 'ปิดรับแล้ว'})")
        out.append(f"  ตามสำนัก: {_survey_bureaus(sv)}")
    out.append("ตามสำนัก (ความดี / ผู้ร่วม / บุคลากร):")
    for row in d["bureaus"]:
        out.append(f"  {_name(row)}: {row['deeds']:,} / {row['participants']:,} / {row['staff']:,}"
                   f" ({_pct(row['participants'], row['staff'])})")
    if note := _privacy_note(d):
        out.append(f"  ({note})")
    up = d["upcoming"]
    for title, due in up["rounds"]:
        out.append(f"กำหนดส่ง: {title} {thai_date(due)}{_days(d, due)}")
    for title, at in up["campaigns"]:
        out.append(f"กิจกรรม: {title} {thai_datetime(at)}")
    if not up["rounds"] and not up["campaigns"]:
        out.append(f"ไม่มีกำหนดส่งหรือกิจกรรมใน {up.get('days', 30)} วันข้างหน้า")
    count, head = d["ledger"]
    out.append(f"{LEDGER_NOTE}: {head[:16]}… (สมุดบันทึกความดี {count:,} รายการ)")
    return out


def preview_text(d: dict) -> str:
    return "\n".join(lines(d))


def chart_png(d: dict) -> bytes:
    weeks = d.get("weeks") or [{"start": d["last_monday"], "end": d["last_monday"] + timedelta(days=6),
                                "deeds": d["deeds_last"]}]
    before = [w["deeds"] for w in weeks[:-1]]
    avg = _avg(before)
    series = [(_name(r, 60), round(100 * r["participants"] / r["staff"], 1) if r["staff"] else 0)
              for r in d["bureaus"]]
    return render_digest_chart(
        f"สรุปสัปดาห์ {week_th(d)}",
        f"ความดี {d['deeds_last']:,} รายการ · ผู้ร่วมบันทึก {d['participants']:,}/{d['staff']:,} คน"
        f" ({_pct(d['participants'], d['staff'])})",
        "ความดีรายสัปดาห์", [(thai_date_range(w["start"], w["end"], year=False), w["deeds"]) for w in weeks],
        avg, f"--- เฉลี่ย {len(before)} สัปดาห์ก่อน {_num(avg)}" if avg is not None else None,
        "สัดส่วนผู้ร่วมบันทึกความดี ตามสำนัก", series, _privacy_note(d), empty="ยังไม่มีข้อมูล")


def _section(title: str) -> list[dict]:
    return [fx.separator(), fx.txt(title, "sm", "bold")]


def _bubble(d: dict, n: int) -> dict:
    weeks = d.get("weeks") or []
    body = [fx.kv_row("ความดี", _change(d["deeds_last"], d["deeds_prev"])),
            fx.kv_row("ผู้ร่วม", f"{d['participants']:,}/{d['staff']:,} คน ({_pct(d['participants'], d['staff'])})")]
    if len(weeks) > 1:
        body.append(fx.kv_row("แนวโน้ม", _against(weeks[-1]["deeds"], [w["deeds"] for w in weeks[:-1]])))
    body += _section("ตามคุณธรรม")
    for key, last, _prev, before in _virtue_rows(d):
        avg = _avg(before)
        v = virtues.BY_KEY.get(key)
        body.append(fx.kv_row(v.label if v else key,
                              f"{last:,} รายการ" + (f" (เฉลี่ย {_num(avg)})" if avg is not None else "")))
    rnd = d.get("round")
    if rnd:
        body += _section(clip(f"รายงาน{rnd['title']} · ส่งภายใน {thai_date(rnd['due'])}", n))
        flagged = _flagged(rnd)
        for k, names in flagged.items():
            if not names:
                continue
            body.append(fx.txt(f"{STATUS_ICON[k]} {STATUS_TH[k]} {len(names)} สำนัก", "sm", "bold",
                               color="#B71C1C" if k == "overdue" else "#E65100"))
            shown = names[:MAX_NAMED]
            body += [fx.txt(f"• {clip(name, n)}", "xs", margin="none") for name in shown]
            if len(names) > len(shown):
                body.append(fx.txt(f"…และอีก {len(names) - len(shown)} สำนัก", "xs", color=fx.MUTED))
        if not any(flagged.values()):
            body.append(fx.txt("ไม่มีสำนักที่เลยกำหนดหรือส่งช้า", "xs", color=fx.MUTED))
        rest = [f"{STATUS_TH[k]} {v}" for k, v in rnd["counts"].items() if k not in FLAGGED]
        body.append(fx.txt(" · ".join(rest) + " สำนัก", "xs", color=fx.MUTED))
    kpi = d.get("plan_kpi")
    if kpi:  # the plan's KPI: activities done ÷ planned (from the bureaus' latest reports)
        pct = "-" if kpi["percent"] is None else f"ร้อยละ {kpi['percent']:g}"
        body.append(fx.kv_row("ผลตามแผน", f"{pct} ({kpi['done']}/{kpi['planned']} กิจกรรม)"))
    if d.get("survey"):
        body.append(_survey_row(d["survey"], n))
    up = d["upcoming"]
    body += _section("กำหนดส่งและกิจกรรมที่จะถึง")
    items = [f"📅 {clip(t, n)} — {thai_date(due)}{_days(d, due)}" for t, due in up["rounds"][:MAX_UPCOMING]]
    items += [f"🎉 {clip(t, n)} — {thai_datetime(at)}" for t, at in up["campaigns"][:MAX_UPCOMING]]
    body += [fx.txt(i, "xs") for i in items] or [
        fx.txt(f"ไม่มีกำหนดส่งหรือกิจกรรมใน {up.get('days', 30)} วันข้างหน้า", "xs", color=fx.MUTED)]
    count, head = d["ledger"]
    body += [fx.separator(), fx.txt(LEDGER_NOTE, "xxs", color=fx.MUTED),
             fx.txt(f"{head[:16]} · {count:,} รายการ", "xxs", color=fx.MUTED, margin="none")]
    footer = [fx.button("ดูสรุปล่าสุด", pb("ดูสรุปล่าสุด", "digest.show"), "secondary")]
    header = fx.header_box(f"สรุปสัปดาห์ {week_th(d)}", "ความดีของทุกสำนัก ตามแผนส่งเสริมคุณธรรม")
    return fx.bubble(header, body, footer)


def _alt(d: dict) -> str:
    out = lines(d)[:3]
    rnd = d.get("round")
    if rnd:
        out += [f"{STATUS_TH[k]}: {', '.join(names)}" for k, names in _flagged(rnd).items() if names]
    return " | ".join(out)


def digest_messages(d: dict, chart_url: str | None) -> list[dict]:
    msgs = [fx.flex(_alt(d), fx.fit(lambda n: _bubble(d, n)))]
    if chart_url:
        msgs.append({"type": "image", "originalContentUrl": chart_url, "previewImageUrl": chart_url})
    return msgs


def bureau_digest(d: dict, row: dict) -> dict:
    return text(f"สรุปสัปดาห์ {week_th(d)} ของ{row['name']}\nความดี {row['deeds']:,} รายการ\n"
                f"ผู้ร่วมบันทึก {row['participants']:,}/{row['staff']:,} คน ({_pct(row['participants'], row['staff'])})"
                "\nพิมพ์ \"ปิดสรุปสำนัก\" หากไม่ต้องการรับ")
