"""Webhook under flood (issue 19): does answering keep up when webhooks flood in, paced latency, scale-out.

    .venv/bin/python -m bench.bench_flood            # all scenarios, prints the tables
    .venv/bin/python -m bench.bench_flood --write    # ... and rewrites "Webhook under flood" in BENCHMARKS.md

Every bot runs under the Procfile's gunicorn settings (gthread, 2 workers, 4 threads); the sandbox LINE API
(answering at once) is its own process; everything is on 127.0.0.1. One process tree at a time.

(a) Flood, the issue's load shape: `wrk -t2 -c16 -d12s` with bench/flood.lua, one signed text event per request
    from a distinct user (unique webhookEventId and userId, a reply token registered at the sandbox just before
    the run). Scenarios: echo (bench/echo_bot.py), ours on SQLite, ours on PostgreSQL handling in the web
    (INBOX_HANDLERS=web, the default), ours on PostgreSQL with 1 and 2 handler processes (INBOX_HANDLERS=external,
    `python -m bot.pipeline`). accepted/s = wrk's 2xx / run length; answered/s = users whose answer reached the
    sandbox before the run ended / run length; then how many were still waiting 5 s later, when the backlog
    drained, and how answers went out (reply, or push once the token was older than REPLY_TOKEN_MAX_AGE_S).
(b) Paced: 100, 200, 400, 600 events/s for 10 s each (Python driver, 2 processes, 16 keep-alive connections): time
    from the request's send to the reply reaching the sandbox, p50/p99, for echo and ours (SQLite, PostgreSQL).
(c) Scale-out on PostgreSQL: the flood of (a) with 1, 2 and 4 handler processes.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_webhook import (SECRET, TOKEN, Sandbox, inbox_summary, make_items, prepare_db, run_load, start_sandbox,
                                 stop_sandbox, user_ids)
from bench.common import (HOST, PYTHON, ROOT, Server, fmt_table, free_port, fresh_schema, gunicorn_argv, loadavg,
                          machine_info, percentile, replace_section, start_server)

COMMAND = ".venv/bin/python -m bench.bench_flood --write"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_flood"
LUA = ROOT / "bench" / "flood.lua"
WRK_THREADS = 2
TARGET = 0.8  # the goal: answered/s at least 0.8x the echo bot's
SECTION = "Webhook under flood"

FLOODS = {  # name: (label, bot, db, handler processes)
    "echo": ("echo bot (line-bot-sdk)", "echo", None, 0),
    "sqlite": ("ours, SQLite", "ours", "sqlite", 0),
    "postgres": ("ours, PostgreSQL, handling in web", "ours", "postgres", 0),
    "pg-ext1": ("ours, PostgreSQL, 1 handler process", "ours", "postgres", 1),
    "pg-ext2": ("ours, PostgreSQL, 2 handler processes", "ours", "postgres", 2),
    "pg-ext4": ("ours, PostgreSQL, 4 handler processes", "ours", "postgres", 4),
}
PACED = {  # name: (label, bot, db)
    "paced-echo": ("echo bot", "echo", None),
    "paced-sqlite": ("ours, SQLite", "ours", "sqlite"),
    "paced-postgres": ("ours, PostgreSQL", "ours", "postgres"),
}
SCALE_OUT = ["pg-ext1", "pg-ext2", "pg-ext4"]


# -- the bot's process tree -----------------------------------------------------------------------------------
@dataclass
class Bot:
    port: int
    web: Server
    handlers: list[Server]
    url: str | None  # DATABASE_URL (ours) or None (echo)

    def cpu_seconds(self) -> float:
        return sum(s.cpu_seconds() for s in (self.web, *self.handlers))

    def stop(self) -> None:
        for s in (*self.handlers, self.web):
            s.stop()


def start_handler(name: str, env: dict, log_dir: Path, timeout: float = 60.0) -> Server:
    """`python -m bot.pipeline` in its own process group; ready once it logs "inbox handler started"."""
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([PYTHON, "-m", "bot.pipeline"], cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(name, 0, proc, log_path, log)
    stop_at = time.monotonic() + timeout
    while "inbox handler started" not in log_path.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > stop_at:
            server.stop()
            raise RuntimeError(f"{name} did not start; last log lines:\n{server.log_tail()}")
        time.sleep(0.1)
    return server


def start_bot(name: str, bot: str, db: str | None, handlers: int, sandbox: Sandbox, tmp: Path, args) -> Bot:
    port = free_port()
    env = {"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
           "LINE_API_BASE": f"http://{HOST}:{sandbox.port}", "APP_ENV": "development",
           "MEDIA_DIR": str(tmp / "media"), "PYTHONPATH": str(ROOT)}
    url = None
    if bot == "ours":
        url = prepare_db("sqlite", tmp) if db == "sqlite" else args.pg
        if db == "postgres":
            fresh_schema(url).dispose()
        env["DATABASE_URL"] = url
        env["INBOX_HANDLERS"] = "external" if handlers else "web"
        app = "bot:create_app()"
    else:
        app = "bench.echo_bot:create_app()"
    web = start_server(name, gunicorn_argv(app, port, args.workers, args.threads), port, tmp / "logs", env,
                       health_path="/healthz")
    started: list[Server] = []
    try:
        for i in range(handlers):
            started.append(start_handler(f"{name}-handler{i + 1}", env, tmp / "logs"))
    except Exception:
        for s in (*started, web):
            s.stop()
        raise
    return Bot(port, web, started, url)


def warm_up(bot: Bot, sandbox: Sandbox, n: int) -> None:
    """Untimed requests first (imports, connection pools, first-request hooks), answered before the run."""
    if not n:
        return
    users = user_ids(n)
    since = sandbox.last_seq()
    run_load(bot.port, make_items(n, bulk_tokens(sandbox, users), users), 8, 1, 60)
    sandbox.wait_deliveries(set(users), since, 60)


def bulk_tokens(sandbox: Sandbox, users: list[str], chunk: int = 10_000) -> list[str]:
    tokens: list[str] = []
    for i in range(0, len(users), chunk):
        tokens += sandbox.call("POST", "/_sandbox/reply-tokens", {"users": users[i:i + chunk]})["replyTokens"]
    return tokens


class Deliveries:
    """What the sandbox delivered after `since`, per user: [(timestamp, kind)], fetched incrementally."""

    def __init__(self, sandbox: Sandbox, since: int):
        self.sandbox, self.since = sandbox, since
        self.by_user: dict[str, list[tuple[float, str]]] = {}

    def poll(self) -> int:
        data = self.sandbox.call("GET", f"/_sandbox/deliveries?since={self.since}")
        for d in data["deliveries"]:
            self.by_user.setdefault(d["to"], []).append((d["timestamp"], d["kind"]))
        self.since = data["lastSeq"]
        return len(data["deliveries"])

    def first(self, users) -> dict[str, float]:
        return {u: min(t for t, _ in self.by_user[u]) for u in users if u in self.by_user}


def postgres_cpu_seconds() -> float:
    """CPU so far of every PostgreSQL server process on this machine (other people's queries included)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if stat[stat.index("(") + 1:stat.rindex(")")] == "postgres":
                fields = stat[stat.rindex(")") + 2:].split()
                total += int(fields[11]) + int(fields[12])
    return total / tick


# -- (a)/(c) flood ----------------------------------------------------------------------------------------------
@dataclass
class Flood:
    name: str
    label: str
    handlers: int = 0
    db: str | None = None
    bodies: int = 0
    taken: int = 0                 # bodies the wrk threads took (sent, or the one wrk looks at before the run)
    exhausted: bool = False
    wrk: dict = field(default_factory=dict)
    run_s: float = 0.0
    accepted: int = 0              # wrk's 2xx
    answered: int = 0              # users answered at all
    answered_in_run: int = 0
    answered_5s: int = 0
    drain_s: float | None = None   # last answer minus run end (<= 0: no backlog)
    kinds: dict = field(default_factory=dict)
    twice: int = 0
    strangers: int = 0             # answers to users whose body no wrk thread took (must be 0)
    inbox: dict | None = None
    warmup: int = 0
    bot_cpu_s: float = 0.0
    pg_cpu_s: float = 0.0
    load: str = "?"
    notes: list = field(default_factory=list)

    @property
    def accepted_rps(self) -> float:
        return self.accepted / self.run_s if self.run_s else 0.0

    @property
    def answered_rps(self) -> float:
        return self.answered_in_run / self.run_s if self.run_s else 0.0

    @property
    def waiting_5s(self) -> float:
        return max(0, self.accepted - self.answered_5s) / self.accepted if self.accepted else 0.0

    def cpu_ms(self, seconds: float) -> float:
        return seconds * 1000 / self.answered if self.answered else float("nan")


def write_bodies(path: Path, items: list[tuple[bytes, str]]) -> None:
    with open(path, "wb") as f:
        for body, sig in items:
            assert b"\n" not in body and b"\t" not in body  # one request per line (json.dumps escapes both)
            f.write(sig.encode() + b"\t" + body + b"\n")


def run_wrk(port: int, bodies: Path, args) -> tuple[dict, float]:
    argv = ["wrk", f"-t{WRK_THREADS}", f"-c{args.connections}", f"-d{args.duration:g}s", "-s", str(LUA),
            f"http://{HOST}:{port}/", "--", str(bodies), str(WRK_THREADS)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration + 60, cwd=ROOT)
    end = time.time()
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("FLOOD-RESULT ")), None)
    if proc.returncode or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr[-2000:] or proc.stdout[-2000:]}")
    return json.loads(line.split(" ", 1)[1]), end


def taken_users(users: list[str], threads: list[dict]) -> set[str]:
    """Thread i took lines i, i+T, ... (the first `taken` of its stride); see bench/flood.lua."""
    out = set()
    for t in threads:
        out.update(users[t["id"]::WRK_THREADS][:t["taken"]])
    return out


def run_flood(name: str, args, sandbox: Sandbox, tmp: Path) -> Flood:
    label, bot_kind, db, handlers = FLOODS[name]
    res = Flood(name, label, handlers, db, args.bodies, warmup=args.warmup)
    sandbox.reset()
    bot = start_bot(name, bot_kind, db, handlers, sandbox, tmp, args)
    try:
        warm_up(bot, sandbox, args.warmup)
        # Bodies made right before the run: event timestamps (and so reply-token ages) start fresh.
        users = user_ids(args.bodies)
        bodies = tmp / f"{name}-bodies.txt"
        write_bodies(bodies, make_items(len(users), bulk_tokens(sandbox, users), users))
        since = sandbox.last_seq()
        res.load = loadavg()
        cpu0, pg0 = bot.cpu_seconds(), postgres_cpu_seconds()
        res.wrk, run_end = run_wrk(bot.port, bodies, args)
        w = res.wrk
        res.run_s = w["duration_us"] / 1e6
        res.accepted = w["requests"] - w["status"]
        res.exhausted = any(t["exhausted"] for t in w["threads"])
        sent = taken_users(users, w["threads"])
        res.taken = len(sent)
        # Drain: poll until every taken body is answered, or nothing new came for --idle s once at least the
        # accepted events are answered (and 5 s have passed), or the deadline.
        got = Deliveries(sandbox, since)
        last_new, stop_at = time.monotonic(), time.monotonic() + args.drain_max
        while True:
            time.sleep(0.5)
            if got.poll():
                last_new = time.monotonic()
            n = len(got.by_user)
            now = time.monotonic()
            if n >= res.taken or now > stop_at:
                break
            if n >= res.accepted and time.time() > run_end + 5 and now - last_new > args.idle:
                break
        res.bot_cpu_s = bot.cpu_seconds() - cpu0
        res.pg_cpu_s = postgres_cpu_seconds() - pg0 if db == "postgres" else 0.0
        first = got.first(got.by_user)
        res.answered = len(first)
        res.answered_in_run = sum(1 for t in first.values() if t <= run_end)
        res.answered_5s = sum(1 for t in first.values() if t <= run_end + 5)
        res.twice = sum(1 for v in got.by_user.values() if len(v) > 1)
        res.strangers = len(set(got.by_user) - sent)
        for v in got.by_user.values():
            for _, kind in v:
                res.kinds[kind] = res.kinds.get(kind, 0) + 1
        if first:
            res.drain_s = max(t for v in got.by_user.values() for t, _ in v) - run_end
        if bot.url:
            time.sleep(0.3)  # a row turns `done` just after its reply call returns
            res.inbox = inbox_summary(bot.url)
        if now > stop_at:
            res.notes.append(f"stopped waiting {args.drain_max:g} s after the run")
    finally:
        bot.stop()
    return res


# -- (b) paced ----------------------------------------------------------------------------------------------------
def _paced_drive(port: int, items: list[tuple[int, bytes, str]], threads: int, rate: float, ready, go, out) -> None:
    """Send item (i, body, sig) at i/rate s after `go`; put [(i, send wall time, status)] on `out`.
    (bench_webhook's _drive paces too, but keeps no per-request send time or index.)"""
    lock = threading.Lock()
    it = iter(items)
    results: list[tuple[int, float, int]] = []

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        local = []
        while True:
            with lock:
                item = next(it, None)
            if item is None:
                break
            i, body, sig = item
            delay = t_go + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            headers = {"Content-Type": "application/json; charset=utf-8", "X-Line-Signature": sig,
                       "User-Agent": "LineBotWebhook/2.0"}
            sent_at, status = time.time(), 0
            for attempt in (1, 2):  # a kept-alive connection the server closed while idle: once more, anew
                try:
                    conn.request("POST", "/callback", body=body, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                    status = resp.status
                    if resp.will_close:
                        conn.close()
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    sent_at = time.time()
            local.append((i, sent_at, status))
        conn.close()
        with lock:
            results.extend(local)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    ready.put(os.getpid())
    go.wait()
    t_go = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(results)


def paced_load(port: int, items: list[tuple[bytes, str]], rate: float, connections: int, procs: int = 2):
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    indexed = [(i, body, sig) for i, (body, sig) in enumerate(items)]
    children = [ctx.Process(target=_paced_drive, daemon=True,
                            args=(port, indexed[k::procs], connections // procs, rate, ready, go, out))
                for k in range(procs)]
    for c in children:
        c.start()
    for _ in children:
        ready.get(timeout=60)
    go.set()
    parts = [out.get(timeout=len(items) / rate + 120) for _ in children]
    for c in children:
        c.join(10)
    return sorted(r for p in parts for r in p)


@dataclass
class PacedRate:
    rate: float
    sent: int = 0
    ok: int = 0
    send_rate: float = 0.0     # what the driver achieved
    answered: int = 0
    twice: int = 0
    kinds: dict = field(default_factory=dict)
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    max_ms: float = float("nan")
    bot_cpu_ms: float = float("nan")
    load: str = "?"


@dataclass
class Paced:
    name: str
    label: str
    rates: list[PacedRate] = field(default_factory=list)

    def best(self) -> float | None:
        held = [r.rate for r in self.rates if r.answered == r.sent and r.p99_ms < 1000]
        return max(held) if held else None


def run_paced(name: str, args, sandbox: Sandbox, tmp: Path) -> Paced:
    label, bot_kind, db = PACED[name]
    res = Paced(name, label)
    sandbox.reset()
    bot = start_bot(name, bot_kind, db, 0, sandbox, tmp, args)
    try:
        warm_up(bot, sandbox, args.warmup)
        for rate in args.rates:
            n = int(rate * args.paced_seconds)
            users = user_ids(n)
            items = make_items(n, bulk_tokens(sandbox, users), users)
            since = sandbox.last_seq()
            pr = PacedRate(rate, load=loadavg())
            cpu0 = bot.cpu_seconds()
            sends = paced_load(bot.port, items, rate, args.paced_connections)
            pr.sent, pr.ok = len(sends), sum(1 for _, _, st in sends if st == 200)
            span = sends[-1][1] - sends[0][1] if len(sends) > 1 else 0
            pr.send_rate = (len(sends) - 1) / span if span else 0.0
            got = Deliveries(sandbox, since)
            stop_at = time.monotonic() + 60
            while len(got.by_user) < n and time.monotonic() < stop_at:
                got.poll()
                time.sleep(0.2)
            pr.bot_cpu_ms = (bot.cpu_seconds() - cpu0) * 1000 / max(1, len(got.by_user))
            first = got.first(users)
            pr.answered = len(first)
            pr.twice = sum(1 for v in got.by_user.values() if len(v) > 1)
            for v in got.by_user.values():
                for _, kind in v:
                    pr.kinds[kind] = pr.kinds.get(kind, 0) + 1
            # An event never answered counts as infinitely late, so p99 cannot look better than it was.
            lat = [(first[users[i]] - sent_at) * 1000 if users[i] in first else float("inf")
                   for i, sent_at, _ in sends]
            pr.p50_ms, pr.p99_ms, pr.max_ms = percentile(lat, 50), percentile(lat, 99), max(lat)
            res.rates.append(pr)
            print(f"    {rate:g}/s: sent {pr.sent} at {pr.send_rate:.0f}/s, answered {pr.answered}, "
                  f"p50 {pr.p50_ms:.0f} ms, p99 {pr.p99_ms:.0f} ms", flush=True)
    finally:
        bot.stop()
    return res


# -- report ---------------------------------------------------------------------------------------------------------
def _f(x, fmt="{:.0f}") -> str:
    return "-" if x is None or x != x else fmt.format(x)


def flood_problems(r: Flood) -> list[str]:
    out = []
    if r.answered < r.accepted:
        out.append(f"{r.accepted - r.answered} accepted events not answered")
    if r.twice:
        out.append(f"{r.twice} users answered twice")
    if r.strangers:
        out.append(f"{r.strangers} answers to users never sent")
    if r.inbox is not None:
        stored = sum(r.inbox.values()) - r.warmup
        if stored != r.answered:
            out.append(f"{stored} events stored, {r.answered} answered")
        stuck = {k: v for k, v in r.inbox.items() if k != "done"}
        if stuck:
            out.append("inbox not done: " + ", ".join(f"{k}={v}" for k, v in sorted(stuck.items())))
    if r.exhausted:
        out.append(f"wrk ran out of bodies ({r.bodies}): raise --bodies")
    return out


def flood_table(results: list[Flood]) -> str:
    echo = next((r for r in results if r.name == "echo"), None)
    rows = []
    for r in results:
        ratio = r.answered_rps / echo.answered_rps if echo and echo.answered_rps else None
        verdict = "-" if ratio is None or r.name == "echo" else ("PASS" if ratio >= TARGET else "FAIL")
        rows.append([
            r.label, f"{r.accepted}", f"{r.accepted_rps:.0f}", f"{r.answered_rps:.0f}",
            _f(ratio, "{:.2f}"), verdict, f"{r.answered_5s} ({r.waiting_5s:.0%})",
            _f(r.drain_s, "{:.1f}") if r.drain_s is None or r.drain_s > 0 else "none",
            f"{r.kinds.get('reply', 0)}/{r.kinds.get('push', 0)}", _f(r.cpu_ms(r.bot_cpu_s), "{:.2f}"),
            _f(r.cpu_ms(r.pg_cpu_s), "{:.2f}") if r.db == "postgres" else "-",
            f"{r.wrk['p50_us'] / 1000:.1f} / {r.wrk['p99_us'] / 1000:.1f}", r.load,
            "ok" if not flood_problems(r) else "FAILED",
        ])
    return fmt_table(["scenario", "accepted", "accepted/s", "answered/s in run", "÷ echo", f"≥ {TARGET}×",
                      "answered by stop+5 s (still waiting)", "backlog drained, s after stop", "reply/push",
                      "bot CPU ms/event", "PostgreSQL CPU ms/event", "time-to-200 p50/p99 ms", "load", "check"],
                     rows)


def scale_table(results: list[Flood]) -> str:
    runs = [r for r in results if r.name in SCALE_OUT]
    if not runs:
        return ""
    base = runs[0].answered_rps
    rows = [[str(r.handlers), f"{r.answered_rps:.0f}", _f(r.answered_rps / base if base else None, "{:.2f}"),
             f"{r.accepted_rps:.0f}", _f(r.drain_s, "{:.1f}") if r.drain_s and r.drain_s > 0 else "none",
             _f(r.cpu_ms(r.bot_cpu_s), "{:.2f}"), _f(r.cpu_ms(r.pg_cpu_s), "{:.2f}"), r.load] for r in runs]
    return fmt_table(["handler processes", "answered/s in run", f"÷ {runs[0].handlers} process",
                      "accepted/s", "backlog drained, s after stop", "bot CPU ms/event (web + handlers)",
                      "PostgreSQL CPU ms/event", "load"], rows)


def paced_table(results: list[Paced]) -> str:
    rows = []
    for p in results:
        for r in p.rates:
            rows.append([p.label, f"{r.rate:g}", f"{r.send_rate:.0f}", f"{r.ok}/{r.sent}",
                         f"{r.answered}/{r.sent}" + (f" ({r.twice} twice)" if r.twice else ""),
                         f"{r.kinds.get('reply', 0)}/{r.kinds.get('push', 0)}", _f(r.p50_ms, "{:.0f}"),
                         _f(r.p99_ms, "{:.0f}"), _f(r.max_ms, "{:.0f}"), _f(r.bot_cpu_ms, "{:.2f}"), r.load])
    table = fmt_table(["bot", "events/s", "sent/s", "200s", "answered", "reply/push", "p50 ms", "p99 ms",
                       "max ms", "bot CPU ms/event", "load"], rows)
    best = [f"{p.label}: " + (f"{p.best():g} events/s" if p.best() else "none of the rates") for p in results]
    return table + "\n\nHighest rate whose p99 stays under 1 s (every event answered): " + "; ".join(best) + "."


def report(floods: list[Flood], paced: list[Paced]) -> str:
    parts = []
    if floods:
        parts += ["(a) Flood", "", flood_table([r for r in floods if r.name not in ("pg-ext4",)]), ""]
        for r in floods:
            w = r.wrk
            extra = [f"wrk took {r.taken} of {r.bodies} bodies" + (" and RAN OUT" if r.exhausted else ""),
                     f"{r.answered} answered in all"]
            errs = {k: w[k] for k in ("connect", "read", "write", "timeout") if w.get(k)}
            if w.get("status"):
                errs["non-2xx"] = w["status"]
            if errs:
                extra.append("wrk errors " + ", ".join(f"{k}={v}" for k, v in errs.items()))
            if r.inbox is not None:
                extra.append("inbox " + ", ".join(f"{k}={v}" for k, v in sorted(r.inbox.items()))
                             + f" (incl. {r.warmup} warm-up)")
            extra += flood_problems(r) + r.notes
            parts.append(f"- {r.label}: " + "; ".join(extra))
        scale = scale_table(floods)
        if scale:
            parts += ["", "(c) Scale-out on PostgreSQL (the flood of (a), handling in separate processes)", "", scale]
    if paced:
        parts += ["", "(b) Paced: time from sending the event to its reply reaching the sandbox", "",
                  paced_table(paced)]
    return "\n".join(parts).strip("\n")


def checks(floods: list[Flood], paced: list[Paced]) -> list[str]:
    problems = [f"{r.label}: {p}" for r in floods for p in flood_problems(r)]
    for p in paced:
        for r in p.rates:
            if r.twice:
                problems.append(f"paced {p.label} {r.rate:g}/s: {r.twice} users answered twice")
    return problems


def write_markdown(text: str, args, info: dict, problems: list[str]) -> None:
    from bot.config import Config
    body = f"""Command: `{COMMAND}` (`--help` for options); this run took {args.took_min:.1f} min.

Machine: {info['nproc']} cores, {info['cpu']}, {info['memory']} RAM, Python {info['python']}, Linux {info['kernel']}.
Date: {info['date']}. "load" = the 1-minute load average when each timed run started (the machine is shared).

Setup: every bot under the Procfile's `gunicorn --worker-class gthread --workers {args.workers} --threads {args.threads}`;
the sandbox LINE API (answering at once) as its own gunicorn process; everything on 127.0.0.1, on the same
{info['nproc']} cores. Ours: INBOX_HANDLERS=web (the web processes handle) or external (`python -m bot.pipeline`
processes handle, the web only stores and notifies); REPLY_TOKEN_MAX_AGE_S={Config.REPLY_TOKEN_MAX_AGE_S}. The echo bot is
`bench/echo_bot.py` (line-bot-sdk v3 WebhookHandler + MessagingApi, replying before its 200).

Load (a)/(c): `wrk -t{WRK_THREADS} -c{args.connections} -d{args.duration:g}s -s bench/flood.lua`, one signed text event per request from a
distinct user (unique webhookEventId and userId, a reply token registered at the sandbox just before the
run); {args.bodies} bodies generated right before each run, each wrk thread sending its own stride, none twice.
{args.warmup} untimed warm-up events first. accepted/s = wrk's 2xx ÷ run length; answered/s in run = users whose
answer reached the sandbox before wrk stopped ÷ run length; "still waiting" = accepted events not answered
5 s after the stop; "backlog drained" = last answer minus the stop; reply/push = how the answers went (a
push is billed); bot CPU = user+system CPU of the bot's processes (web, and handler processes) per answered
event, from /proc; PostgreSQL CPU = the whole local server's per answered event. Check = every accepted
event answered exactly once (for ours: every stored event `done` and answered), no body sent twice.
(b): a Python driver (2 processes, {args.paced_connections} keep-alive connections) sends event i at i/rate s for {args.paced_seconds:g} s;
latency = the sandbox's delivery time minus the driver's send time of that event (an unanswered event counts
as infinitely late).

{text}

Checks: {"all passed" if not problems else "FAILED: " + "; ".join(problems)}.
"""
    replace_section(ROOT / "BENCHMARKS.md", SECTION, body)
    print(f"wrote the {SECTION} section of {ROOT / 'BENCHMARKS.md'}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench_flood", description=__doc__.split("\n\n")[0])
    p.add_argument("--scenarios", default=",".join([*FLOODS, *PACED]),
                   help="comma-separated subset of " + ",".join([*FLOODS, *PACED]))
    p.add_argument("--duration", type=float, default=12.0, help="wrk -d seconds (12)")
    p.add_argument("--connections", type=int, default=16, help="wrk -c (16)")
    p.add_argument("--bodies", type=int, default=60_000, help="signed bodies per flood run (60000)")
    p.add_argument("--rates", default="100,200,400,600", help="paced events/s (100,200,400,600)")
    p.add_argument("--paced-seconds", type=float, default=10.0)
    p.add_argument("--paced-connections", type=int, default=16)
    p.add_argument("--pg", default=PG_URL, help=f"PostgreSQL URL (default {PG_URL}; created if missing)")
    p.add_argument("--warmup", type=int, default=200, help="untimed events before each run (200)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--idle", type=float, default=3.0, help="drain: stop after this long without a new answer")
    p.add_argument("--drain-max", type=float, default=90.0, help="drain: stop waiting this long after the run")
    p.add_argument("--write", action="store_true", help=f'write the results into BENCHMARKS.md ("{SECTION}")')
    p.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, bodies)")
    args = p.parse_args(argv)
    args.rates = [float(x) for x in args.rates.split(",") if x.strip()]
    wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(wanted) - set(FLOODS) - set(PACED)
    if unknown:
        p.error(f"unknown scenarios: {sorted(unknown)}")
    if shutil.which("wrk") is None and any(n in FLOODS for n in wanted):
        p.error("wrk is not installed (scripts/system-deps.sh)")

    info = machine_info()
    print(f"machine: {info['nproc']} x {info['cpu']}, {info['memory']}, Python {info['python']}, {info['date']}")
    t_all = time.monotonic()
    tmp, sandbox = start_sandbox("bench-flood-")
    floods: list[Flood] = []
    paced: list[Paced] = []
    failed: list[str] = []
    try:
        # One process tree at a time, floods first then paced, each scenario in the order given.
        for name in [n for n in wanted if n in FLOODS] + [n for n in wanted if n in PACED]:
            print(f"running {name} ...", flush=True)
            t0 = time.monotonic()
            try:
                if name in FLOODS:
                    r = run_flood(name, args, sandbox, tmp)
                    floods.append(r)
                    print(f"  done in {time.monotonic() - t0:.0f} s: accepted {r.accepted_rps:.0f}/s, answered "
                          f"{r.answered_rps:.0f}/s in run, {r.answered}/{r.accepted} answered, drained "
                          f"{_f(r.drain_s, '{:.1f}')} s after, {r.kinds}, {r.cpu_ms(r.bot_cpu_s):.2f} CPU ms/event, "
                          f"load {r.load}", flush=True)
                else:
                    paced.append(run_paced(name, args, sandbox, tmp))
                    print(f"  done in {time.monotonic() - t0:.0f} s", flush=True)
            except Exception as exc:  # noqa: BLE001 - e.g. handler processes not built yet: report, go on
                print(f"  {name} failed: {exc}", flush=True)
                lines = [ln for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]
                failed.append(f"{name} did not run: " + " ".join(dict.fromkeys([lines[0], lines[-1]])))
    finally:
        stop_sandbox(sandbox, tmp, args.keep)
    text = report(floods, paced)
    problems = checks(floods, paced) + failed
    args.took_min = (time.monotonic() - t_all) / 60
    print()
    print(text)
    print()
    print("checks: " + ("all passed" if not problems else "FAILED\n  " + "\n  ".join(problems)))
    if args.write:
        write_markdown(text, args, info, problems)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
