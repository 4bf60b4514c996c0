"""Shared helpers for the benchmarks: servers in subprocesses, percentiles, machine description.

Nothing here talks to anything but 127.0.0.1.
"""
from __future__ import annotations

import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20.0, proc: subprocess.Popen | None = None,
              path: str | None = None) -> None:
    """Wait until 127.0.0.1:port accepts connections (and `path`, if given, answers 200)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        try:
            if path is None:
                with socket.create_connection((HOST, port), timeout=0.5):
                    return
            else:
                status, _ = http_request(port, "GET", path, timeout=2.0)
                if status == 200:
                    return
                last = f"status {status}"
        except OSError as exc:
            last = exc
        time.sleep(0.05)
    raise TimeoutError(f"nothing answered on {HOST}:{port}{path or ''} within {timeout}s ({last})")


def http_request(port: int, method: str, path: str, body: dict | bytes | None = None,
                 headers: dict | None = None, timeout: float = 10.0) -> tuple[int, object]:
    """One request on a fresh connection; JSON in, JSON (or raw bytes) out."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        hdrs = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw
    finally:
        conn.close()


class KeepAlive:
    """A keep-alive JSON client for many control calls to one server (reconnects when the server closes)."""

    def __init__(self, port: int, timeout: float = 10.0):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                if resp.will_close:
                    self.close()
                return resp.status, json.loads(raw) if raw else None
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Server:
    """A server process started by a benchmark; `stop()` ends exactly this process group."""
    name: str
    port: int
    proc: subprocess.Popen
    log_path: Path
    _log: object = field(default=None, repr=False)

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # gunicorn: graceful; its workers are in the group
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if self._log:
            self._log.close()

    def cpu_seconds(self) -> float:
        """User+system CPU time so far of every live process in this server's process group (master, workers)."""
        return group_cpu_seconds(self.proc.pid)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_server(name: str, argv: list[str], port: int, log_dir: Path, env: dict | None = None,
                 health_path: str | None = None, timeout: float = 90.0) -> Server:
    """Start `argv` in its own process group (cwd = repo root), wait for its port; output goes to a log file."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "wb")
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.setdefault("PYTHONUNBUFFERED", "1")
    proc = subprocess.Popen(argv, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(name, port, proc, log_path, log)
    try:
        wait_port(port, timeout=timeout, proc=proc, path=health_path)
    except Exception:
        server.stop()
        raise RuntimeError(f"{name} did not start; last log lines:\n{server.log_tail()}") from None
    return server


def group_cpu_seconds(pgid: int) -> float:
    """Sum of utime+stime (all threads) of the live processes whose process group is `pgid` (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "; fields[0] is field 3 (state)
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def gunicorn_argv(app: str, port: int, workers: int = 2, threads: int = 4, extra: list[str] | None = None) -> list[str]:
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    cmd = [gunicorn] if os.path.exists(gunicorn) else [PYTHON, "-m", "gunicorn"]
    return cmd + ["--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
                  "--bind", f"{HOST}:{port}", "--log-level", "warning", *(extra or []), app]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted values; nan for an empty list."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))  # ceil(p/100 * n)
    return ordered[rank - 1]


def machine_info() -> dict:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024} MiB"
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem, "python": platform.python_version(),
            "kernel": platform.release(), "date": time.strftime("%Y-%m-%d %H:%M %Z")}


def fmt_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (readable in a terminal too)."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def replace_section(path: Path, title: str, body: str) -> None:
    """Replace (or append) the `## {title}` section of a Markdown file, leaving every other section intact."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    head = f"## {title}"
    start = next((i for i, ln in enumerate(lines) if ln.strip() == head), None)
    new = [head, "", *body.strip("\n").splitlines(), ""]
    if start is None:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", *new]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = new
    path.write_text("\n".join(lines).rstrip("\n") + "\n")


def ensure_pg_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if this machine does not have it yet (fresh clone)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database}).first():
                c.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def fresh_schema(url: str):
    """An engine on `url` with every table dropped and created again (a PostgreSQL database is created first
    when this machine does not have it yet). Benchmarks only: production uses `flask db-upgrade`."""
    from sqlmodel import SQLModel

    import models  # noqa: F401 - registers every table on SQLModel.metadata
    from models.db import make_engine
    if url.startswith("postgresql"):
        ensure_pg_database(url)
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    return engine
