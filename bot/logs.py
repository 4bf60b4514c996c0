"""Log set-up for the entry points (gunicorn.conf.py, `python -m scheduler`, CLI commands, the demo).

Not the app factory's job: a factory that configures the root logger does it for every test, script and
embedding process too.
"""
from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def setup(level: int = logging.INFO) -> None:
    """INFO and up to stderr, one line each (a no-op if the root logger already has a handler)."""
    logging.basicConfig(level=level, format=FORMAT)
