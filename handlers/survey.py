"""Flow: survey (issue 17) — being built."""
from __future__ import annotations


def register(router) -> None:
    pass
