"""Pure builders of messages_th.deeds: LINE limits hold even for the longest inputs."""
from __future__ import annotations

import json
from datetime import date

import messages_th.deeds as td
import messages_th.deeds_book as tb
from messages_th.common import utf16_len

LONG = "🙏ความดี" * 143  # 1,001 characters, emoji included (clipped on cards)


def _labels(node, out):
    if isinstance(node, dict):
        if "label" in node:
            out.append((node.get("type"), node["label"]))
        if "data" in node:
            assert len(node["data"].encode()) <= 300
        for v in node.values():
            _labels(v, out)
    elif isinstance(node, list):
        for v in node:
            _labels(v, out)
    return out


def deed(i: int, virtue: str = "volunteer") -> dict:
    return {"id": 10_000_000 + i, "virtue": virtue, "description": LONG, "deed_date": date(2026, 11, 4),
            "photos": 3, "beneficiaries": 120, "hours": 2.5, "editable": True, "edited": True}


def test_full_carousel_stays_under_line_limits():
    msg = tb.deeds_carousel([deed(i) for i in range(10)], next_offset=10)
    assert len(json.dumps(msg["contents"], ensure_ascii=False).encode()) <= 50_000
    assert len(msg["contents"]["contents"]) == 11
    for _, label in _labels(msg, []):
        assert utf16_len(label) <= 40


def test_quick_reply_labels_fit_twenty():
    msgs = [td.ask_virtue(True), td.ask_when("honesty", date(2026, 11, 4), date(2026, 10, 1), True),
            td.ask_photos(3), td.photo_saved(2, 3), td.fix_menu(True), tb.delete_ask(deed(1)),
            td.saved(deed(1), 5), td.ask_beneficiaries(), td.ask_hours()]
    for m in msgs:
        items = m["quickReply"]["items"]
        assert 1 <= len(items) <= 13
        assert all(utf16_len(i["action"]["label"]) <= 20 for i in items)


def test_confirm_card_and_texts_say_what_matters():
    card = td.confirm_card(deed(1), "abcd1234", editing=True)
    assert card["type"] == "flex" and utf16_len(card["altText"]) <= 1500
    assert "120 คน" in json.dumps(card, ensure_ascii=False)
    assert "2570" in td.date_before_fy(date(2026, 10, 1), 2570)["text"]
    assert "ใหญ่เกิน 5 MB" in td.photo_problem("too_large", 5)["text"]
    assert "7 วัน" in td.problem("locked", days=7)["text"]
    assert td.draft_view({"virtue": "honesty", "description": "x", "deed_date": "2026-11-04",
                          "beneficiaries": 3})["beneficiaries"] is None  # only volunteer deeds carry them
