"""`python -m bot.pipeline`: one inbox handler process (INBOX_HANDLERS=external; bot/pipeline/consumer.py).

Same settings as the web (DATABASE_URL, LINE_*, MEDIA_DIR ...). Start as many as the load needs, on this
host or, on PostgreSQL, on others; SIGTERM lets the current batch finish and its replies go out.
"""
from __future__ import annotations

import logging
import signal
import threading


def main(argv=None) -> None:
    import argparse
    argparse.ArgumentParser(prog="python -m bot.pipeline", description=__doc__.split("\n\n")[0]).parse_args(argv)
    from bot.app import BotState, _production_guards
    from bot.config import Config
    from bot.logs import setup
    from bot.pipeline import consumer
    from bot.services import ledger

    setup()
    config = Config.from_env()
    config.validate()
    if config.APP_ENV == "production":
        _production_guards(config)  # the web's refusals: an unmigrated database fails here, not per event
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if config.INBOX_HANDLERS != "external":
        # The web processes handle (the default): taking events beside them would race their per-user lanes.
        # Idle rather than exit, so a supervisor running the Procfile's `handler:` line does not restart-loop.
        logging.getLogger("bot.pipeline").warning(
            "INBOX_HANDLERS=%s: the web processes handle events; this handler idles (set INBOX_HANDLERS=external "
            "for every web and handler process to use it)", config.INBOX_HANDLERS)
        stop.wait()
        return
    ledger.use_key(config.LEDGER_KEY)
    state = BotState(config)
    try:
        consumer.run(state.pipeline.inbox, state.engine, stop, periodic=state.pipeline.check_worker)
    finally:
        state.close()  # the last replies out


if __name__ == "__main__":
    main()
