"""The committee's digest as a committee member reads it (issue 14): the week by its Thai dates, five virtues in the
plan's order, late and overdue bureaus by name, a trend, what comes next, a plain note for the ledger hash, and the
whole within LINE's limits at 30 bureaus."""
from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta, timezone

from PIL import Image

from messages_th import digest as th
from tests.messages_th.limits_check import assert_fits, long_text

LAST = date(2026, 11, 23)  # the week: 23–29 พ.ย. 2569


def data(n_bureaus=3, *, statuses=None, name=lambda i: f"สำนักทดสอบ {i}", members=None, grouped_staff=9):
    statuses = statuses or ["overdue", "late", "submitted", "draft", "not_started"]
    rows = [{"name": name(i), "code": f"B{i}", "id": i, "staff": 40, "deeds": 3 * i, "participants": i}
            for i in range(n_bureaus)]
    rows.append({"name": None, "code": None, "staff": grouped_staff, "deeds": 2, "participants": 1,
                 "grouped": len(members or ()) or 1, "members": members})
    table = [(r["name"], r["id"], statuses[i % len(statuses)]) for i, r in enumerate(rows[:-1])]
    weeks = [{"start": LAST - timedelta(days=7 * i), "end": LAST - timedelta(days=7 * i - 6), "deeds": d,
              "participants": d} for i, d in zip(range(4, -1, -1), (2, 4, 6, 8, 9))]
    vw = {"sufficiency": [0] * 5, "discipline": [1, 1, 1, 1, 2], "honesty": [1, 3, 5, 7, 7],
          "volunteer": [0] * 5, "gratitude": [0] * 5}
    return {"week": "2026-W48", "last_monday": LAST, "this_monday": LAST + timedelta(days=7),
            "week_end": LAST + timedelta(days=6), "today": LAST + timedelta(days=7),
            "by_virtue": {k: [w[-1], w[-2]] for k, w in vw.items()}, "virtue_weeks": vw, "weeks": weeks,
            "deeds_last": 9, "deeds_prev": 8, "bureaus": rows, "min_group": 5, "staff": 40 * n_bureaus + 9,
            "participants": 9,
            "round": {"code": "2570-6m", "title": "รอบ 6 เดือน", "due": date(2026, 11, 20), "table": table,
                      "counts": {k: sum(1 for *_, s in table if s == k) for k in
                                 ("submitted", "late", "overdue", "draft", "not_started")}},
            "upcoming": {"rounds": [("รอบ 9 เดือน", date(2027, 3, 20))],
                         "campaigns": [("เดินการกุศล", datetime(2026, 12, 5, 0, 0, tzinfo=timezone.utc))], "days": 30},
            "ledger": (1234, "ab12" * 16)}


def bubble_texts(msg: dict) -> list[str]:
    out = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "text":
                out.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(msg["contents"])
    return out


def test_the_week_is_named_by_its_thai_dates_never_an_iso_code():
    d = data()
    flex = th.digest_messages(d, None)[0]
    everything = " ".join(bubble_texts(flex)) + flex["altText"] + th.preview_text(d) + \
        th.bureau_digest(d, d["bureaus"][0])["text"]
    assert "สรุปสัปดาห์ 23–29 พ.ย. 2569" in bubble_texts(flex)[0]
    assert "23–29 พ.ย. 2569" in th.bureau_digest(d, d["bureaus"][0])["text"]
    assert "W48" not in everything and "2026" not in everything


def test_all_five_virtues_in_the_plans_order_even_with_no_deeds():
    d = data()
    d["by_virtue"] = {"honesty": [7, 7]}  # what an older compute returned: only virtues with deeds
    texts = bubble_texts(th.digest_messages(d, None)[0])
    names = ["พอเพียง", "วินัย", "สุจริต", "จิตอาสา", "กตัญญู"]
    where = [next(i for i, t in enumerate(texts) if t.endswith(n)) for n in names]
    assert where == sorted(where)
    assert texts[where[0] + 1].startswith("0 รายการ")
    lines = th.preview_text(d).splitlines()
    assert [ln.strip().split(":")[0] for ln in lines if ln.startswith("  ") and ln.strip().split(":")[0] in names] \
        == names


def test_late_and_overdue_bureaus_are_named_the_others_counted():
    d = data(5)
    texts = bubble_texts(th.digest_messages(d, None)[0])
    joined = "\n".join(texts)
    assert "🔴 เลยกำหนด ยังไม่ส่ง 1 สำนัก" in joined and "• สำนักทดสอบ 0" in texts
    assert "⏰ ส่งช้า 1 สำนัก" in joined and "• สำนักทดสอบ 1" in texts
    assert not any(t.startswith("• สำนักทดสอบ 2") for t in texts)  # submitted: counted only
    assert "ส่งแล้ว 1 · ร่าง 1 · ยังไม่เริ่ม 1 สำนัก" in texts
    assert "เลยกำหนด ยังไม่ส่ง: สำนักทดสอบ 0" in th.digest_messages(d, None)[0]["altText"]
    assert "  เลยกำหนด ยังไม่ส่ง: สำนักทดสอบ 0" in th.preview_text(d).splitlines()
    calm = bubble_texts(th.digest_messages(data(3, statuses=["submitted"]), None)[0])
    assert "ไม่มีสำนักที่เลยกำหนดหรือส่งช้า" in calm


def test_a_trend_against_the_four_weeks_before():
    d = data()
    texts = bubble_texts(th.digest_messages(d, None)[0])
    assert "▲ สูงกว่าค่าเฉลี่ย 4 สัปดาห์ก่อน (5)" in texts  # 9 against (2+4+6+8)/4
    assert "2 รายการ (เฉลี่ย 1)" in texts  # วินัย
    assert "แนวโน้ม 5 สัปดาห์: 2 → 4 → 6 → 8 → 9 รายการ" in th.preview_text(d)


def test_upcoming_due_dates_and_campaigns_are_in_the_bubble():
    d = data()
    texts = bubble_texts(th.digest_messages(d, None)[0])
    assert "📅 รอบ 9 เดือน — 20 มี.ค. 2570 (อีก 110 วัน)" in texts
    assert "🎉 เดินการกุศล — 5 ธ.ค. 2569 เวลา 07:00 น." in texts
    d["upcoming"] = {"rounds": [], "campaigns": [], "days": 30}
    assert "ไม่มีกำหนดส่งหรือกิจกรรมใน 30 วันข้างหน้า" in bubble_texts(th.digest_messages(d, None)[0])


def test_the_ledger_hash_comes_with_a_plain_thai_note():
    d = data()
    texts = bubble_texts(th.digest_messages(d, None)[0])
    i = texts.index("รหัสตรวจสอบสมุดความดี — ใช้ยืนยันว่าไม่มีการแก้ไขย้อนหลัง")
    assert texts[i + 1] == "ab12ab12ab12ab12 · 1,234 รายการ"
    assert "รหัสตรวจสอบสมุดความดี — ใช้ยืนยันว่าไม่มีการแก้ไขย้อนหลัง: ab12ab12ab12ab12…" in th.preview_text(d)


def test_a_group_is_named_when_the_service_allows_it_and_the_reason_is_given():
    named = th.preview_text(data(members=["สำนักอนุรักษ์", "กลุ่มงานพิธีการ"]))
    assert "อื่น ๆ (2 สำนัก: สำนักอนุรักษ์, กลุ่มงานพิธีการ): 2 / 1 / 9" in named
    assert "สำนักที่มีบุคลากรไม่ถึง 5 คนแสดงรวมกัน เพื่อไม่ให้ระบุตัวบุคคลได้" in named
    assert "อื่น ๆ (1 สำนัก): 2 / 1 / 3" in th.preview_text(data(grouped_staff=3))


def test_thirty_bureaus_with_the_longest_names_all_late_fit_lines_limits(line_check):
    d = data(30, statuses=["overdue", "late"], name=lambda i: f"{i} " + long_text(200),
             members=[long_text(200)] * 10)
    msgs = th.digest_messages(d, "https://bot.test/media/public/c.png")
    assert_fits(msgs)
    line_check(*msgs)
    assert len(json.dumps(msgs[0]["contents"], ensure_ascii=False).encode()) <= 30_000
    texts = bubble_texts(msgs[0])
    assert sum(t.startswith("• ") for t in texts) == 30  # every late bureau named, names cut only as needed
    many = data(60, statuses=["overdue"], name=lambda i: f"{i} " + long_text(200))
    assert_fits(th.digest_messages(many, None))
    assert "…และอีก 20 สำนัก" in bubble_texts(th.digest_messages(many, None)[0])


def test_the_chart_has_every_bureau_and_the_trend():
    def height(n):
        return Image.open(io.BytesIO(th.chart_png(data(n)))).height
    img = Image.open(io.BytesIO(th.chart_png(data(30, members=["ก", "ข"]))))
    assert img.format == "PNG" and img.width == 1200
    assert height(30) - height(20) >= 10 * 60  # a row for each bureau: no cut at 20
    assert len(th.chart_png(data(30))) <= 1_000_000
