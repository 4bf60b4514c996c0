"""Benchmarks of the worker: campaign fan-out to 10,000 staff, and the weekly digest over 1,000,000 deeds.

    .venv/bin/python -m bench.bench_fanout [--pg postgresql+psycopg://postgres@127.0.0.1:5432/dev_worker]
        [--staff 10000] [--deeds 1000000] [--digest-staff 2000] [--no-write]

Fan-out: enqueue (the campaign job) and send (the real sender, one process) against `python -m bot.dev.sandbox`.
Digest: bulk-load deeds (SQLite executemany, PostgreSQL COPY), then time `scheduler.digest.compute`.
Writes the "Worker fan-out" and "Digest" sections of BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import fmt_table, machine_info, replace_section
from bench.fault_fanout import NOW, http, prepare_db, seed_staff, start_sandbox

ROOT = Path(__file__).resolve().parent.parent
VIRTUES = ("sufficiency", "discipline", "honesty", "volunteer", "gratitude")


def fanout(url: str, api: str, staff: int) -> dict:
    from bot.line.gateway import LineGateway
    from bot.line.outbox import drain
    from models.db import make_engine, session_scope
    from scheduler import campaigns
    prepare_db(url, staff)
    http(api + "/_sandbox/reset", {})
    engine = make_engine(url)
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        rows = campaigns.run(s, NOW)
    t1 = time.perf_counter()
    gw = LineGateway(api, "sandbox", 10.0)
    stats = drain(engine, gw)
    t2 = time.perf_counter()
    deliveries = http(api + "/_sandbox/deliveries")["deliveries"]
    gw.close()
    engine.dispose()
    return {"rows": rows, "enqueue_s": t1 - t0, "send_s": t2 - t1, "calls": len({d["request_id"] for d in deliveries}),
            "delivered": len({d["to"] for d in deliveries}), "sent": stats["sent"]}


def load_deeds(url: str, staff: int, deeds: int) -> float:
    """Fresh schema, `staff` people in 40 bureaus (+2 small ones), `deeds` deeds over the past year."""
    from sqlmodel import select

    from bench.common import fresh_schema
    from models.core import User
    from models.db import session_scope
    engine = fresh_schema(url)
    with session_scope(engine) as s:
        seed_staff(s, staff, bureaus=42)
        users = s.exec(select(User.id, User.bureau_id)).all()
    rng, today = random.Random(1), NOW.date()
    now = datetime.now(timezone.utc)
    from models.deeds import Deed
    indexes = list(Deed.__table__.indexes)
    t0 = time.perf_counter()
    with engine.begin() as conn:  # bulk-load practice: build indexes once, after the rows are in
        for idx in indexes:
            idx.drop(conn)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            cur.execute("SET session_replication_role = replica")  # no per-row FK triggers while loading
        else:
            cur.execute("PRAGMA foreign_keys=OFF")
        cols = "user_id, bureau_id, virtue, description, deed_date, photos, source, salt, created_at, updated_at"

        def rows(n):
            for _ in range(n):
                uid, bid = users[rng.randrange(len(users))]
                yield (uid, bid, VIRTUES[rng.randrange(5)], "ทำความดี", today - timedelta(days=rng.randrange(365)),
                       "[]", "chat", "0" * 16, now, now)
        if engine.dialect.name == "postgresql":
            with cur.copy(f"COPY deed ({cols}) FROM STDIN") as copy:  # text format, written in 50k-row blocks
                buf = []
                for row in rows(deeds):
                    buf.append("\t".join(str(v) for v in row))
                    if len(buf) == 50_000:
                        copy.write("\n".join(buf) + "\n")
                        buf = []
                if buf:
                    copy.write("\n".join(buf) + "\n")
        else:
            cur.execute("BEGIN")
            batch = list(rows(deeds))
            cur.executemany(f"INSERT INTO deed ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                            [(*r[:4], r[4].isoformat(), *r[5:8], r[8].isoformat(), r[9].isoformat()) for r in batch])
            cur.execute("COMMIT")
        raw.commit()
        if engine.dialect.name == "postgresql":
            cur.execute("SET session_replication_role = DEFAULT")
            raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for idx in indexes:
            idx.create(conn)
        conn.exec_driver_sql("ANALYZE deed" if engine.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()
    return time.perf_counter() - t0


def digest_time(url: str, runs: int = 3) -> dict:
    from messages_th.digest import chart_png, preview_text
    from models.db import make_engine, session_scope
    from scheduler.digest import compute
    engine = make_engine(url)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with session_scope(engine, readonly=True) as s:
            data = compute(s, NOW)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    png = chart_png(data)
    chart = time.perf_counter() - t0
    engine.dispose()
    return {"median_s": statistics.median(times), "runs": times, "chart_s": chart, "png_kb": len(png) / 1024,
            "deeds_last_week": data["deeds_last"], "preview_lines": len(preview_text(data).splitlines())}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default=None, help="PostgreSQL URL (its tables are dropped and recreated)")
    ap.add_argument("--staff", type=int, default=10_000)
    ap.add_argument("--digest-staff", type=int, default=2_000)
    ap.add_argument("--deeds", type=int, default=1_000_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    dbs = [("SQLite", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")] + ([("PostgreSQL", args.pg)] if args.pg else [])
    m = machine_info()
    cmd = "`.venv/bin/python -m bench.bench_fanout" + (" --pg <url>`" if args.pg else "`")
    head = f"Command: {cmd}. Machine: {m['nproc']} CPUs, {m['cpu']}, {m['memory']}, Python {m['python']}; {m['date']}.\n"
    sandbox, api = start_sandbox()
    fan_rows, dig_rows = [], []
    try:
        for name, url in dbs:
            f = fanout(url, api, args.staff)
            print(name, "fan-out", f, flush=True)
            fan_rows.append([name, f"{args.staff:,}", f["rows"], f"{f['enqueue_s']:.2f}", f"{f['send_s']:.2f}",
                             f["calls"], f"{f['delivered']:,}"])
    finally:
        sandbox.terminate()
        sandbox.wait()
    for name, url in dbs:
        load = load_deeds(url, args.digest_staff, args.deeds)
        d = digest_time(url)
        print(name, "digest", f"load {load:.1f}s", d, flush=True)
        dig_rows.append([name, f"{args.digest_staff:,}", f"{args.deeds:,}", f"{load:.1f}", f"{d['median_s']:.3f}",
                         f"{d['deeds_last_week']:,}", f"{d['chart_s']:.2f}"])
    fan = head + "\n" + fmt_table(["database", "recipients", "outbox rows", "enqueue s", "send s",
                                   "multicast calls", "delivered"], fan_rows) + (
        "\n\nOne sender process, sequential calls to the local sandbox (no injected latency). "
        "Fault run (SIGKILL mid-fan-out, 20% 500/429): `.venv/bin/python -m bench.fault_fanout`.\n")
    dig = head + "\n" + fmt_table(["database", "staff", "deeds", "bulk load s", "digest compute s (median of 3)",
                                   "deeds last week", "chart PNG s"], dig_rows) + (
        "\n\nBulk load (indexes built after, FK checks off while loading): SQLite executemany in one transaction, "
        "PostgreSQL COPY. The digest is SQL GROUP BY "
        "(by virtue, by bureau, distinct participants, round status).\n")
    print(fan, dig, sep="\n")
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "Worker fan-out", fan)
        replace_section(ROOT / "BENCHMARKS.md", "Digest", dig)


if __name__ == "__main__":
    main()
