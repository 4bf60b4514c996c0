"""An event's life after the 200: inbox, dispatcher, replies, effects (all hot-path machinery lives here).

`Pipeline` wires them once per app; `init_app` ties its start and stop to the Flask app and the process.
"""
from __future__ import annotations

import atexit
import logging
import threading
import weakref

log = logging.getLogger("bot.pipeline")


class Pipeline:
    """One ReplySender, EffectRunner and Inbox behind one Dispatcher, plus the recovery thread."""

    def __init__(self, engine, router, config, gateway, clock):
        from bot.pipeline.dispatcher import Dispatcher
        from bot.pipeline.effects import EffectRunner
        from bot.pipeline.inbox import Inbox
        from bot.pipeline.replies import ReplySender

        self.replies = ReplySender(engine, gateway, config, clock, threads=config.REPLY_THREADS)
        effects = EffectRunner(gateway, engine) if gateway is not None else None
        self.inbox = Inbox(engine, router, config, self.replies, effects, gateway, clock)
        self.dispatcher = Dispatcher(self.inbox, self.replies, gateway, threads=config.HANDLER_THREADS)
        self.engine, self.gateway, self.clock = engine, gateway, clock
        from bot.pipeline.consumer import Backlog
        # external handlers: the webhook's backpressure reads the shared backlog (web handling: the dispatcher's)
        self.backlog = Backlog(engine) if config.INBOX_HANDLERS == "external" else None
        self._stop = threading.Event()

    def check_worker(self) -> None:
        """Alert the admins when the worker has been silent 10 minutes: the worker cannot report its own death,
        so the processes that stay up look (once per silence across processes: bot/services/watch.py)."""
        from bot.line.outbox import raise_alert
        from bot.services.watch import check_worker_alive
        try:
            now = self.clock()
            if (alert := check_worker_alive(self.engine, now)) is not None:
                raise_alert(self.engine, alert, now, gateway=self.gateway)  # pushed now: no worker is sending
        except Exception:  # noqa: BLE001 - the check must never take the web down
            log.exception("worker-alive check failed")

    def start_recovery(self, interval_s: float) -> None:
        """Handle events a killed process left behind, now and every `interval_s` seconds."""
        def loop():
            while not self._stop.is_set():
                try:
                    self.dispatcher.recover()
                except Exception:  # noqa: BLE001 - the database may be briefly away; try again later
                    log.exception("inbox recovery failed")
                self.check_worker()
                self._stop.wait(interval_s)
        threading.Thread(target=loop, name="inbox-recovery", daemon=True).start()

    def stop(self) -> None:
        """Stop recovering, then let queued batches finish and their replies go out."""
        self._stop.set()
        if self.backlog is not None:
            self.backlog.stop()
        self.dispatcher.shutdown()


def init_app(app, state, recover_every_s: float | None) -> None:
    """state: the app's BotState (its `pipeline`, and `close()` for the whole process's resources)."""
    # A gunicorn worker that is told to stop exits through here: the replies already decided go out first.
    # (A weak reference: test runs build many apps and close them themselves.)
    ref = weakref.ref(state)
    atexit.register(lambda: (alive := ref()) is not None and alive.close())
    if not recover_every_s:
        return
    # Started by the first request, so CLI commands (db-upgrade on an empty database) never run it.
    started = threading.Event()

    @app.before_request
    def _start_recovery_once():
        if not started.is_set():
            started.set()
            state.pipeline.start_recovery(recover_every_s)
