"""Good-deed benchmark (issue #5): time to log a deed end to end, and ledger-verify speed.

    .venv/bin/python -m bench.bench_deeds                 # SQLite; prints the tables
    .venv/bin/python -m bench.bench_deeds --pg --write    # also PostgreSQL (dev_deeds); writes BENCHMARKS.md

(a) Logging a deed: a real `create_app()` served by a threaded werkzeug server and the sandbox LINE platform in
    another server thread, both in this process, on 127.0.0.1. Each step is a signed webhook POST over HTTP; the
    time runs from sending the POST until the bot's reply has reached the sandbox. Steps of one deed: start
    (rich-menu postback), virtue, description, date, one JPEG photo (fetched through the content API, checked with
    Pillow, stored), "done", confirm (deed + ledger entry written). Baseline in the same run: the bare "help"
    text round trip ("ช่วยเหลือ"), one per deed, interleaved.
(b) ledger-verify: a valid chain of N entries (95% creates, 5% edits) and its deed rows are bulk-inserted with
    executemany, then `bot.services.ledger.verify` is timed (chain walk + every deed row against its latest entry).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from bench.common import ROOT, fmt_table, fresh_schema, machine_info, percentile, replace_section

SECRET = "bench-deeds-secret"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dev_deeds"
COMMAND = ".venv/bin/python -m bench.bench_deeds --pg --write"
STEPS = ("start", "virtue", "describe", "when", "photo", "done", "confirm")


def _jpeg() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (1024, 768), (30, 140, 90)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


# -- (a) end-to-end deed logging ---------------------------------------------------------------------------
def bench_flow(url: str, deeds: int, tmp: Path) -> dict:
    from bot import create_app
    from bot.config import Config
    from bot.conversation.postback import decode, encode
    from bot.dev.sandbox import events as ev
    from bot.dev.sandbox.app import create_sandbox_app
    from bot.dev.sandbox.server import run_in_thread
    from bot.dev.sandbox.state import SandboxState
    from models.db import session_scope
    from tests.factories import make_bureau, make_user

    import logging
    logging.disable(logging.INFO)
    engine = fresh_schema(url)
    state = SandboxState()
    line = run_in_thread(create_sandbox_app(state, channel_secret=SECRET))
    cfg = Config(LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="bench", LINE_API_BASE=line.url,
                 DATABASE_URL=url, APP_ENV="test", MEDIA_DIR=str(tmp / "media"))
    app = create_app(cfg, recover_every_s=None)
    web = run_in_thread(app)
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=30)
    with session_scope(engine) as s:
        b = make_bureau(s)
        users = [make_user(s, b).line_user_id for _ in range(deeds)]
    engine.dispose()
    photo = _jpeg()

    def post(event) -> float:
        uid = event["source"]["userId"]
        state.issue_reply_token(uid, event["replyToken"])
        body = json.dumps(ev.callback_body([event]), ensure_ascii=False).encode()
        before = len(state.deliveries)
        t0 = time.perf_counter()
        conn.request("POST", "/callback", body=body, headers={"X-Line-Signature": ev.sign(body, SECRET),
                                                               "Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200, resp.status
        while len(state.deliveries) == before:
            time.sleep(0.0002)
        return time.perf_counter() - t0

    times = {k: [] for k in (*STEPS, "total", "help")}
    for n, uid in enumerate(users):
        times["help"].append(post(ev.text_event(uid, "ช่วยเหลือ")))
        mid = f"bench-{n}"
        state.put_content(mid, photo, "image/jpeg")
        steps = [ev.postback_event(uid, encode("deed.start")),
                 ev.postback_event(uid, encode("deed.virtue", k="volunteer" if n % 5 == 0 else "honesty")),
                 ev.text_event(uid, f"ช่วยเพื่อนร่วมงานตรวจเอกสารก่อนส่ง ครั้งที่ {n} 🙏"),
                 ev.postback_event(uid, encode("deed.when", d="today")),
                 ev.image_event(uid, mid), ev.text_event(uid, "เสร็จ")]
        spent = [post(e) for e in steps]
        if n % 5 == 0:  # volunteer: two more answers (skip beneficiaries, skip hours)
            spent[-1] += post(ev.text_event(uid, "ข้าม")) + post(ev.text_event(uid, "ข้าม"))
        card = state.deliveries_for(uid)[-1].messages[-1]
        data = next(b["action"]["data"] for b in card["contents"]["footer"]["contents"]
                    if b["action"]["type"] == "postback")
        nonce = decode(data)[1]["n"]
        spent.append(post(ev.postback_event(uid, encode("deed.confirm", n=nonce))))
        for k, t in zip(STEPS, spent):
            times[k].append(t)
        times["total"].append(sum(spent))
    conn.close()
    app.extensions["bot"].close()
    web.shutdown()
    line.shutdown()
    from sqlalchemy import func, select

    from models.deeds import Deed
    engine = _fresh_engine(url)
    with session_scope(engine, readonly=True) as s:
        stored = s.scalar(select(func.count()).select_from(Deed))
    engine.dispose()
    assert stored == deeds, f"expected {deeds} deeds, found {stored}"
    return times


def _fresh_engine(url: str):
    from models.db import make_engine
    return make_engine(url)


# -- (b) ledger verify --------------------------------------------------------------------------------------
def bulk_chain(url: str, entries: int) -> float:
    """Insert a valid chain of `entries` entries and its deed rows; returns seconds spent."""
    from bot.services import ledger
    from models.db import session_scope
    from tests.factories import make_bureau, make_user

    t0 = time.perf_counter()
    engine = fresh_schema(url)
    with session_scope(engine) as s:
        b = make_bureau(s)
        uids = [make_user(s, b).id for _ in range(100)]
        bureau_id = b.id
    n_deeds = entries * 95 // 100
    edits = entries - n_deeds
    step = max(1, n_deeds // max(1, edits))
    at = datetime(2026, 11, 4, 3, tzinfo=timezone.utc)

    def deed(i: int, edited: bool):
        return SimpleNamespace(id=i, user_id=uids[i % 100], bureau_id=bureau_id,
                               virtue="gratitude" if edited else "honesty", description=f"ความดีทดสอบ {i}",
                               deed_date=date(2026, 10, 1) + timedelta(days=i % 30), photos=[], beneficiaries=None,
                               hours=None, source="chat", pledge_item_id=None, campaign_id=None,
                               salt=f"{i:032x}", deleted_at=None)

    edited_ids = set(range(1, n_deeds + 1, step)[:edits])
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        ph = "%s" if url.startswith("postgresql") else "?"
        if not url.startswith("postgresql"):
            cur.execute("BEGIN")  # our engine puts pysqlite in autocommit: one transaction, not 2M
        deed_sql = (f"INSERT INTO deed (id, user_id, bureau_id, virtue, description, deed_date, photos, source, salt,"
                    f" created_at, updated_at) VALUES ({', '.join([ph] * 11)})")
        pg = url.startswith("postgresql")
        stamp = at if pg else at.strftime("%Y-%m-%d %H:%M:%S.%f")
        batch = []
        for i in range(1, n_deeds + 1):
            d = deed(i, i in edited_ids)
            day = d.deed_date if pg else d.deed_date.isoformat()
            batch.append((i, d.user_id, bureau_id, d.virtue, d.description, day, "[]", "chat", d.salt, stamp, stamp))
            if len(batch) == 50_000:
                cur.executemany(deed_sql, batch)
                batch.clear()
        if batch:
            cur.executemany(deed_sql, batch)
        # v2 entries (HMAC, created_at in the state): the timestamp as the database renders it, as append does
        cur.execute("SELECT CAST(created_at AS VARCHAR) FROM deed WHERE id = 1")
        times = (cur.fetchone()[0], None)
        led_sql = (f"INSERT INTO ledgerentry (seq, deed_id, action, payload, prev_hash, hash, created_at)"
                   f" VALUES ({', '.join([ph] * 7)})")
        prev, seq, batch = ledger.GENESIS, 0, []

        def add(action, d):
            nonlocal prev, seq
            body = ledger.canonical(ledger.payload_for(action, d, actor_user_id=d.user_id, at=at, times=times))
            h = ledger.entry_hash(prev, body)
            seq += 1
            batch.append((seq, d.id, action, body, prev, h, stamp))
            prev = h
            if len(batch) == 50_000:
                cur.executemany(led_sql, batch)
                batch.clear()
        for i in range(1, n_deeds + 1):
            add("create", deed(i, False))
        for i in sorted(edited_ids):
            add("edit", deed(i, True))
        if batch:
            cur.executemany(led_sql, batch)
        raw.commit()
    finally:
        raw.close()
    engine.dispose()
    return time.perf_counter() - t0


def bench_verify(url: str, entries: int) -> dict:
    from bot.services import ledger
    from models.db import session_scope
    load = bulk_chain(url, entries)
    engine = _fresh_engine(url)
    with session_scope(engine, readonly=True) as s:
        t0 = time.perf_counter()
        verdict = ledger.verify(s)
        took = time.perf_counter() - t0
    engine.dispose()
    assert verdict.ok and verdict.count == entries, verdict
    return {"entries": entries, "load_s": load, "verify_s": took, "rate": entries / took}


# -- report -------------------------------------------------------------------------------------------------
def ms(v: float) -> str:
    return f"{v * 1000:.1f}"


def flow_table(label: str, t: dict) -> str:
    base = percentile(t["help"], 50)
    rows = [[k, len(t[k]), ms(percentile(t[k], 50)), ms(percentile(t[k], 99)), f"{percentile(t[k], 50) / base:.1f}×"]
            for k in (*STEPS, "total", "help")]
    return f"{label}\n\n" + fmt_table(["step", "n", "p50 ms", "p99 ms", "p50 / help p50"], rows)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--deeds", type=int, default=200, help="deeds logged end to end per database (default 200)")
    p.add_argument("--entries", type=int, default=1_000_000, help="ledger entries to verify (default 1,000,000)")
    p.add_argument("--pg", action="store_true", help=f"also run on PostgreSQL ({PG_URL})")
    p.add_argument("--write", action="store_true", help="write the results into BENCHMARKS.md (section Good deeds)")
    args = p.parse_args(argv)
    info = machine_info()
    load_before = os.getloadavg()[0]
    dbs = [("SQLite", None)] + ([("PostgreSQL", PG_URL)] if args.pg else [])
    out = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for label, url in dbs:
            url = url or f"sqlite:///{tmp / 'deeds.sqlite3'}"
            flow = bench_flow(url, args.deeds, tmp)
            out.append(flow_table(f"(a) {label}: logging a deed end to end, {args.deeds} deeds", flow))
            print(out[-1], "\n", flush=True)
            v = bench_verify(url if url.startswith("postgresql") else f"sqlite:///{tmp / 'ledger.sqlite3'}",
                             args.entries)
            out.append(f"(b) {label}: ledger-verify of {v['entries']:,} entries: {v['verify_s']:.1f} s "
                       f"= {v['rate']:,.0f} entries/s (bulk load of the chain and deed rows: {v['load_s']:.1f} s)")
            print(out[-1], "\n", flush=True)
    load = f"1-minute load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    print(load)
    if args.write:
        body = (f"Command: `{COMMAND}` (`--deeds N`, `--entries N` to change sizes).\n\n"
                f"Machine: {info['nproc']} cores, {info['cpu']}, {info['memory']} RAM, Python {info['python']}, "
                f"Linux {info['kernel']}. Date: {info['date']}; {load} (the machine is shared with other "
                "jobs, so absolute times are noisy; the ratios to the baseline measured alongside are steadier)."
                "\n\n"
                "(a) One process: `create_app()` on a threaded werkzeug server + the sandbox LINE platform in a "
                "server thread, 127.0.0.1. Each step is a signed webhook POST; its time runs until the reply "
                "reached the sandbox. The photo step fetches a ~30 KB 1024×768 JPEG through the content API, "
                "checks it with Pillow and stores it. Every fifth deed is จิตอาสา, whose two extra answers "
                "(skip, skip) are counted in its \"done\" step. Baseline: a \"help\" text round trip in the same "
                "run.\n(b) A valid chain (95% creates, 5% edits) and its deed rows bulk-inserted with "
                "executemany, then `bot.services.ledger.verify` timed: chain walk (streamed, no ORM objects) plus every "
                "deed row checked against its latest entry.\n\n" + "\n\n".join(out) + "\n")
        replace_section(ROOT / "BENCHMARKS.md", "Good deeds", body)
        print(f"wrote the Good deeds section of {ROOT / 'BENCHMARKS.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
