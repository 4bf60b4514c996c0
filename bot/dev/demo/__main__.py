"""`python -m bot.dev.demo` (what `make demo` runs): the whole bot on one machine, no LINE account, no internet.

    browser ──▶ web app  http://127.0.0.1:PORT/        simulator page + /callback + /sim/api/* (proxy)
                  │ gunicorn, SANDBOX=1, LINE_API_BASE=http://127.0.0.1:PORT+1
                  ▼
                sandbox  http://127.0.0.1:PORT+1       stand-in LINE platform; signs events to PORT/callback
                  ▲
                worker   python -m scheduler           reminders, digests, outbox sender (pushes)

Steps: migrate the demo database, load invented data, start the sandbox, deploy the rich menus into it, start
the web app and the worker, print the one URL, then watch the three processes: Ctrl-C stops all of them, and
if one dies the others are stopped too, with the tail of its log. The channel secret and access token are
made up fresh for every run and never printed.

Environment: PORT (default 8000), SANDBOX_PORT (default PORT+1), DATABASE_URL (default: a SQLite file of its
own, instance/demo.sqlite3, kept between runs; seeding again adds nothing).

The admin CLI against the demo's database and sandbox, in another terminal:

    .venv/bin/python -m bot.dev.demo flask invite create INNOV      (any `flask --app bot` command)

It reads instance/demo.env, which each demo run writes (no secrets in it; `flask --env-file` reads it too).
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HOST = "127.0.0.1"
LOG_DIR = ROOT / "instance" / "demo-logs"
DEMO_DB = ROOT / "instance" / "demo.sqlite3"
DEMO_ENV = ROOT / "instance" / "demo.env"
# What a CLI command needs to act on the demo (database, sandbox); the channel secret and token stay out of it.
CLI_KEYS = ("APP_ENV", "SANDBOX", "DATABASE_URL", "LINE_API_BASE", "PUBLIC_BASE_URL")


def say(msg: str) -> None:
    print(f"[demo] {msg}", flush=True)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Demo:
    def __init__(self, port: int, sandbox_port: int, database_url: str | None):
        self.port, self.sandbox_port = port, sandbox_port
        self.own_db = not database_url
        self.database_url = database_url or f"sqlite:///{DEMO_DB}"
        self.url = f"http://{HOST}:{port}/"
        self.procs: dict[str, tuple[subprocess.Popen, Path]] = {}
        self.env = dict(os.environ)
        self.env.update(
            SANDBOX="1", APP_ENV="development",
            # Made up per run, handed to the children only through their environment, never printed.
            LINE_CHANNEL_SECRET=secrets.token_hex(16), LINE_CHANNEL_ACCESS_TOKEN=secrets.token_urlsafe(32),
            LINE_API_BASE=f"http://{HOST}:{sandbox_port}", DATABASE_URL=self.database_url,
            PUBLIC_BASE_URL=f"http://{HOST}:{port}", SANDBOX_WEBHOOK_URL=f"http://{HOST}:{port}/callback",
            PYTHONUNBUFFERED="1", FLASK_APP="bot",
        )
        self.env.pop("FLASK_DEBUG", None)
        self.bin = Path(sys.executable).parent

    # -- one-shot steps ------------------------------------------------------------------------
    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "flask", "--app", "bot", *args]
        res = subprocess.run(cmd, cwd=ROOT, env=self.env, capture_output=True, text=True)
        if check and res.returncode != 0:
            say(f"`flask --app bot {' '.join(args)}` failed:")
            print((res.stdout + res.stderr)[-4000:], file=sys.stderr)
            raise SystemExit(1)
        return res

    def migrate(self) -> None:
        self.flask("db-upgrade")
        drift = self.schema_drift()
        if not drift:
            say("database migrated (Alembic head)")
            return
        say(f"note: the Alembic revisions are behind the models ({drift}).")
        if not self.own_db:
            say("DATABASE_URL was given, so it is left as it is; some flows may fail until a new revision exists")
            return
        from sqlmodel import SQLModel

        import models  # noqa: F401 - registers every table
        from models.db import make_engine
        from models.migrate import alembic_config
        from alembic import command

        DEMO_DB.unlink(missing_ok=True)
        for extra in ("-wal", "-shm"):
            Path(str(DEMO_DB) + extra).unlink(missing_ok=True)
        engine = make_engine(self.database_url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        command.stamp(alembic_config(self.database_url), "head")
        say("demo database rebuilt from the models instead (instance/demo.sqlite3; demo data is re-seeded)")

    def schema_drift(self) -> str | None:
        """A short description of what the migrated database lacks compared with the models, or None."""
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        import models
        from models.db import make_engine

        engine = make_engine(self.database_url)
        try:
            with engine.connect() as conn:
                diffs = compare_metadata(MigrationContext.configure(conn), models.metadata)
        finally:
            engine.dispose()
        missing = []
        for d in diffs:
            op = d[0] if isinstance(d, tuple) else (d[0][0] if d and isinstance(d[0], tuple) else None)
            if op == "add_table":
                missing.append(f"table {d[1].name}")
            elif op == "add_column":
                missing.append(f"column {d[2]}.{d[3].name}")
        return ", ".join(missing[:6]) + (" …" if len(missing) > 6 else "") if missing else None

    def write_cli_env(self) -> None:
        lines = ["# Written by `make demo` for the CLI: .venv/bin/python -m bot.dev.demo flask <command>",
                 "# (or `flask --app bot --env-file instance/demo.env <command>` where python-dotenv is installed)"]
        DEMO_ENV.parent.mkdir(parents=True, exist_ok=True)
        DEMO_ENV.write_text("\n".join(lines + [f"{k}={self.env[k]}" for k in CLI_KEYS]) + "\n", encoding="utf-8")

    def has_command(self, name: str) -> bool:
        res = self.flask("--help", check=False)
        return any(line.split()[:1] == [name] for line in res.stdout.splitlines())

    # -- long-running processes ----------------------------------------------------------------
    def start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = LOG_DIR / f"{name}.log"
        fh = open(log, "w", encoding="utf-8")  # noqa: SIM115 - kept open for the child's lifetime
        # Own session: Ctrl-C reaches only this supervisor, which then stops the children in order.
        proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        fh.close()
        self.procs[name] = (proc, log)
        return proc

    def web_command(self) -> list[str]:
        gunicorn = self.bin / "gunicorn"
        if gunicorn.exists():
            # gunicorn.conf.py sets the app's logging up, as under the Procfile
            return [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"{HOST}:{self.port}",
                    "--workers", "1", "--worker-class", "gthread", "--threads", "8", "--timeout", "60",
                    "--graceful-timeout", "5", "bot:create_app()"]
        return [sys.executable, "-m", "flask", "--app", "bot", "run", "--host", HOST, "--port", str(self.port),
                "--no-reload", "--with-threads"]

    def fail(self, name: str, why: str) -> None:
        proc, log = self.procs[name]
        say(f"{name} {why}; last lines of {log.relative_to(ROOT)}:")
        print(tail(log), file=sys.stderr, flush=True)
        raise SystemExit(1)

    def stop_all(self) -> None:
        for name in ("web", "worker", "sandbox"):
            if name in self.procs and self.procs[name][0].poll() is None:
                self.procs[name][0].terminate()
        deadline = time.monotonic() + 8
        for name, (proc, _) in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop in time; killing it")
                proc.kill()
                proc.wait()

    def run(self) -> int:
        for p in (self.port, self.sandbox_port):
            if not port_free(p):
                say(f"port {p} is in use; stop what uses it or pick another: make demo PORT=<port>")
                return 2
        self.migrate()
        self.write_cli_env()
        seeded = self.flask("seed-demo")
        print(seeded.stdout.rstrip(), flush=True)

        api = self.env["LINE_API_BASE"]
        sandbox = self.start("sandbox", [sys.executable, "-m", "bot.dev.sandbox", "--host", HOST,
                                         "--port", str(self.sandbox_port),
                                         "--webhook-url", self.env["SANDBOX_WEBHOOK_URL"]])
        if not wait_http(f"{api}/_sandbox/deliveries", sandbox):
            self.fail("sandbox", "did not start")
        say(f"sandbox LINE platform started (internal, port {self.sandbox_port})")

        if self.has_command("richmenu-deploy"):
            res = self.flask("richmenu-deploy", check=False)
            if res.returncode == 0:
                say("rich menus deployed to the sandbox and linked to every registered persona")
            else:
                say("note: richmenu-deploy failed; the chat works, menus are shown as quick replies (เมนู):")
                print((res.stdout + res.stderr)[-1500:], file=sys.stderr, flush=True)
        else:
            say("note: no richmenu-deploy command in this checkout yet; type เมนู for the menu as quick replies")

        web = self.start("web", self.web_command())
        if not wait_http(f"http://{HOST}:{self.port}/healthz", web, timeout=40):
            self.fail("web", "did not start")
        self.start("worker", [sys.executable, "-m", "scheduler"])
        time.sleep(0.5)

        say(f"logs: {LOG_DIR.relative_to(ROOT)}/{{web,sandbox,worker}}.log   stop: Ctrl-C")
        say("admin CLI on this database, in another terminal: .venv/bin/python -m bot.dev.demo flask <command>")
        print(f"\n  Chat simulator:  {self.url}\n  Console:         {self.url}console/dev/personas"
              "  (demo sign-in as each persona; in chat: แดชบอร์ด)\n", flush=True)
        while True:
            for name, (proc, _) in self.procs.items():
                code = proc.poll()
                if code is not None:
                    self.fail(name, f"stopped unexpectedly (exit code {code}); stopping the demo")
            time.sleep(0.5)


def read_env_file(path: Path) -> dict[str, str]:
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and not key.lstrip().startswith("#"):
                out[key.strip()] = value.strip()
    return out


def cli_env(environ: dict | None = None) -> dict[str, str]:
    """The environment for `flask --app bot` next to the demo: what the last demo run wrote, else the demo's
    defaults. demo.env wins over the shell, so a DATABASE_URL exported for something else is not used."""
    env = dict(os.environ if environ is None else environ)
    port = int(env.get("PORT") or 8000)
    env.update(APP_ENV="development", SANDBOX="1", DATABASE_URL=env.get("DATABASE_URL") or f"sqlite:///{DEMO_DB}",
               LINE_API_BASE=f"http://{HOST}:{int(env.get('SANDBOX_PORT') or port + 1)}",
               PUBLIC_BASE_URL=f"http://{HOST}:{port}")
    env.update(read_env_file(DEMO_ENV))
    env.pop("FLASK_DEBUG", None)
    return env


def run_cli(args: list[str]) -> int:
    """`python -m bot.dev.demo flask <command> …`: `flask --app bot <command> …` on the demo's database."""
    env = cli_env()
    if env["DATABASE_URL"] == f"sqlite:///{DEMO_DB}" and not DEMO_DB.exists():
        say("no demo database yet: run `make demo` first (it creates instance/demo.sqlite3)")
        return 2
    return subprocess.run([sys.executable, "-m", "flask", "--app", "bot", *args], cwd=ROOT, env=env).returncode


def main() -> int:
    if sys.argv[1:2] == ["flask"]:
        return run_cli(sys.argv[2:])
    port = int(os.environ.get("PORT") or 8000)
    sandbox_port = int(os.environ.get("SANDBOX_PORT") or port + 1)
    url = os.environ.get("DATABASE_URL") or None
    demo = Demo(port, sandbox_port, url)

    def _terminate(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)  # also when started from a shell that ignores SIGINT (`... &`)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, _terminate)
    try:
        return demo.run()
    except KeyboardInterrupt:
        say("stopping …")
        return 0
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        demo.stop_all()
        if demo.procs:
            say("stopped web, worker and sandbox")


if __name__ == "__main__":
    sys.exit(main())
