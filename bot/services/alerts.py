"""Alerts to operators that do not travel over LINE: the channel may be out of quota or its token refused.

Two channels, either or both: ALERT_WEBHOOK_URL (POST of one JSON object: kind, subject, text, fields, at;
what a chat tool's incoming webhook or a ticket system takes) and e-mail over SMTP. Sending happens on one
background thread so a caller inside a database transaction never waits on the network; the same key is
sent once an hour per process. Alerts carry internal ids and counts, never LINE ids or what people typed.
"""
from __future__ import annotations

import json
import logging
import queue
import smtplib
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage

log = logging.getLogger("bot.services.alerts")
REPEAT_AFTER_S = 3600


@dataclass
class AlertSettings:
    webhook_url: str = field(default="", repr=False)
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = True
    mail_from: str = ""
    mail_to: tuple[str, ...] = ()
    timeout_s: float = 10.0

    @property
    def channels(self) -> list[str]:
        return (["webhook"] if self.webhook_url else []) + (["email"] if self.smtp_host and self.mail_to else [])


class Alerter:
    def __init__(self, settings: AlertSettings | None = None, clock=time.monotonic):
        self.settings = settings or AlertSettings()
        self._clock = clock
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue(maxsize=100)
        self._thread: threading.Thread | None = None
        self.delivered: list[tuple[str, str]] = []  # (channel, kind), for the console and tests

    def send(self, kind: str, subject: str, text: str, fields: dict | None = None, key: str | None = None) -> bool:
        """Queue an alert; False when no channel is set or `key` was sent within the hour (then nothing is sent)."""
        if not self.settings.channels:
            return False
        key = key or kind
        now = self._clock()
        with self._lock:
            if key in self._last and now - self._last[key] < REPEAT_AFTER_S:
                return False
            self._last[key] = now
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="alerts", daemon=True)
                self._thread.start()
        alert = {"kind": kind, "subject": subject, "text": text, "fields": dict(fields or {}),
                 "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        try:
            self._queue.put_nowait(alert)
        except queue.Full:
            log.warning("alert %s dropped: queue full", kind)
            return False
        return True

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued alert was tried (tests, shutdown). True when the queue emptied in time."""
        done = threading.Event()
        threading.Thread(target=lambda: (self._queue.join(), done.set()), daemon=True).start()
        return done.wait(timeout)

    def _run(self) -> None:
        while True:
            alert = self._queue.get()
            try:
                for channel in self.settings.channels:
                    try:
                        (self._webhook if channel == "webhook" else self._email)(alert)
                        self.delivered.append((channel, alert["kind"]))
                        log.info("alert %s sent by %s", alert["kind"], channel)
                    except Exception as exc:  # noqa: BLE001 - one channel down must not stop the other
                        log.error("alert %s not sent by %s: %s", alert["kind"], channel, type(exc).__name__)
            finally:
                self._queue.task_done()

    def _webhook(self, alert: dict) -> None:
        req = urllib.request.Request(self.settings.webhook_url, data=json.dumps(alert, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
        with urllib.request.urlopen(req, timeout=self.settings.timeout_s) as resp:  # noqa: S310 - operator's URL
            resp.read()

    def _email(self, alert: dict) -> None:
        s = self.settings
        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = alert["subject"], s.mail_from or s.smtp_user, ", ".join(s.mail_to)
        body = alert["text"] + "\n\n" + "\n".join(f"{k}: {v}" for k, v in alert["fields"].items())
        msg.set_content(body)
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_s) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(msg)


_current = Alerter()


def configure(settings: AlertSettings) -> Alerter:
    """The process's alerter (set once at start from the settings; tests set their own)."""
    global _current
    _current = Alerter(settings)
    return _current


def current() -> Alerter:
    return _current
