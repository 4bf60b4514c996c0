"""Log set-up for the entry points (gunicorn.conf.py, `python -m scheduler`, CLI commands, the demo).

Not the app factory's job: a factory that configures the root logger does it for every test, script and
embedding process too. LOG_FORMAT=json (read from the environment here, before any config exists) gives one
JSON object per line for a log collector. What is logged is the same either way: internal ids, LINE request
ids, counts; never LINE user ids, names or message text (tests check the lines).
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# ids a caller may pass with `extra=` (internal ones only); they become fields of the JSON line
ID_FIELDS = ("event_id", "request_id", "inbox_id", "outbox_id", "job")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name, "event": record.getMessage(),
               "process": record.process, "thread": record.threadName}
        for name in ID_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def setup(level: int = logging.INFO, fmt: str | None = None) -> None:
    """INFO and up to stderr, one line each (a no-op if the root logger already has a handler)."""
    fmt = (fmt or os.environ.get("LOG_FORMAT") or "text").strip().lower()
    if fmt == "json":
        root = logging.getLogger()
        if root.handlers:
            return
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.setLevel(level)
        return
    logging.basicConfig(level=level, format=FORMAT)
