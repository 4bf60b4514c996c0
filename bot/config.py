"""Configuration from the environment (names are fixed: operators and checks rely on them)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = f"sqlite:///{ROOT / 'instance' / 'bot.sqlite3'}"
REAL_LINE_API = "https://api.line.me"  # the one place the real LINE host is written (the gateway derives its data host)


class ConfigError(RuntimeError):
    """Raised at start-up when production settings are incomplete."""


def is_line_host(url: str) -> bool:
    """True for any address of LINE's own (line.me or a host under it), however it is written."""
    try:
        host = (urlsplit(url.strip() if "//" in url else "//" + url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return True  # unreadable: treat as LINE's, so the sandbox is refused
    return host == "line.me" or host.endswith(".line.me")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Config:
    LINE_CHANNEL_SECRET: str = field(default="", repr=False)
    LINE_CHANNEL_ACCESS_TOKEN: str = field(default="", repr=False)
    LINE_API_BASE: str = REAL_LINE_API
    DATABASE_URL: str = DEFAULT_DB
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8000"
    # production | development | test; production refuses to start without secrets.
    APP_ENV: str = "production"
    # Demo mode serves the chat simulator and talks to the sandbox LINE platform.
    SANDBOX: bool = False
    MEDIA_DIR: str = str(ROOT / "instance" / "media")
    MAX_BODY_BYTES: int = 1024 * 1024
    FLOW_IDLE_MINUTES: int = 30
    # A reply token older than this is not trusted: the answer goes out as a push instead.
    REPLY_TOKEN_MAX_AGE_S: int = 50
    LINE_TIMEOUT_S: float = 5.0
    # Threads per process handling inbox events in batches (CPU work: one keeps batches full; see
    # bot/pipeline/dispatcher.py). Photos are downloaded beforehand on download threads, so handlers rarely wait.
    HANDLER_THREADS: int = 1
    # Who handles stored webhook events: "web" (threads inside each web process: small offices, the demo) or
    # "external" (the web only stores and notifies; `python -m bot.pipeline` handler processes, any number, on
    # this host or others, claim the events: bot/pipeline/consumer.py, README "Handler processes").
    INBOX_HANDLERS: str = "web"
    # Backpressure (web handling): a webhook request waits up to WEBHOOK_HOLD_S before its 200 while more than
    # WEBHOOK_BACKLOG stored events wait in this process (0: never). LINE waits about 2 s for the 200; the events
    # are already stored, so a held request loses nothing. BENCHMARKS.md "Webhook under flood".
    WEBHOOK_BACKLOG: int = 64
    WEBHOOK_HOLD_S: float = 1.0
    # Reply calls of a batch go out on up to this many threads (as many as LINE's round trip calls for:
    # bot/pipeline/replies.py); one per call of a full batch, so a far-away LINE costs a batch one round trip.
    REPLY_THREADS: int = 32
    # HMAC key of the good-deed ledger (and of the invite-code lockout's LINE-id hashes), kept outside the
    # database so an insider with SQL access cannot recompute the chain. Unset: a public development key, and
    # a loud warning at start and in `ledger-verify` (README "Ledger"). Never change it once entries exist.
    LEDGER_KEY: str = field(default="", repr=False)
    # Signs the console's session cookie. Unset: derived from the channel secret (a secret already), so a
    # small office has one secret less to keep; set it to sign every console session out (a new key).
    CONSOLE_SECRET_KEY: str = field(default="", repr=False)
    # -- go-live (issue 18): tokens that expire, proxy, alerts, metrics, logs, retention ------------------
    # long_lived: LINE_CHANNEL_ACCESS_TOKEN as the console issued it; v2.1: issued from a JWT signed with the
    # assertion key (LINE_CHANNEL_ID, LINE_ASSERTION_KEY); stateless: from LINE_CHANNEL_ID and the secret.
    LINE_TOKEN_KIND: str = "long_lived"
    LINE_CHANNEL_ID: str = ""
    # Path to the assertion private key (JWK JSON) whose public half is registered in the LINE console;
    # LINE_ASSERTION_KID when the file has no "kid".
    LINE_ASSERTION_KEY: str = field(default="", repr=False)
    LINE_ASSERTION_KID: str = ""
    # Outbound proxy for every call to LINE (government networks). Unset: HTTPS_PROXY when LINE is https.
    LINE_PROXY: str = field(default="", repr=False)  # may carry a proxy password
    # Alerts that do not need LINE (out of quota, token refused): POST JSON to a webhook and/or e-mail.
    ALERT_WEBHOOK_URL: str = field(default="", repr=False)  # chat-tool webhooks embed their secret
    SMTP_HOST: str = ""
    SMTP_PORT: int = 587
    SMTP_USER: str = ""
    SMTP_PASSWORD: str = field(default="", repr=False)
    SMTP_STARTTLS: bool = True
    ALERT_EMAIL_FROM: str = ""
    ALERT_EMAIL_TO: str = ""  # comma-separated
    # /metrics: off unless set; scrapers send "Authorization: Bearer <METRICS_TOKEN>".
    METRICS_TOKEN: str = field(default="", repr=False)
    LOG_FORMAT: str = "text"  # text | json (one JSON object per line)
    # PDPA retention: raw webhook payloads blanked after this many days, sent outbox rows deleted after that many.
    INBOX_RETENTION_DAYS: int = 30
    OUTBOX_RETENTION_DAYS: int = 90
    # Who people ask about their data (shown in the consent notice), e.g. "งานคุ้มครองข้อมูล โทร 0 2000 0000".
    PRIVACY_CONTACT: str = ""

    def line_proxy(self) -> str | None:
        """LINE_PROXY, else HTTPS_PROXY (only for an https LINE: the sandbox on http://127.0.0.1 stays direct)."""
        if self.LINE_PROXY:
            return self.LINE_PROXY
        if self.LINE_API_BASE.startswith("https://"):
            return os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy") or None
        return None

    def alert_settings(self):
        """The alert channels (bot/services/alerts.py) these settings name."""
        from bot.services.alerts import AlertSettings
        return AlertSettings(webhook_url=self.ALERT_WEBHOOK_URL, smtp_host=self.SMTP_HOST, smtp_port=self.SMTP_PORT,
                             smtp_user=self.SMTP_USER, smtp_password=self.SMTP_PASSWORD,
                             smtp_starttls=self.SMTP_STARTTLS, mail_from=self.ALERT_EMAIL_FROM,
                             mail_to=tuple(a.strip() for a in self.ALERT_EMAIL_TO.split(",") if a.strip()))

    def token_problems(self) -> list[str]:
        """Settings the chosen LINE_TOKEN_KIND still needs (names only)."""
        kind = self.LINE_TOKEN_KIND
        if kind not in ("long_lived", "v2.1", "stateless"):
            return [f"LINE_TOKEN_KIND (long_lived, v2.1 or stateless; not {kind!r})"]
        need = {"long_lived": ["LINE_CHANNEL_ACCESS_TOKEN"], "v2.1": ["LINE_CHANNEL_ID", "LINE_ASSERTION_KEY"],
                "stateless": ["LINE_CHANNEL_ID"]}[kind]
        return [n for n in need if not getattr(self, n)]

    def console_secret_key(self) -> bytes:
        import hashlib
        import hmac
        if self.CONSOLE_SECRET_KEY:
            return self.CONSOLE_SECRET_KEY.encode()
        return hmac.new((self.LINE_CHANNEL_SECRET or "development").encode(), b"console-session",
                        hashlib.sha256).digest()

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Config":
        env = os.environ if env is None else env
        cfg = cls()
        for f in fields(cls):
            if f.name not in env:
                continue
            raw = env[f.name]
            if f.type in ("bool", bool):
                setattr(cfg, f.name, _flag(raw))
            elif f.type in ("int", int):
                setattr(cfg, f.name, int(raw))
            elif f.type in ("float", float):
                setattr(cfg, f.name, float(raw))
            else:
                setattr(cfg, f.name, raw)
        cfg.LINE_API_BASE = cfg.LINE_API_BASE.strip().rstrip("/")
        cfg.PUBLIC_BASE_URL = cfg.PUBLIC_BASE_URL.strip().rstrip("/")
        cfg.LINE_TOKEN_KIND = cfg.LINE_TOKEN_KIND.strip().lower() or "long_lived"
        cfg.INBOX_HANDLERS = cfg.INBOX_HANDLERS.strip().lower() or "web"
        return cfg

    def validate(self) -> None:
        """Fail at start, with the names of what is missing, rather than on the first request."""
        missing = [n for n in ("LINE_CHANNEL_SECRET",) if not getattr(self, n)] + self.token_problems()
        if self.APP_ENV == "production" and missing:
            raise ConfigError(
                "Missing required environment variables: " + ", ".join(missing)
                + " (set them, or APP_ENV=development / SANDBOX=1 for a local run)"
            )
        # The sandbox serves the simulator, which lists every persona without a login: never in production,
        # and never next to LINE itself, however its address is written (":443", "http://", "/v2", spaces).
        if self.INBOX_HANDLERS not in ("web", "external"):
            raise ConfigError(f"INBOX_HANDLERS must be web or external, not {self.INBOX_HANDLERS!r}")
        if self.SANDBOX and self.APP_ENV == "production":
            raise ConfigError("SANDBOX=1 is for the demo and tests only; it is refused when APP_ENV=production")
        if self.SANDBOX and is_line_host(self.LINE_API_BASE):
            raise ConfigError(f"SANDBOX=1 needs LINE_API_BASE pointing at the sandbox, never at LINE ({REAL_LINE_API})")
