"""Webhook benchmark (issue #2): throughput and time-to-200 of POST /callback under gunicorn, against a bare
line-bot-sdk v3 echo bot measured in the same run, on the same machine, against the same sandbox LINE API.

    .venv/bin/python -m bench.bench_webhook            # all scenarios, prints a table
    .venv/bin/python -m bench.bench_webhook --write    # ... and rewrites the "Webhook" section of BENCHMARKS.md

Scenarios (each bot under `gunicorn --worker-class gthread --workers 2 --threads 4`):
  echo        (a) bench/echo_bot.py: WebhookHandler signature check + synchronous reply via MessagingApi
  sqlite      (b) our bot (bot:create_app()), fresh SQLite file
  postgres    (c) our bot, PostgreSQL database dev_bench (schema dropped and recreated)
  slow        (d) our bot (SQLite) while the sandbox delays every LINE call by 3 s: time-to-200 must stay
              under 100 ms, and every user must still get an answer (counted at the sandbox, with a deadline)
  echo-slow   (e) the echo bot with the same 3 s delay (for contrast: its 200 waits for LINE)
  echo-lat    (f) the echo bot with a LINE round trip of 200 ms (about what api.line.me costs from afar)
  sqlite-lat  (g) our bot (SQLite), same 200 ms
(a)-(c) alternate for --rounds rounds and each is reported by its (lower) median round.

Load: unique signed one-event text callbacks (unique webhookEventId, unique user, a reply token registered at
the sandbox before the timed run), sent by separate driver processes over keep-alive connections, only to
127.0.0.1. "accepted/s" = 200s per second of sending; "answered/s" = users answered per second until the last
answer reached the sandbox (our bot answers 200 before replying, so this is its handling capacity). "CPU
ms/req" = user+system CPU of the bot's gunicorn processes (or the sandbox's) per answered request, read from
/proc: unlike rates it hardly depends on what else the machine is doing.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing as mp
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (HOST, ROOT, KeepAlive, fresh_schema, fmt_table, free_port, gunicorn_argv, loadavg, machine_info,
                          percentile, replace_section, start_server)

SECRET = "bench-channel-secret"
TOKEN = "bench-access-token"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dev_bench"
TEXT = "สวัสดีครับ"
COMMAND = ".venv/bin/python -m bench.bench_webhook --write"


# -- the load driver (runs in child processes) ------------------------------------------------------------
def _drive(port: int, items: list[tuple[bytes, str]], threads: int, ready, go, out, max_seconds: float,
           rate: float = 0.0) -> None:
    """Send `items` (body, signature) over `threads` keep-alive connections; put results on `out`.
    rate > 0: start request i at i/rate seconds (paced load) instead of as fast as the connections allow."""
    results: list[tuple[float, int]] = []  # (seconds to response, status); 0 = connection error
    lock = threading.Lock()
    it = iter(enumerate(items))
    first_start = [None]
    last_end = [0.0]

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        used = False  # has the current connection answered a request (i.e. is it a kept-alive one)?
        local = []
        stop_at = time.monotonic() + max_seconds
        while time.monotonic() < stop_at:
            with lock:
                item = next(it, None)
            if item is None:
                break
            i, (body, sig) = item
            if rate:
                delay = t_go + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            headers = {"Content-Type": "application/json; charset=utf-8", "X-Line-Signature": sig,
                       "User-Agent": "LineBotWebhook/2.0"}
            t0 = time.perf_counter()
            status = 0
            # A keep-alive connection the server closed while idle fails on its next request before any
            # answer; HTTP clients (LINE's too) send again on a new connection, once. Any other failure counts.
            for attempt in (1, 2):
                reused = used
                try:
                    conn.request("POST", "/callback", body=body, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                    status, used = resp.status, True
                    if resp.will_close:
                        conn.close()
                        used = False
                    break
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    conn.close()
                    used = False
                    if not reused or attempt == 2:
                        break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    used = False
                    break
            local.append((time.perf_counter() - t0, status))
        conn.close()
        with lock:
            results.extend(local)
            last_end[0] = max(last_end[0], time.time())

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    ready.put(os.getpid())
    go.wait()
    first_start[0] = time.time()
    t_go = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put({"results": results, "start": first_start[0], "end": last_end[0]})


def run_load(port: int, items: list[tuple[bytes, str]], connections: int, procs: int,
             max_seconds: float, rate: float = 0.0) -> dict:
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = max(1, min(procs, connections))
    per = [connections // procs + (1 if i < connections % procs else 0) for i in range(procs)]
    chunks = [items[i::procs] for i in range(procs)]
    children = [ctx.Process(target=_drive, args=(port, chunks[i], per[i], ready, go, out, max_seconds,
                                                     rate / procs), daemon=True)
                for i in range(procs)]
    for c in children:
        c.start()
    for _ in children:
        ready.get(timeout=60)
    go.set()
    parts = [out.get(timeout=max_seconds + 120) for _ in children]
    for c in children:
        c.join(10)
    results = [r for p in parts for r in p["results"]]
    start, end = min(p["start"] for p in parts), max(p["end"] for p in parts)
    return {"results": results, "start": start, "end": end}


# -- the sandbox --------------------------------------------------------------------------------------------
class Sandbox:
    def __init__(self, port: int, server=None):
        self.port, self.server = port, server
        self.client = KeepAlive(port)

    def call(self, method: str, path: str, body: dict | None = None):
        status, data = self.client.request(method, path, body)
        if status != 200:
            raise RuntimeError(f"sandbox {method} {path} -> {status} {data}")
        return data

    def reset(self) -> None:
        self.call("POST", "/_sandbox/reset")

    def faults(self, **kw) -> None:
        self.call("POST", "/_sandbox/faults", kw)

    def last_seq(self) -> int:
        return self.call("GET", "/_sandbox/deliveries?since=0")["lastSeq"]  # small: called right after reset

    def issue_tokens(self, users: list[str], threads: int = 4) -> list[str]:
        """One reply token per user, registered before the timed run (its bookkeeping is not measured)."""
        tokens: list[str | None] = [None] * len(users)

        def work(k):
            c = KeepAlive(self.port)
            for i in range(k, len(users), threads):
                status, data = c.request("POST", "/_sandbox/reply-token", {"userId": users[i]})
                if status != 200:
                    raise RuntimeError(f"reply-token -> {status} {data}")
                tokens[i] = data["replyToken"]
            c.close()

        ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return tokens

    def wait_deliveries(self, users: set[str], since: int, deadline_s: float) -> dict:
        """Poll deliveries after `since` until every user in `users` got one (or the deadline passes)."""
        got: dict[str, list[dict]] = {}
        stop_at = time.monotonic() + deadline_s
        while True:
            data = self.call("GET", f"/_sandbox/deliveries?since={since}")
            for d in data["deliveries"]:
                if d["to"] in users:
                    got.setdefault(d["to"], []).append(d)
            since = data["lastSeq"]
            if len(got) >= len(users) or time.monotonic() > stop_at:
                break
            time.sleep(0.1)
        return got


def start_sandbox(prefix: str) -> tuple[Path, Sandbox]:
    """A temporary directory and the sandbox LINE API in its own gunicorn process: state in memory, so one
    process, with enough threads for calls held by injected latency. End with `stop_sandbox`."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    port = free_port()
    server = start_server("sandbox", gunicorn_argv("bot.dev.sandbox.app:create_sandbox_app()", port, 1, 64),
                          port, tmp / "logs", {"PYTHONPATH": str(ROOT)})
    return tmp, Sandbox(port, server)


def stop_sandbox(sandbox: Sandbox, tmp: Path, keep: bool) -> None:
    sandbox.client.close()
    sandbox.server.stop()
    if keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


# -- one scenario ---------------------------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    label: str
    n_sent: int = 0
    n_ok: int = 0
    statuses: dict = field(default_factory=dict)
    send_s: float = 0.0
    answer_s: float | None = None
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    users_answered: int = 0
    users_twice: int = 0
    kinds: dict = field(default_factory=dict)
    inbox: dict | None = None
    notes: list = field(default_factory=list)
    bot_cpu_ms: float = 0.0      # CPU time of the bot's processes per answered request
    sandbox_cpu_ms: float = 0.0  # ... and of the sandbox
    load: str = "?"              # 1-minute load average when the timed run started

    @property
    def accepted_rps(self) -> float:
        return self.n_ok / self.send_s if self.send_s else 0.0

    @property
    def answered_rps(self) -> float | None:
        return self.users_answered / self.answer_s if self.answer_s else None


def make_items(n: int, tokens: list[str], users: list[str]) -> list[tuple[bytes, str]]:
    from bot.dev.sandbox import events as ev
    items = []
    for user, token in zip(users[:n], tokens[:n]):
        event = ev.text_event(user, TEXT, reply_token=token)
        body = json.dumps(ev.callback_body([event]), ensure_ascii=False).encode()
        items.append((body, ev.sign(body, SECRET)))
    return items


_RUN = itertools.count(1)


def user_ids(n: int) -> list[str]:
    # LINE user ids: U + 32 hex digits; a prefix per call keeps runs and warm-ups apart.
    prefix = f"{os.getpid():x}{next(_RUN):04x}"
    return [f"U{prefix}{i:0{32 - len(prefix)}x}" for i in range(n)]


def prepare_db(kind: str, tmp: Path) -> str:
    url = f"sqlite:///{tmp / f'bench-{time.monotonic_ns()}.sqlite3'}" if kind == "sqlite" else PG_URL
    fresh_schema(url).dispose()
    return url


def inbox_summary(url: str) -> dict:
    from sqlalchemy import func, select

    from models.core import InboxEvent
    from models.db import make_engine
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return dict(c.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status)).all())
    finally:
        engine.dispose()


def run_scenario(name: str, label: str, args, sandbox: Sandbox, tmp: Path, *, bot: str, db: str | None = None,
                 latency_ms: int = 0, requests: int | None = None, drain_s: float = 60.0,
                 rate: float = 0.0) -> Result:
    n = requests or args.requests
    res = Result(name, label)
    sandbox.reset()
    port = free_port()
    env = {"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
           "LINE_API_BASE": f"http://{HOST}:{sandbox.port}", "APP_ENV": "development",
           "MEDIA_DIR": str(tmp / "media"), "PYTHONPATH": str(ROOT)}
    url = None
    if bot == "ours":
        url = prepare_db(db, tmp)
        env["DATABASE_URL"] = url
        if args.handler_threads:
            env["HANDLER_THREADS"] = str(args.handler_threads)
        app = "bot:create_app()"
    else:
        app = "bench.echo_bot:create_app()"
    server = start_server(name, gunicorn_argv(app, port, args.workers, args.threads), port, tmp / "logs", env,
                          health_path="/healthz")
    try:
        # Warm-up (imports, connection pools, first-request hooks), not measured.
        if args.warmup:
            wu = user_ids(args.warmup)
            since = sandbox.last_seq()
            items = make_items(args.warmup, sandbox.issue_tokens(wu), wu)
            run_load(port, items, min(args.connections, 8), 1, 60)
            sandbox.wait_deliveries(set(wu), since, max(30.0, drain_s))
        if latency_ms:  # after the warm-up, which would otherwise wait on it
            sandbox.faults(latency_ms=latency_ms)
        users = user_ids(n)
        since = sandbox.last_seq()
        items = make_items(n, sandbox.issue_tokens(users), users)
        res.load = loadavg()
        cpu0 = server.cpu_seconds(), sandbox.server.cpu_seconds() if sandbox.server else 0.0
        load = run_load(port, items, args.connections, args.procs, args.max_seconds, rate)
        lat = [r[0] for r in load["results"] if r[1] == 200]
        res.n_sent = len(load["results"])
        res.n_ok = len(lat)
        for _, st in load["results"]:
            res.statuses[st] = res.statuses.get(st, 0) + 1
        res.send_s = load["end"] - load["start"]
        res.p50_ms, res.p99_ms = percentile(lat, 50) * 1000, percentile(lat, 99) * 1000
        res.max_ms = max(lat) * 1000 if lat else float("nan")
        got = sandbox.wait_deliveries(set(users[:res.n_sent]), since, drain_s)
        res.users_answered = len(got)
        per = max(1, res.users_answered)
        res.bot_cpu_ms = (server.cpu_seconds() - cpu0[0]) * 1000 / per
        if sandbox.server:
            res.sandbox_cpu_ms = (sandbox.server.cpu_seconds() - cpu0[1]) * 1000 / per
        res.users_twice = sum(1 for v in got.values() if len(v) > 1)
        for v in got.values():
            for d in v:
                res.kinds[d["kind"]] = res.kinds.get(d["kind"], 0) + 1
        if got:
            res.answer_s = max(d["timestamp"] for v in got.values() for d in v) - load["start"]
        if url:
            time.sleep(0.3)  # the inbox row turns `done` just after the reply call returns
            res.inbox = inbox_summary(url)
        if res.users_answered < res.n_sent:
            res.notes.append(f"{res.n_sent - res.users_answered} users got no answer within {drain_s:.0f} s")
    finally:
        server.stop()
        if latency_ms:
            sandbox.faults()
    return res


def report(results: list[Result], args, info: dict) -> str:
    echo = next((r for r in results if r.name == "echo"), None)

    def vs(get, r):
        if echo is None:
            return "-"
        a, b = get(r), get(echo)
        return f"{a / b:.2f}" if a and b else "-"

    rows = []
    for r in results:
        rows.append([
            r.label, f"{r.n_ok}/{r.n_sent}", f"{r.accepted_rps:.0f}",
            f"{r.answered_rps:.0f}" if r.answered_rps else "-",
            f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", f"{r.max_ms:.1f}",
            f"{r.users_answered}/{r.n_sent}" + (f" ({r.users_twice} twice)" if r.users_twice else ""),
            f"{r.bot_cpu_ms:.1f}", f"{r.sandbox_cpu_ms:.1f}", r.load,
            vs(lambda x: x.accepted_rps, r), vs(lambda x: x.answered_rps, r), vs(lambda x: x.p99_ms, r),
            vs(lambda x: x.bot_cpu_ms, r),
        ])
    table = fmt_table(["scenario", "200s", "accepted/s", "answered/s", "p50 ms", "p99 ms", "max ms",
                       "users answered", "bot CPU ms/req", "sandbox CPU ms/req", "load",
                       "accepted/s ÷ echo", "answered/s ÷ echo", "p99 ÷ echo", "CPU/req ÷ echo"], rows)
    lines = [table, ""]
    for r in results:
        extra = []
        if r.kinds:
            extra.append("deliveries " + ", ".join(f"{k}={v}" for k, v in sorted(r.kinds.items())))
        if r.inbox is not None:
            extra.append("inbox " + ", ".join(f"{k}={v}" for k, v in sorted(r.inbox.items())))
        bad = {k: v for k, v in r.statuses.items() if k != 200}
        if bad:
            extra.append("non-200: " + ", ".join(f"{k}={v}" for k, v in bad.items()))
        extra += r.notes
        if r.answer_s:
            extra.append(f"sent in {r.send_s:.2f} s, last answer at {r.answer_s:.2f} s")
        lines.append(f"- {r.label}: " + "; ".join(extra))
    named = {r.name: r for r in results}
    for ours, base in (("sqlite-lat", "echo-lat"), ("slow", "echo-slow")):
        a, b = named.get(ours), named.get(base)
        if a and b and b.accepted_rps and b.p99_ms:
            lines.append(f"- {a.label} ÷ {b.label}: accepted/s {a.accepted_rps / b.accepted_rps:.2f}, answered/s "
                         f"{(a.answered_rps or 0) / (b.answered_rps or 1):.2f}, p99 {a.p99_ms / b.p99_ms:.3f}")
    return "\n".join(lines)


def checks(results: list[Result], args) -> list[str]:
    problems = []
    for r in results:
        if r.n_ok != r.n_sent:
            problems.append(f"{r.label}: {r.n_sent - r.n_ok} requests not answered 200")
        if r.users_answered != r.n_sent:
            problems.append(f"{r.label}: {r.n_sent - r.users_answered} users got no answer")
        if r.users_twice:
            problems.append(f"{r.label}: {r.users_twice} users answered more than once")
        if r.name == "slow" and not r.p99_ms < args.slow_p99_limit_ms:
            problems.append(f"{r.label}: p99 time-to-200 {r.p99_ms:.1f} ms is not under {args.slow_p99_limit_ms} ms")
    return problems


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench_webhook", description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=3000, help="timed requests per scenario (default 3000)")
    p.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections (16)")
    p.add_argument("--procs", type=int, default=2, help="driver processes sharing the connections (2)")
    p.add_argument("--max-seconds", type=float, default=60.0, help="stop sending after this long (60)")
    p.add_argument("--warmup", type=int, default=200, help="untimed requests before each run (200)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--handler-threads", type=int, default=0,
                   help="HANDLER_THREADS for our bot (default: the app's default)")
    p.add_argument("--slow-requests", type=int, default=240,
                   help="requests in the 3-s-latency scenario (its answers drain at workers*threads/3 s)")
    p.add_argument("--slow-latency-ms", type=int, default=3000)
    p.add_argument("--slow-rate", type=float, default=50.0,
                   help="paced requests/s in (d), 0 = as fast as possible (then p99 is CPU queueing; see README)")
    p.add_argument("--echo-slow-requests", type=int, default=48,
                   help="requests in the echo-bot-with-latency scenario (each holds a request thread for the delay)")
    p.add_argument("--lat-ms", type=int, default=200,
                   help="LINE latency of the (f)/(g) pair: a round trip to api.line.me, roughly")
    p.add_argument("--lat-requests", type=int, default=600)
    p.add_argument("--rounds", type=int, default=2, help="rounds of the echo/sqlite/postgres runs (median kept)")
    p.add_argument("--slow-p99-limit-ms", type=float, default=100.0)
    p.add_argument("--scenarios", default="echo,sqlite,postgres,slow,echo-slow,echo-lat,sqlite-lat",
                   help="comma-separated subset of echo,sqlite,postgres,slow,echo-slow,echo-lat,sqlite-lat")
    p.add_argument("--write", action="store_true", help="write the results into BENCHMARKS.md (section Webhook)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, SQLite files)")
    args = p.parse_args(argv)
    wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]

    info = machine_info()
    print(f"machine: {info['nproc']} x {info['cpu']}, {info['memory']}, Python {info['python']}, {info['date']}")
    print(f"load: {args.requests} unique signed text callbacks, {args.connections} connections in {args.procs} "
          f"processes; gunicorn gthread --workers {args.workers} --threads {args.threads}", flush=True)
    tmp, sandbox = start_sandbox("bench-webhook-")
    results: list[Result] = []
    # Answers under latency: each handler thread sends a batch (<= MAX_BATCH) of replies per LINE round trip.
    from bot.pipeline.inbox import MAX_BATCH
    slow_drain = (args.slow_requests * args.slow_latency_ms / 1000
                  / max(1, args.workers * (args.handler_threads or 1) * MAX_BATCH))
    plan = {
        "echo": dict(label="(a) echo bot (line-bot-sdk)", bot="echo"),
        "sqlite": dict(label="(b) ours, SQLite", bot="ours", db="sqlite"),
        "postgres": dict(label="(c) ours, PostgreSQL", bot="ours", db="postgres"),
        "slow": dict(label=f"(d) ours, SQLite, LINE +{args.slow_latency_ms / 1000:g} s"
                     + (f", {args.slow_rate:g} req/s" if args.slow_rate else ""), bot="ours", db="sqlite",
                     latency_ms=args.slow_latency_ms, requests=args.slow_requests, drain_s=slow_drain * 1.5 + 60,
                     rate=args.slow_rate),
        "echo-lat": dict(label=f"(f) echo bot, LINE +{args.lat_ms} ms", bot="echo", latency_ms=args.lat_ms,
                         requests=args.lat_requests, drain_s=60),
        "sqlite-lat": dict(label=f"(g) ours, SQLite, LINE +{args.lat_ms} ms", bot="ours", db="sqlite",
                           latency_ms=args.lat_ms, requests=args.lat_requests, drain_s=120),
        "echo-slow": dict(label=f"(e) echo bot, LINE +{args.slow_latency_ms / 1000:g} s", bot="echo",
                          latency_ms=args.slow_latency_ms, requests=args.echo_slow_requests, drain_s=60),
    }
    repeated = [n for n in wanted if n in ("echo", "sqlite", "postgres")]
    once = [n for n in wanted if n not in repeated]
    # Fast scenarios alternate for --rounds rounds (the machine may be shared: alternating spreads any
    # background load over all of them); each is reported by its median round.
    order = [n for _ in range(max(1, args.rounds)) for n in repeated] + once
    by_name: dict[str, list[Result]] = {}
    try:
        for name in order:
            spec = dict(plan[name])
            label = spec.pop("label")
            print(f"running {label} ...", flush=True)
            t0 = time.monotonic()
            try:
                r = run_scenario(name, label, args, sandbox, tmp, **spec)
            except Exception as exc:  # noqa: BLE001 - e.g. PostgreSQL not running: report, go on
                print(f"  {name} failed: {exc}", flush=True)
                continue
            by_name.setdefault(name, []).append(r)
            print(f"  done in {time.monotonic() - t0:.0f} s: {r.accepted_rps:.0f} accepted/s, "
                  f"{r.answered_rps or 0:.0f} answered/s, p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms, "
                  f"{r.users_answered}/{r.n_sent} answered, {r.bot_cpu_ms:.1f} CPU ms/req, load {r.load}",
                  flush=True)
        for name in wanted:
            runs = by_name.get(name)
            if not runs:
                continue
            ranked = sorted(runs, key=lambda r: r.accepted_rps)
            chosen = ranked[(len(ranked) - 1) // 2]
            if len(runs) > 1:
                chosen.notes.append("lower median of %d rounds; accepted/s per round %s, p99 ms per round %s" % (
                    len(runs), ", ".join(f"{r.accepted_rps:.0f}" for r in runs),
                    ", ".join(f"{r.p99_ms:.0f}" for r in runs)))
            results.append(chosen)
    finally:
        stop_sandbox(sandbox, tmp, args.keep)
    text = report(results, args, info)
    print()
    print(text)
    problems = checks(results, args)
    print()
    print("checks: " + ("all passed" if not problems else "FAILED\n  " + "\n  ".join(problems)))
    if args.write:
        write_markdown(results, args, info, text, problems)
    return 1 if problems else 0


def write_markdown(results, args, info, text, problems) -> None:
    from bot.config import Config
    from bot.pipeline.inbox import MAX_BATCH
    body = f"""Command: `{COMMAND}` (also part of `.venv/bin/python -m bench`; `--help` for options).

Machine: {info['nproc']} cores, {info['cpu']}, {info['memory']} RAM, Python {info['python']}, Linux {info['kernel']}.
Date: {info['date']}.

Setup: each bot under `gunicorn --worker-class gthread --workers {args.workers} --threads {args.threads}` (ours with its
HANDLER_THREADS={args.handler_threads or Config.HANDLER_THREADS}, REPLY_THREADS={Config.REPLY_THREADS} per worker, batches of up to {MAX_BATCH}); the sandbox LINE API as its own gunicorn process (1 worker, 64 threads,
state in memory); the load from {args.procs} driver processes over {args.connections} keep-alive connections;
everything on 127.0.0.1, sharing the same {info['nproc']} cores (and, during this run, with other people's test
suites and benchmarks: "load" is the 1-minute load average when each timed run started). Requests per
scenario: {args.requests} for (a)-(c) (alternating, {args.rounds} rounds, the lower-median round shown; sending stops
after {args.max_seconds:g} s), {args.slow_requests} for (d), {args.echo_slow_requests} for (e), {args.lat_requests} for
(f)/(g); each after {args.warmup} untimed warm-up requests. Each request is a one-event signed text callback
with a unique webhookEventId, a unique user and a reply token registered at the sandbox before the timed run.
Time-to-200 is measured by the driver from sending the request to reading the whole response.
accepted/s = 200s per second of sending; answered/s = users answered per second until the last answer reached
the sandbox (the echo bot replies before its 200; ours stores the event, answers 200, then handles waiting
events in batches and replies one after the other or from sender threads, as LINE's round trip calls for). Answers are counted at the sandbox (`GET /_sandbox/deliveries`, polled with a deadline).
CPU ms/req = user+system CPU of the bot's (or sandbox's) processes per answered request, from /proc: the
figure least disturbed by a busy machine. Baseline: `bench/echo_bot.py`, a line-bot-sdk v3
`WebhookHandler` + `MessagingApi` echo bot (one shared ApiClient; LINE's sample opens one per event).

{text}

Checks (every request 200, every user answered exactly once, (d) p99 < {args.slow_p99_limit_ms:g} ms):
{"all passed" if not problems else "FAILED: " + "; ".join(problems)}.
"""
    replace_section(ROOT / "BENCHMARKS.md", "Webhook", body + FINDINGS)
    print(f"wrote the Webhook section of {ROOT / 'BENCHMARKS.md'}")


FINDINGS = """
### Findings (2026-11-26, third session; step figures were measured the same day with `--rounds 1`
runs of the fast scenarios, in-process timers (one process, no contention, batches of 16) and py-spy)

1. **Throughput against the echo bot with an instant LINE: accepted reached, answered not.** The table's
   (b)/(c): accepted 1.02x (SQLite) and 1.27x (PostgreSQL) of the echo bot's rate, answered 0.86x and
   0.80x, at 1.03x and 1.08x its CPU per request (PostgreSQL's own server CPU not counted). Rounds: accepted
   745/951 and 939/927 against the echo bot's 729/875, so SQLite's lead is within the noise of this shared
   machine (load 3-3.6), PostgreSQL's is not. Earlier full runs the same morning, each before some of this
   session's changes: accepted 0.74-0.90x and 0.87-1.08x, answered 0.66-0.78x and 0.58-0.68x. The session
   started at 0.55x/0.66x accepted and 0.55x/0.47x answered, at 1.7x the CPU (same machine, quiet, 03:53 UTC).
   In (c) one reply failed on a connection the sandbox had just closed as idle and went out as a push (the
   user was answered once). The echo bot left one of 3000 users unanswered in two earlier runs, probably the
   same race: it has no fallback, so its failed reply is a 500 to LINE. Found, not mended: a reply that
   fails like this could be sent again safely only if LINE had not read it, which the client cannot tell.
   The CPU per request is what decides on a machine whose 2 cores the bots share with the load driver and the
   sandbox: ours 1.03-1.46x of the echo bot's in this session's full runs (1.72x/1.47x at the start of the day, 4-5x the day
   before). In one process without contention the whole path costs ours 0.93 ms per event (webhook 0.32 ms,
   handling 0.20 ms, reply and done-mark 0.40 ms) against the echo bot's 0.84 ms; the echo bot's reply goes
   through line-bot-sdk's pydantic models (0.44 ms a call), ours sends dicts through the same SDK client (0.34
   ms), and that is the only part where ours is cheaper. The rest of the gap is the inbox row, the claim, the
   first-contact and state rows and the done-mark: the durable inbox, dedupe and state the issue asks for.
   Why answered trails accepted: one handler thread per process handles batches of up to 32 and then waits
   for their replies; with the sandbox on the same CPUs a reply takes 3-7 ms under load, so a handler cycle is
   ~0.1 s and the webhook threads get the CPU meanwhile. Everyone is answered within 0.6-2 s of the last
   request.
2. **With a real LINE round trip ours is far ahead.** At +200 ms ((f)/(g)) the echo bot's 200 waits for LINE;
   ours accepts 24-41x faster and answers 4.8-5.9x faster (a full batch's replies go out on up to 32 threads). At
   +3 s ((d)/(e)) the echo bot's p99 is 9-12 s (LINE would time out and redeliver); ours stays at 6-31 ms at
   50 req/s and answers every user with a free reply, none with a push.
3. **What changed this session**, each measured against the step before (in-process timers unless noted):
   - The webhook's insert (`models/autocommit.py`): one `INSERT .. ON CONFLICT DO NOTHING RETURNING` in
     autocommit on a connection each request thread keeps, instead of SQLAlchemy's pool and execution layer
     (pre-ping, BEGIN, insert, COMMIT, reset: five round trips on PostgreSQL). The insert alone: SQLite
     0.15 -> 0.05 ms, PostgreSQL 0.39 -> 0.10 ms; the whole webhook request 0.46 -> 0.34 ms and 0.81 -> 0.44 ms.
     Under gunicorn, accepted/s rose from ~0.75x to ~1.0-1.2x of the echo bot's. (The connections are a small
     free list, not one per thread: one per thread left a PostgreSQL connection open per request behind a
     thread-per-request server, and the deeds benchmark ran out of them.)
   - Replies over as many threads as LINE's round trip calls for (`bot/pipeline/replies.py` RoundTrip): one after the
     other on the handler's thread when LINE answers in a millisecond or two, all in parallel when it is far
     away. Handing each call to a sender thread cost 0.19 ms per event (delivery 0.66 -> 0.47 ms). Measuring
     only the fastest of parallel calls matters: counting all of them, a local LINE looked slow forever.
   - Marking a batch's replies sent: one autocommit UPDATE on the handler thread's own connection
     (`models/autocommit.py`), unless a push stands in for a failed reply. Per batch of 16: SQLite 0.33 -> 0.21
     ms CPU, PostgreSQL 0.45 -> 0.08 ms CPU and 1.2 -> 0.7 ms wall. Two quick runs after it: accepted
     0.95-0.99x (SQLite) and 1.0-1.02x (PostgreSQL), answered 0.83-0.84x and 0.64-0.65x.
   - The inbox claim writes nothing (`bot/pipeline/inbox.py`): the pending rows are read (PostgreSQL: `FOR UPDATE SKIP
     LOCKED`) and written once, with the reply, in the same transaction: two versions of each event's row
     instead of three. Two quick runs after it: accepted 1.05-1.17x (SQLite) and 1.02-1.28x (PostgreSQL),
     answered 0.83-0.95x and 0.63-0.73x.
   - Request ids of replies logged one line per batch, and response headers read without copying them:
     delivery 0.47 -> 0.40 ms.
   - The sandbox remembers bodies it found valid (a bot repeats its messages): 0.43 -> 0.24 ms of its CPU
     per reply of ours, 0.30 -> 0.23 ms of the echo bot's; both share the machine with it. It now also refuses
     empty text, as LINE does.
   - Batches of up to 32 instead of 16 (REPLY_THREADS 32 to match): answered/s in 4 alternating runs
     659/732 vs 684/577 (SQLite) and 562/589 vs 507/510 (PostgreSQL); accepted/s a little lower.
   - Tried and dropped: a delivery thread that sends a batch's replies while the handler decides the next
     (batches shrank to ~6-20 events, CPU per request up to 1.8-2.8 ms, answered/s lower: 475-541); two handler
     threads (smaller batches, more CPU); `sys.setswitchinterval(0.001)` (no clear change); a 10 ms budget
     for sequential replies (more threads, 1.7-1.9 ms CPU per request).
4. **Left**: on this machine the sandbox, the load driver and both bots share 2 cores, so the echo bot's
   lower CPU per request decides the instant-LINE comparison; getting ours below it would mean leaving
   line-bot-sdk (a plain `http.client` reply costs 0.18 ms against the SDK client's 0.34 ms) or Flask on the
   hot path, or dropping the state the issue asks for. PostgreSQL also spends server CPU on the same cores
   (the claim, the first-contact rows and the row locks of each batch), which the bot's CPU column does not
   show.
"""


if __name__ == "__main__":
    raise SystemExit(main())
