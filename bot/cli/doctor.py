"""`flask --app bot doctor`: is this installation ready for real LINE? One table, Thai and English names, each
check OK or a problem with its fix; exit code 1 naming every problem, so a script or the runbook can stop on it.

It asks the configured LINE API (the sandbox in tests) and reads the database, the disk and the worker's
heartbeat; it changes nothing except a temporary file to prove a folder is writable. The production start-up
guard (bot/app.py) does not stop it: it exists to name what that guard would refuse.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext

from bot.cli._common import bot_state


@dataclass(frozen=True)
class Result:
    ok: bool
    detail: str
    fix: str = ""


def ok(detail: str) -> Result:
    return Result(True, detail)


def problem(detail: str, fix: str) -> Result:
    return Result(False, detail, fix)


@dataclass(frozen=True)
class Check:
    key: str
    thai: str
    english: str
    run: Callable[[object, object], Result]  # (config, state) -> Result


def _line_failed(exc, what_th: str) -> Result:
    from bot.line.gateway import GatewayError
    if isinstance(exc, GatewayError) and exc.status == 401:
        return problem(f"LINE ไม่รับโทเคน (401) เมื่อ{what_th}",
                       "ออก Channel access token ใหม่ใน LINE Developers Console (แท็บ Messaging API) "
                       "แล้วตั้ง LINE_CHANNEL_ACCESS_TOKEN")
    status = getattr(exc, "status", None)
    return problem(f"{what_th}ไม่สำเร็จ ({status or 'ติดต่อไม่ได้'}): {getattr(exc, 'message', exc)}"[:300],
                   "ตรวจ LINE_API_BASE, การเชื่อมต่ออินเทอร์เน็ตขาออก และ proxy (LINE_PROXY / HTTPS_PROXY)")


def _expected_webhook(config) -> str:
    return config.PUBLIC_BASE_URL.rstrip("/") + "/callback"


# -- the checks -------------------------------------------------------------------------------------------
def check_token(config, state) -> Result:
    from bot.line.gateway import GatewayError
    try:
        info = state.gateway.get_bot_info()
    except GatewayError as exc:
        return _line_failed(exc, "ขอข้อมูลบอต")
    name, basic = info.get("displayName") or "?", info.get("basicId") or ""
    return ok(f"บัญชี {name} {basic}".strip())


def check_webhook_url(config, state) -> Result:
    from bot.line.gateway import GatewayError
    want = _expected_webhook(config)
    try:
        got = state.gateway.get_webhook_endpoint()
    except GatewayError as exc:
        return _line_failed(exc, "ขอ Webhook URL")
    endpoint = (got.get("endpoint") or "").rstrip("/")
    set_it = (f"ใน LINE Developers Console > Messaging API > Webhook settings ตั้ง Webhook URL เป็น {want} "
              "กด Verify แล้วเปิด Use webhook")
    if not endpoint:
        return problem("LINE ยังไม่มี Webhook URL ของช่องนี้", set_it)
    if endpoint != want:
        return problem(f"LINE ส่ง webhook ไปที่ {endpoint} ไม่ใช่เซิร์ฟเวอร์นี้ ({want})", set_it)
    if not got.get("active"):
        return problem(f"Webhook URL ถูกต้อง ({want}) แต่ปิด Use webhook อยู่: LINE ไม่ส่งข้อความมาที่บอต",
                       "ใน LINE Developers Console > Messaging API > Webhook settings เปิด Use webhook")
    return ok(f"{want} (เปิด Use webhook แล้ว)")


def check_webhook_test(config, state) -> Result:
    from bot.line.gateway import GatewayError
    want = _expected_webhook(config)
    try:
        res = state.gateway.test_webhook_endpoint(want)
    except GatewayError as exc:
        if exc.status == 400:
            return problem(f"LINE ไม่รับ {want} เป็น Webhook URL: {exc.message}"[:300],
                           "PUBLIC_BASE_URL ต้องเป็น https:// ที่มีใบรับรองจาก CA ที่เชื่อถือได้ (ไม่ใช่ self-signed)")
        return _line_failed(exc, "สั่ง LINE ทดสอบ webhook")
    status, reason = res.get("statusCode"), res.get("reason")
    if res.get("success"):
        return ok(f"LINE ส่งเหตุการณ์ทดสอบถึง {want} และได้คำตอบ {status}")
    if reason == "ERROR_STATUS_CODE" and status == 400:
        return problem(f"LINE เรียกถึงเซิร์ฟเวอร์ แต่บอตตอบ 400 (ลายเซ็นไม่ตรง): {res.get('detail')}",
                       "LINE_CHANNEL_SECRET ต้องตรงกับ Channel secret ในแท็บ Basic settings ของช่องนี้")
    if reason == "ERROR_STATUS_CODE":
        return problem(f"LINE เรียกถึงเซิร์ฟเวอร์ แต่ได้คำตอบ {status}: {res.get('detail')}",
                       "ดู log ของ web process และ nginx; 503 = ฐานข้อมูลไม่พร้อม (ดู /readyz), 404 = nginx "
                       "ไม่ได้ส่ง /callback ต่อให้ gunicorn")
    return problem(f"LINE เรียก {want} ไม่ถึง ({reason}: {res.get('detail')})",
                   "ตรวจ DNS ของชื่อโดเมน, firewall ขาเข้าพอร์ต 443 และ nginx กับใบรับรอง (LINE ไม่รับ self-signed "
                   "หรือ CA ภายในหน่วยงาน; ต้องมี intermediate ครบ)")


def check_public_url(config, state) -> Result:
    from bot.services.readiness import public_url_problem
    url = config.PUBLIC_BASE_URL
    why = public_url_problem(url)
    if why is None:
        return ok(url)
    text = {"http": f"{url} ไม่ใช่ https: LINE ไม่ดึงรูป (กราฟสรุปประจำสัปดาห์) จากที่อยู่ http",
            "loopback": f"{url} เป็นที่อยู่ของเครื่องนี้เอง LINE เข้าไม่ถึง",
            "invalid": f"{url!r} ไม่ใช่ที่อยู่เว็บ"}[why]
    return problem(text, "ตั้ง PUBLIC_BASE_URL เป็นที่อยู่ https สาธารณะของบอต เช่น https://bot.example.go.th")


def check_migrations(config, state) -> Result:
    from bot.services.readiness import migration_status
    mig = migration_status(state.engine)
    if not mig.reachable:
        return problem(f"ติดต่อฐานข้อมูลไม่ได้ ({mig.error})",
                       "ตรวจ DATABASE_URL และว่าเซิร์ฟเวอร์ฐานข้อมูลทำงานอยู่")
    if mig.at_latest:
        return ok(f"รุ่น {', '.join(mig.current)}")
    have = ", ".join(mig.current) or "ยังไม่เคยสร้างตาราง"
    return problem(f"ฐานข้อมูลอยู่ที่รุ่น {have} แต่โค้ดนี้ต้องการ {', '.join(mig.latest)}",
                   "สั่ง flask --app bot db-upgrade แล้วเริ่ม web และ worker ใหม่")


# Module level so a test can point them at a missing file.
def _font_files():
    from messages_th.art import FONT_FILES
    return list(FONT_FILES.values())


def _raqm() -> bool:
    from messages_th.art import raqm_available
    return raqm_available()


def check_fonts(config, state) -> Result:
    from PIL import ImageFont
    bad = []
    for path in _font_files():
        try:
            ImageFont.truetype(str(path), 12)
        except OSError:
            bad.append(path.name)
    if bad:
        return problem(f"ไม่มีหรือเปิดไม่ได้: {', '.join(bad)}",
                       "ติดตั้งโค้ดใหม่ให้ครบ (messages_th/fonts มาพร้อมโปรเจกต์)")
    if not _raqm():
        return problem("มีฟอนต์ Sarabun แต่ Pillow ไม่มี raqm: สระและวรรณยุกต์ในรูปเมนูจะวางผิดที่",
                       "ติดตั้ง libfribidi (Debian/Ubuntu: apt-get install libfribidi0; RHEL: dnf install fribidi)")
    return ok("Sarabun ปกติ/ตัวหนา และการจัดวางอักษรไทย (raqm)")


def check_media(config, state) -> Result:
    from bot.config import ROOT
    from bot.services.readiness import media_location
    loc = media_location(config.MEDIA_DIR, ROOT)
    if loc.inside_code:
        return problem(f"MEDIA_DIR ({loc.path}) อยู่ในโฟลเดอร์โค้ด {ROOT}: ติดตั้งโค้ดใหม่แล้วรูปหาย",
                       "ตั้ง MEDIA_DIR เป็นโฟลเดอร์นอกโค้ด เช่น /var/lib/integrity-bot/media (ที่ web และ worker ใช้ร่วมกัน)")
    if not loc.writable:
        return problem(f"เขียนไฟล์ลง MEDIA_DIR ({loc.path}) ไม่ได้",
                       "สร้างโฟลเดอร์และให้ผู้ใช้ที่รันบอตเขียนได้ (chown/chmod)")
    return ok(str(loc.path))


def check_database_location(config, state) -> Result:
    from bot.config import ROOT
    from bot.services.readiness import database_location
    loc = database_location(config.DATABASE_URL, ROOT)
    if loc.path is None:
        return ok("PostgreSQL (ไฟล์อยู่ที่เซิร์ฟเวอร์ฐานข้อมูล)")
    if loc.inside_code:
        return problem(f"ไฟล์ SQLite ({loc.path}) อยู่ในโฟลเดอร์โค้ด {ROOT}: ติดตั้งโค้ดใหม่แล้วข้อมูลหาย",
                       "ย้ายไฟล์ออกนอกโฟลเดอร์โค้ด (หรือใช้ PostgreSQL) แล้วตั้ง DATABASE_URL ใหม่")
    if not loc.writable:
        return problem(f"เขียนไฟล์ SQLite ({loc.path}) หรือโฟลเดอร์ของมันไม่ได้",
                       "ให้ผู้ใช้ที่รันบอตเขียนไฟล์และโฟลเดอร์นั้นได้ (SQLite เขียนไฟล์ -wal ข้างกัน)")
    return ok(str(loc.path))


def check_worker(config, state) -> Result:
    from bot.services.readiness import STALE_MINUTES, worker_heartbeat
    beat = worker_heartbeat(state.engine, state.clock())
    start = "เริ่ม worker (python -m scheduler, systemd unit ของ worker) และดู log ของมัน"
    if beat is None:
        return problem("อ่านสัญญาณชีพไม่ได้ (ฐานข้อมูลไม่พร้อม)", "แก้ข้อฐานข้อมูลก่อน แล้ว" + start)
    if beat.at is None:
        return problem("worker ไม่เคยส่งสัญญาณชีพมาที่ฐานข้อมูลนี้: ไม่มีการเตือนและส่งข้อความ", start)
    if not beat.alive:
        return problem(f"สัญญาณชีพล่าสุด {beat.minutes_ago} นาทีที่แล้ว (เกิน {STALE_MINUTES} นาที = worker หยุด)",
                       start)
    ago = f"{beat.minutes_ago} นาทีที่แล้ว" if beat.minutes_ago else "ไม่ถึง 1 นาทีที่แล้ว"
    return ok(f"ล่าสุด {ago} ({beat.host})")


def check_quota(config, state) -> Result:
    from bot.line.gateway import GatewayError
    try:
        quota = state.gateway.get_quota()
        used = int(state.gateway.get_consumption().get("totalUsage") or 0)
    except GatewayError as exc:
        return _line_failed(exc, "ขอโควตาข้อความ")
    if quota.get("type") != "limited":
        return ok(f"ไม่จำกัด (ใช้ไป {used:,} ข้อความในเดือนนี้)")
    limit = int(quota.get("value") or 0)
    left = limit - used
    if left <= 0:
        return problem(f"ใช้ครบโควตาแล้ว {used:,} จาก {limit:,} ข้อความ: LINE ไม่ส่งข้อความ push จนถึงเดือนหน้า",
                       "อัปเกรดแพ็กเกจใน LINE Official Account Manager หรือรอต้นเดือน")
    return ok(f"เหลือ {left:,} จาก {limit:,} ข้อความ")


CHECKS: tuple[Check, ...] = (
    Check("token", "โทเคนของช่อง (ข้อมูลบอต)", "Channel access token (bot info)", check_token),
    Check("webhook_url", "Webhook URL ที่ LINE ตั้งไว้", "Webhook URL set at LINE", check_webhook_url),
    Check("webhook_test", "LINE เรียก webhook ถึง (Verify)", "LINE's test call reaches the webhook",
          check_webhook_test),
    Check("public_url", "ที่อยู่สาธารณะ https", "PUBLIC_BASE_URL is public https", check_public_url),
    Check("migrations", "ฐานข้อมูลรุ่นล่าสุด", "Database at the latest migration", check_migrations),
    Check("fonts", "ฟอนต์และการจัดวางอักษรไทย", "Thai fonts and shaping", check_fonts),
    Check("media", "โฟลเดอร์รูปภาพ", "Media folder outside the code, writable", check_media),
    Check("database_location", "ที่เก็บฐานข้อมูล", "Database outside the code, writable", check_database_location),
    Check("worker", "สัญญาณชีพของ worker", "Worker heartbeat fresh", check_worker),
    Check("quota", "โควตาข้อความเดือนนี้", "Message quota left", check_quota),
)


def run_checks(config, state) -> list[tuple[Check, Result]]:
    out = []
    for check in CHECKS:
        try:
            result = check.run(config, state)
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            result = problem(f"ตรวจไม่ได้: {type(exc).__name__}", "ดูรายละเอียดใน log แล้วตรวจซ้ำ")
        out.append((check, result))
    return out


def _width(text: str) -> int:
    """Columns on a terminal: Thai vowel and tone marks above or below take none."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me", "Cf") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def render(results: list[tuple[Check, Result]]) -> str:
    names = [f"{c.thai} / {c.english}" for c, _ in results]
    col = max(_width(n) for n in names)
    lines = [_pad("ผล/Result", 10) + _pad("รายการตรวจ / Check", col) + "  รายละเอียด / Detail",
             "-" * (10 + col + 24)]
    for name, (_check, res) in zip(names, results):
        lines.append(_pad("OK" if res.ok else "ปัญหา", 10) + _pad(name, col) + "  " + res.detail)
        if not res.ok:
            lines.append(" " * 10 + _pad("", col) + "  วิธีแก้: " + res.fix)
    return "\n".join(lines)


@click.command("doctor")
@with_appcontext
def doctor():
    """Check this installation against LINE, the database, the disk and the worker; exit 1 naming each problem."""
    config = current_app.config["BOT"]
    results = run_checks(config, bot_state())
    click.echo(render(results))
    bad = [c for c, r in results if not r.ok]
    if bad:
        click.echo(f"\nพบปัญหา {len(bad)} ข้อ ({len(bad)} problem(s)): " + "; ".join(c.english for c in bad))
        raise SystemExit(1)
    click.echo("\nผ่านทุกข้อ (all checks passed)")


def register(app) -> None:
    app.cli.add_command(doctor)
