"""The shipped nginx site (deploy/nginx/integrity-bot.conf) in front of the app: Debian's nginx runs that file,
rendered into a temp dir (free ports, a throwaway certificate made here by openssl, temp log paths), TLS on,
and LINE's signed webhook goes through it into the inbox, as it will on the server."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
import requests
from sqlmodel import select
from werkzeug.serving import make_server

from bot.dev.sandbox import events as ev
from models.core import InboxEvent

from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "integrity-bot.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sub_once(pattern: str, repl: str, text: str) -> str:
    """Each swap must hit: if the shipped file changes shape, the test says so instead of testing something else."""
    out, n = re.subn(pattern, repl, text, flags=re.M)
    assert n >= 1, f"deploy/nginx/integrity-bot.conf no longer has a line matching {pattern!r}"
    return out


def render_site(tmp: Path, *, http_port: int, https_port: int, app_port: int, cert: Path, key: Path) -> str:
    site = SITE.read_text(encoding="utf-8")
    site = sub_once(r"^\s*listen \[::\]:(80|443)[^;]*;\n", "", site)
    site = sub_once(r"listen 80;", f"listen 127.0.0.1:{http_port};", site)
    site = sub_once(r"listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl", site)
    site = sub_once(r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{app_port};", site)
    site = sub_once(r"ssl_certificate\s+/etc/letsencrypt/\S+;", f"ssl_certificate {cert};", site)
    site = sub_once(r"ssl_certificate_key\s+/etc/letsencrypt/\S+;", f"ssl_certificate_key {key};", site)
    site = sub_once(r"access_log /var/log/nginx/\S+;", f"access_log {tmp / 'access.log'};", site)
    site = sub_once(r"error_log\s+/var/log/nginx/\S+", f"error_log {tmp / 'error.log'}", site)
    return site


def main_conf(tmp: Path, site: Path) -> str:
    # What Debian's /etc/nginx/nginx.conf gives a site, minus the paths that need root; one process in the
    # foreground so the test owns it and nothing drops privileges to a user who cannot read the temp dir.
    temps = "\n".join(f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off;
master_process off;
pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'} info;
events {{ worker_connections 64; }}
http {{
    access_log {tmp / 'access.log'};
{temps}
    include {site};
}}
"""


def make_cert(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture()
def served_app(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


@pytest.fixture()
def nginx(served_app, tmp_path):
    if NGINX is None:
        pytest.skip("nginx is missing: install it with `bash scripts/system-deps.sh` (Debian package nginx)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is missing: install it with `bash scripts/system-deps.sh`")
    cert, key = make_cert(tmp_path)
    http_port, https_port = free_port(), free_port()
    site = tmp_path / "integrity-bot.conf"
    site.write_text(render_site(tmp_path, http_port=http_port, https_port=https_port, app_port=served_app,
                                cert=cert, key=key), encoding="utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_conf(tmp_path, site), encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-q", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, f"nginx -t refused the shipped site:\n{check.stderr}"
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path)], stderr=subprocess.PIPE, text=True)
    try:
        wait_listening(proc, https_port)
        yield {"https": f"https://127.0.0.1:{https_port}", "http": f"http://127.0.0.1:{http_port}", "cert": str(cert)}
    finally:
        proc.terminate()
        proc.wait(10)


def wait_listening(proc: subprocess.Popen, port: int) -> None:
    for _ in range(200):  # up to 10 s, each round waiting on the process itself (it may have died)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            pass
        try:
            proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"nginx exited: {proc.stderr.read()}")
    raise AssertionError("nginx did not listen")


def signed_post(url: str, cert: str, body: dict, secret: str = SECRET):
    raw = requests.models.complexjson.dumps(body).encode()
    return requests.post(url + "/callback", data=raw, verify=cert, timeout=10,
                         headers={"X-Line-Signature": ev.sign(raw, secret), "Content-Type": "application/json"})


def test_signed_webhook_through_nginx_over_tls_is_stored(nginx, bot, db, line):
    event = ev.text_event("U" + "a" * 32, "สวัสดี")
    resp = signed_post(nginx["https"], nginx["cert"], ev.callback_body([event]))
    assert resp.status_code == 200
    assert resp.headers.get("Strict-Transport-Security", "").startswith("max-age=")
    assert bot.dispatcher.wait_idle(10)
    with db() as s:
        stored = s.exec(select(InboxEvent).where(InboxEvent.webhook_event_id == event["webhookEventId"])).all()
    assert len(stored) == 1


def test_badly_signed_webhook_is_refused_by_the_app_behind_nginx(nginx, db):
    resp = signed_post(nginx["https"], nginx["cert"], ev.callback_body([ev.text_event("U" + "b" * 32, "x")]),
                       secret="not-the-channel-secret")
    assert resp.status_code == 400 and resp.json() == {"error": "invalid signature"}
    with db() as s:
        assert s.exec(select(InboxEvent)).all() == []


def test_plain_http_is_sent_to_https(nginx):
    resp = requests.get(nginx["http"] + "/console/", allow_redirects=False, timeout=10)
    assert resp.status_code == 301
    assert resp.headers["Location"].startswith("https://") and resp.headers["Location"].endswith("/console/")


def test_metrics_are_not_served_to_the_internet(nginx):
    assert requests.get(nginx["https"] + "/metrics", verify=nginx["cert"], timeout=10).status_code == 404
    assert requests.get(nginx["https"] + "/healthz", verify=nginx["cert"], timeout=10).status_code == 200
