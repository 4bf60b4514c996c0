"""Console benchmark (issue 15): server time of every console page over 2,000 staff, 20 bureaus, 1,000,000 deeds.

    .venv/bin/python -m bench.bench_console                        # SQLite (a file under /tmp)
    .venv/bin/python -m bench.bench_console --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_console
    .venv/bin/python -m bench.bench_console --pg URL --both --write  # SQLite and PostgreSQL; writes BENCHMARKS.md

The database is built with SQLAlchemy core executemany (no ORM, no ledger rows; the deed indexes are dropped
while loading and built after, as a bulk load does), 18 bureaus of ~110 people and 2 of 3 (so the small-group
rule is exercised), deeds spread over the 365 days before the bench's clock (a fixed day near the end of
fiscal year 2570, so nearly all of them fall in "this fiscal year": the overview's worst case).

Then a real `create_app()` is driven in this process through Flask's test client (no network: the time is the
server's). It signs in as an admin and as a coordinator through one-time links, enumerates `app.url_map` for
every GET rule under /console without path arguments (so pages other people add are timed too) plus the main
pages with filters, warms each once, then times `--reps` requests per page. `/healthz` in the same run is the
baseline. `--reuse` keeps a database already built with the same sizes.
"""
from __future__ import annotations

import argparse
import sys
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import ROOT, fmt_table, loadavg, machine_info, percentile, replace_section

BUDGET_MS = 300.0
NOW = datetime(2027, 9, 20, 3, 0, tzinfo=timezone.utc)  # 10:00 in Bangkok, FY 2570's last fortnight
COMMAND = (".venv/bin/python -m bench.bench_console --both --write "
           "--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_console")
SKIP_ENDPOINTS = {"console.signin", "console.signed_out", "console.static", "console.dev_personas",
                  "console.dev_signin", "console.signout"}
# the main pages again with their filters (an unknown parameter is ignored by a page, so this list may lead)
FILTERED = ("/console/?fy=2569",
            "/console/deeds/?virtue=honesty", "/console/deeds/?bureau={bureau}&virtue=volunteer",
            "/console/deeds/?date_from=1/3/2570&date_to=31/3/2570", "/console/deeds/?after=2027-03-01_500000",
            "/console/people/?q=สม", "/console/people/?bureau={bureau}", "/console/people/?role=coordinator",
            "/console/people/?page=20", "/console/rounds/?fy=2570", "/console/campaigns/?page=2",
            "/console/system/?page=2")
VIRTUES = ("sufficiency", "discipline", "honesty", "volunteer", "gratitude")


def _sizes_match(engine, staff: int, deeds: int) -> bool:
    """The database was built by this benchmark with these sizes, on the models' current tables and indexes."""
    from sqlalchemy import inspect, text

    import models
    insp = inspect(engine)
    for table in models.metadata.sorted_tables:
        if not insp.has_table(table.name):
            return False
        if {c.name for c in table.columns} - {c["name"] for c in insp.get_columns(table.name)}:
            return False
    from models.deeds import Deed
    if {i.name for i in Deed.__table__.indexes} - {i["name"] for i in insp.get_indexes("deed")}:
        return False
    try:
        with engine.connect() as c:
            n_users = c.execute(text('SELECT count(*) FROM "user"')).scalar()
            n_deeds = c.execute(text("SELECT count(*) FROM deed")).scalar()
    except Exception:  # noqa: BLE001 - no schema yet
        return False
    return n_users == staff and n_deeds == deeds


def build(url: str, staff: int, deeds: int, bureaus: int = 20, reuse: bool = False) -> dict:
    """The benchmark's database (invented data); returns what was built and how long the load took."""
    from sqlalchemy import insert, select

    from bench.common import fresh_schema
    from bot.services import rounds
    from models.campaigns import Campaign
    from models.core import Bureau, User, UserRole
    from models.db import make_engine, session_scope
    from models.deeds import Deed
    from models.enums import CampaignStatus, ReportStatus, UserStatus
    from models.rounds import Round, RoundReport

    if reuse:
        engine = make_engine(url)
        if _sizes_match(engine, staff, deeds):
            engine.dispose()
            return {"load_s": None, "reused": True}
        engine.dispose()
    t0 = time.perf_counter()
    engine = fresh_schema(url)
    rng = random.Random(15)
    small = 2
    with engine.begin() as c:
        c.execute(insert(Bureau), [{"code": f"B{i:02d}", "name": f"สำนักทดสอบที่ {i} (ข้อมูลสมมติ)", "active": True,
                                    "created_at": NOW} for i in range(1, bureaus + 1)])
        bureau_ids = list(c.execute(select(Bureau.id).order_by(Bureau.id)).scalars())
        # the last `small` bureaus have 3 people each; the rest share the others evenly
        sizes = {b: 3 for b in bureau_ids[-small:]}
        big = bureau_ids[:-small]
        left = staff - 3 * small
        for i, b in enumerate(big):
            sizes[b] = left // len(big) + (1 if i < left % len(big) else 0)
        people = []
        n = 0
        for b in bureau_ids:
            for _ in range(sizes[b]):
                n += 1
                people.append({"line_user_id": f"Ubench{n:028d}", "display_name": f"ทดสอบ {n}",
                               "full_name": f"บุคลากรสมมติ {n}", "position": "นักทรัพยากรบุคคล", "bureau_id": b,
                               "status": UserStatus.REGISTERED, "following": True, "consent_at": NOW,
                               "registered_at": NOW, "mute_reminders": False, "created_at": NOW, "updated_at": NOW})
        c.execute(insert(User), people)
        users = [tuple(r) for r in c.execute(select(User.id, User.bureau_id).order_by(User.id))]
        first_of = {}
        for uid, b in users:
            first_of.setdefault(b, uid)
        roles = [{"user_id": first_of[b], "role": "coordinator", "bureau_id": b, "granted_at": NOW}
                 for b in bureau_ids]
        roles += [{"user_id": users[1][0], "role": "admin", "bureau_id": None, "granted_at": NOW},
                  {"user_id": users[2][0], "role": "committee", "bureau_id": None, "granted_at": NOW}]
        c.execute(insert(UserRole), roles)
    with session_scope(engine) as s:
        made = rounds.open_fy(s, 2570)
        s.flush()
        ids = [r.id for r in made]
    with engine.begin() as c:
        due = c.execute(select(Round.id, Round.due_date).where(Round.id.in_(ids))).all()
        reports = []
        for rid, due_day in due:
            for b in bureau_ids:
                pick = rng.random()
                if due_day < NOW.date() and pick < 0.7:
                    reports.append({"round_id": rid, "bureau_id": b, "version": 1, "status": ReportStatus.SUBMITTED,
                                    "late": pick < 0.1, "data": {}, "updated_at": NOW, "submitted_at": NOW})
                elif pick < 0.85:
                    reports.append({"round_id": rid, "bureau_id": b, "version": 0, "status": ReportStatus.DRAFT,
                                    "late": False, "data": {}, "updated_at": NOW, "submitted_at": None})
        if reports:
            c.execute(insert(RoundReport), reports)
        c.execute(insert(Campaign), [{"title": f"กิจกรรมสมมติ {i}", "description": "ข้อมูลทดสอบ",
                                      "starts_at": NOW + timedelta(days=3 * i), "place": "ห้องประชุม",
                                      "bureau_ids": None, "remind_minutes": [60], "virtue": VIRTUES[i % 5],
                                      "status": CampaignStatus.CONFIRMED, "created_at": NOW, "confirmed_at": NOW}
                                     for i in range(1, 9)])
    indexes = list(Deed.__table__.indexes)
    with engine.begin() as c:
        for idx in indexes:
            idx.drop(c)
    t_deeds = time.perf_counter()
    today = (NOW + timedelta(hours=7)).date()
    chunk = 50_000
    with engine.begin() as c:
        done = 0
        while done < deeds:
            batch = []
            for _ in range(min(chunk, deeds - done)):
                uid, b = users[rng.randrange(len(users))]
                batch.append({"user_id": uid, "bureau_id": b, "virtue": VIRTUES[rng.randrange(5)],
                              "description": "ทำความดี (ข้อมูลสมมติ)",
                              "deed_date": today - timedelta(days=rng.randrange(365)),
                              "photos": [], "source": "chat", "salt": "0" * 16, "created_at": NOW,
                              "updated_at": NOW, "deleted_at": NOW if rng.random() < 0.01 else None})
            c.execute(insert(Deed), batch)
            done += len(batch)
    t_index = time.perf_counter()
    with engine.begin() as c:
        for idx in indexes:
            idx.create(c)
        if engine.dialect.name != "postgresql":
            c.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "postgresql":
        # what autovacuum does soon after a load: statistics, and the visibility map index-only scans need
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    t1 = time.perf_counter()
    return {"load_s": t1 - t0, "deeds_s": t_index - t_deeds, "index_s": t1 - t_index, "reused": False}


def _login(app, client, user_id: int) -> None:
    from bot.services import console_access
    from models.core import User
    from models.db import session_scope
    with session_scope(app.extensions["bot"].engine) as s:
        token, _role = console_access.issue_link(s, s.get(User, user_id), NOW)
    resp = client.get(f"/console/login/{token}")
    assert resp.status_code == 302, (resp.status_code, resp.data[:200])


def pages(app, bureau_id: int) -> list[str]:
    rules = sorted({r.rule for r in app.url_map.iter_rules()
                    if r.rule.startswith("/console") and "GET" in r.methods and not r.arguments
                    and r.endpoint not in SKIP_ENDPOINTS})
    return rules + [p.format(bureau=bureau_id) for p in FILTERED]


def time_pages(url: str, reps: int, tmp: Path) -> dict:
    """{persona: {path: (status, [ms...])}} plus the /healthz baseline."""
    import logging

    from sqlalchemy import select

    from bot import create_app
    from bot.config import Config
    from models.core import UserRole
    from models.db import session_scope

    logging.disable(logging.WARNING)
    cfg = Config(LINE_CHANNEL_SECRET="bench-console", LINE_CHANNEL_ACCESS_TOKEN="bench", DATABASE_URL=url,
                 LINE_API_BASE="http://127.0.0.1:9", PUBLIC_BASE_URL="http://bench.test", APP_ENV="test",
                 MEDIA_DIR=str(tmp / "media"))
    app = create_app(cfg, clock=lambda: NOW, recover_every_s=None)
    try:
        with session_scope(app.extensions["bot"].engine) as s:
            admin = s.exec(select(UserRole.user_id).where(UserRole.role == "admin")).first()[0]
            coord, bureau = s.exec(select(UserRole.user_id, UserRole.bureau_id)
                                   .where(UserRole.role == "coordinator").order_by(UserRole.id)).first()
        out = {}
        base_client = app.test_client()
        base = []
        for persona, uid in (("admin", admin), ("coordinator", coord)):
            client = app.test_client()
            _login(app, client, uid)
            res = {}
            for path in pages(app, bureau):
                client.get(path)  # warm: templates compiled, caches filled, as on a server that has run a while
                times, cpu, status = [], [], None
                for _ in range(reps):
                    t0, c0 = time.perf_counter(), time.process_time()
                    resp = client.get(path)
                    times.append((time.perf_counter() - t0) * 1000)
                    cpu.append((time.process_time() - c0) * 1000)
                    status = resp.status_code
                    t0 = time.perf_counter()
                    base_client.get("/healthz")
                    base.append((time.perf_counter() - t0) * 1000)
                res[path] = (status, times, cpu)
            out[persona] = res
        out["_baseline"] = base
        return out
    finally:
        app.extensions["bot"].close()


def report(name: str, timed: dict) -> tuple[list[list[str]], list[str]]:
    base = statistics.median(timed["_baseline"])
    rows, over = [], []
    for persona in ("admin", "coordinator"):
        for path, (status, times, cpu) in timed[persona].items():
            p50, worst = percentile(times, 50), max(times)
            # OVER: the typical request is over budget; "max over": one request of the run was (a busy machine's
            # spike shows up there too: compare its cpu column and re-run)
            flag = ("ERROR" if status >= 500 else "OVER" if p50 > BUDGET_MS else "max over" if worst > BUDGET_MS
                    else "ok")
            if flag != "ok":
                over.append(f"{name} {persona} {path}: " + (f"status {status}" if flag == "ERROR"
                                                           else f"{flag}: p50 {p50:.0f} ms, max {worst:.0f} ms"))
            rows.append([name, persona, path, str(status), f"{p50:.1f}", f"{worst:.1f}", f"{percentile(cpu, 50):.1f}",
                         f"{p50 / base:.0f}×", flag])
    return rows, over


def run(url: str, name: str, args, tmp: Path) -> dict:
    built = build(url, args.staff, args.deeds, reuse=args.reuse)
    if built["reused"]:
        print(f"{name}: reusing the database already built")
    else:
        print(f"{name}: built in {built['load_s']:.1f} s (deeds {built['deeds_s']:.1f} s, "
              f"indexes {built['index_s']:.1f} s)")
    load_before = loadavg()
    timed = time_pages(url, args.reps, tmp)
    rows, over = report(name, timed)
    return {"built": built, "rows": rows, "over": over, "baseline_ms": statistics.median(timed["_baseline"]),
            "load": f"{load_before} → {loadavg()}"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", metavar="URL", help="PostgreSQL URL (its own database; created when missing)")
    ap.add_argument("--both", action="store_true", help="SQLite and PostgreSQL in one run (needs --pg)")
    ap.add_argument("--sqlite", default=str(Path(tempfile.gettempdir()) / "bench_console.sqlite3"))
    ap.add_argument("--staff", type=int, default=2000)
    ap.add_argument("--deeds", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--reuse", action="store_true", help="keep a database already built with these sizes")
    ap.add_argument("--write", action="store_true", help="write the figures to BENCHMARKS.md (Console)")
    args = ap.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    targets = []
    if not args.pg or args.both:
        targets.append(("SQLite", f"sqlite:///{args.sqlite}"))
    if args.pg:
        targets.append(("PostgreSQL", args.pg))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, url in targets:
            results[name] = run(url, name, args, Path(tmp))
    headers = ["database", "signed in as", "page", "status", "p50 ms", "max ms", "cpu p50 ms", "p50 / healthz",
               "300 ms"]
    rows = [r for res in results.values() for r in res["rows"]]
    table = fmt_table(headers, rows)
    print(table)
    over = [o for res in results.values() for o in res["over"]]
    for name, res in results.items():
        b = res["built"]
        load = "reused" if b["reused"] else f"{b['load_s']:.1f} s"
        print(f"{name}: baseline /healthz p50 {res['baseline_ms']:.2f} ms; database build {load}; load {res['load']}")
    print("over budget:" if over else "every page within 300 ms", *over, sep="\n  ")
    if args.write:
        write(results, table, over, args)
    return 1 if any("OVER" in o or "status" in o for o in over) else 0


def write(results: dict, table: str, over: list[str], args) -> None:
    m = machine_info()
    command = " ".join([".venv/bin/python -m bench.bench_console", *(args.argv or [])]) or COMMAND
    lines = [f"Command: `{command}`. Machine: {m['nproc']} CPUs, {m['cpu']}, {m['memory']}, Python {m['python']}; "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.",
             "",
             f"Data: {args.staff:,} staff in 20 bureaus (2 of them with 3 people), {args.deeds:,} deeds over the 365 "
             "days before the bench clock (20 Sep 2027, FY 2570), built with SQLAlchemy core executemany.",
             "Server time in-process (Flask test client, no network), warm, "
             f"{args.reps} requests per page; budget {BUDGET_MS:.0f} ms. Every GET rule under /console without path "
             "arguments (from `app.url_map`) plus the main pages with filters; `/healthz` in the same run is the "
             "baseline. \"cpu\" is this process's CPU time per request: all of the work on SQLite (in-process), "
             "without the database server's on PostgreSQL; well under the wall time means the machine was busy "
             "(other work on its 2 cores), not that the page was slow.", ""]
    for name, res in results.items():
        b = res["built"]
        load = "reused from an earlier run" if b["reused"] else (
            f"{b['load_s']:.1f} s (deeds {b['deeds_s']:.1f} s, indexes {b['index_s']:.1f} s)")
        lines.append(f"- {name}: database build {load}; `/healthz` p50 {res['baseline_ms']:.2f} ms; "
                     f"load average (1 min) before → after the timings: {res['load']}.")
    lines += ["", table, ""]
    lines.append("Over budget (OVER: the median request; max over: one request of the run): "
                 + ("; ".join(over) if over else "none."))
    lines += ["", "Notes (how the overview spends its time): an admin's ภาพรวม reads the whole year's deeds twice, "
              "once for the weeks (count and distinct people per Monday–Sunday range of `ix_deed_live_date_user`, "
              "53 ranges in one statement) and once for the virtues (`ix_deed_live_virtue`); on SQLite each is "
              "~100 ms of CPU over a million deeds in one fiscal year (the distinct count is most of it), the rest "
              "of the page ~30 ms. Tried and measured no better: a week number computed per row or from an expression "
              "index, per-virtue sums in the weekly pass, one pass grouped by bureau and virtue, the two scans on "
              "two connections at once (no gain on a busy 2-core machine). The bench's data is a worst case: "
              "500 deeds per person in one year."]
    replace_section(ROOT / "BENCHMARKS.md", "Console", "\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
