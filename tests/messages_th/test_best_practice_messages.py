"""Best-practice cards at the longest input the flow accepts (title 200, four answers of 2,000, a comment of
1,000, Thai with marks and emoji) still fit LINE; the wording a user relies on (พ.ศ. dates, the virtue, the
comment) is there."""
from __future__ import annotations

from datetime import datetime, timezone

import messages_th.best_practice as th
from tests.messages_th.limits_check import assert_fits, long_text

AT = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)
URL = "https://bot.example/media/photo/" + "a" * 64 + ".jpg?e=1&s=" + "b" * 64


def _bp(n: int = 1, **kw) -> dict:
    return {"id": 10_000_000 + n, "fy": 2569, "title": long_text(200), "problem": long_text(2000),
            "action": long_text(2000), "result": long_text(2000), "lessons": long_text(2000), "virtue": "honesty",
            "activity": ("12.34.56", long_text(2000)), "photos": 3, "status": "returned",
            "author": long_text(200), "bureau": long_text(200), "submitted_at": AT, "reviewed_at": AT,
            "review_comment": long_text(1000), "photo_url": URL, **kw}


def test_the_longest_draft_fits_its_summary_card_with_its_edit_buttons():
    msg = th.summary(_bp())
    assert_fits([msg])
    labels = [i["action"]["label"] for i in msg["quickReply"]["items"]]
    assert "แก้ผลที่ได้" in labels and "แก้กิจกรรม" in labels
    assert "แก้กิจกรรม" not in [i["action"]["label"] for i in th.summary(_bp(), has_activities=False)["quickReply"]["items"]]
    short = th.summary(_bp(title="ลดกระดาษ", result="กระดาษลดลงร้อยละ 80", review_comment="ขอตัวเลขเพิ่ม"))
    assert "กระดาษลดลงร้อยละ 80" in str(short) and "ความเห็นของคณะกรรมการ: ขอตัวเลขเพิ่ม" in str(short)


def test_a_queue_page_and_a_library_page_of_the_longest_best_practices_fit():
    assert_fits(th.queue([_bp(n, status="submitted") for n in range(8)], 25))  # the service's page of 8
    assert "รอพิจารณา 25 เรื่อง (แสดง 8 เรื่องที่รอนานที่สุด)" in th.queue([_bp(n) for n in range(8)], 25)[0]["text"]
    page = th.library([_bp(n, status="approved") for n in range(9)], "honesty", 9)
    assert_fits(page)
    assert len(page[0]["contents"]["contents"]) == 10  # 9 cards and "ดูเพิ่ม"
    assert "ด้านสุจริต" in page[0]["altText"]


def test_the_whole_text_of_the_longest_one_is_sent_without_loss_with_its_photos():
    bp = _bp()
    msgs = th.full_text(bp, [URL] * 3)
    assert_fits(msgs)
    assert len(msgs) == 5 and [m["type"] for m in msgs[-3:]] == ["image"] * 3
    body = "".join(m.get("text", "") for m in msgs)
    for field in ("problem", "action", "result", "lessons"):
        assert bp[field] in body


def test_pushes_and_questions_fit_and_speak_thai():
    for msg in (th.returned_push(long_text(200), long_text(1000)), th.approved_push(long_text(200)),
                th.ask_text("result", long_text(2000)), th.ask_comment(long_text(200)),
                th.ask_activity([(n, f"{n}.{n}.{n}", long_text(2000)) for n in range(60)], 2569,
                                ("1.1", long_text(2000))),
                th.submitted(long_text(200), AT), th.resumed(long_text(200), True, long_text(1000))):
        assert_fits([msg])
    assert "15 ม.ค. 2569" in th.submitted("ลดกระดาษ", AT)["text"]  # พ.ศ., Bangkok time
    assert "๑.๒" in th.ask_activity([(1, "1.2", "อบรม")], 2569)["text"]


def test_the_export_has_thai_headers_buddhist_dates_and_no_formulas():
    import io

    from openpyxl import load_workbook
    data = th.export_xlsx([_bp(title="=HYPERLINK(\"http://x\")", author=None, status="approved")])
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[3]][:3] == ["ลำดับ", "ปีงบประมาณ", "ชื่อเรื่อง"]
    row = [c.value for c in ws[4]]
    assert row[2] == "=HYPERLINK(\"http://x\")" and ws.cell(4, 3).data_type == "s"
    assert row[4] in ("", None) and row[5] == "สุจริต" and row[-1].startswith("15 ม.ค. 2569")
