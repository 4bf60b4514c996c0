"""Serve the sandbox: in a background thread (tests, demo) or from the command line."""
from __future__ import annotations

import argparse
import os
import threading
from dataclasses import dataclass

from werkzeug.serving import make_server


@dataclass
class ServerHandle:
    server: object
    thread: threading.Thread
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def shutdown(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


def run_in_thread(app, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Start ``app`` on a threaded werkzeug server (port 0 = any free port); returns at once."""
    server = make_server(host, port, app, threaded=True)
    # Short poll interval: shutdown() returns in ~50 ms instead of 0.5 s (tests start many servers).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=f"sandbox-{server.server_port}", daemon=True)
    thread.start()
    return ServerHandle(server, thread, host, server.server_port)


def main(argv=None) -> None:
    from .app import create_sandbox_app

    parser = argparse.ArgumentParser(prog="python -m bot.dev.sandbox",
                                     description="Local stand-in for the LINE platform")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--webhook-url", default=os.environ.get("SANDBOX_WEBHOOK_URL"),
                        help="the bot's /callback URL (events from /_sandbox/webhook go there)")
    args = parser.parse_args(argv)
    app = create_sandbox_app(channel_secret=os.environ.get("LINE_CHANNEL_SECRET", ""),
                             webhook_url=args.webhook_url)
    print(f"LINE sandbox on http://{args.host}:{args.port} -> webhook {args.webhook_url}", flush=True)
    make_server(args.host, args.port, app, threaded=True).serve_forever()
