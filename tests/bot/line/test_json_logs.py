"""LOG_FORMAT=json: one JSON object per line with the event's words and internal ids, no LINE ids or text."""
from __future__ import annotations

import io
import json
import logging

from bot.logs import JsonFormatter

U = "U" + "c" * 32
TEXT = "ความลับของฉัน"


def test_webhook_handling_logs_one_json_object_per_line_without_line_ids_or_text(send, line):
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        send("text", U, TEXT)
        send("text", U, "ลงทะเบียน")
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("bot.test").exception("failed", extra={"inbox_id": 7})
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    lines = [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]
    assert len(lines) >= 3 and all({"ts", "level", "logger", "event"} <= set(x) for x in lines)
    assert any("request_ids=" in x["event"] for x in lines if x["logger"] == "bot.pipeline.replies")
    assert lines[-1]["inbox_id"] == 7 and "ValueError" in lines[-1]["exc"]
    assert U not in buf.getvalue() and TEXT not in buf.getvalue()
