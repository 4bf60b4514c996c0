"""Fault injection for the sandbox's LINE endpoints: latency, error statuses, hangs ("timeouts")."""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from .errors import ApiError

TIMEOUT_SLEEP_S = 35.0  # longer than any sane client timeout (LINE's SDK default is none; ours ~5 s)

_BODIES = {
    429: "The API rate limit has been exceeded. Try again later.",
    500: "An error occurred in the internal server",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class FaultConfig:
    latency_ms: float = 0
    fail_rate: float = 0.0
    fail_statuses: tuple = (500, 429)
    timeout_rate: float = 0.0
    seed: int | None = None
    only_paths: tuple | None = None  # path prefixes; None = every LINE endpoint

    def active(self) -> bool:
        return bool(self.latency_ms or self.fail_rate or self.timeout_rate)


@dataclass
class Faults:
    config: FaultConfig = field(default_factory=FaultConfig)
    injected: int = 0

    def __post_init__(self):
        self._lock = threading.Lock()
        self._rng = random.Random(self.config.seed)
        self._wake = threading.Event()

    def set(self, **kwargs) -> FaultConfig:
        if "fail_statuses" in kwargs:
            kwargs["fail_statuses"] = tuple(kwargs["fail_statuses"] or (500,))
        if kwargs.get("only_paths") is not None:
            kwargs["only_paths"] = tuple(kwargs["only_paths"])
        with self._lock:
            self.config = FaultConfig(**kwargs)
            self._rng = random.Random(self.config.seed)
            self._wake.set()  # release requests hanging under the old settings
            self._wake = threading.Event()
        return self.config

    def clear(self) -> None:
        self.set()

    def _draw(self, path: str):
        """Decide under the lock (one RNG, deterministic order for a given seed)."""
        cfg = self.config
        if not cfg.active() or (cfg.only_paths and not path.startswith(cfg.only_paths)):
            return cfg, None, self._wake
        with self._lock:
            roll = self._rng.random()
            if roll < cfg.timeout_rate:
                outcome = "timeout"
            elif roll < cfg.timeout_rate + cfg.fail_rate:
                outcome = self._rng.choice(cfg.fail_statuses)
            else:
                outcome = None
            if outcome is not None:
                self.injected += 1
            return cfg, outcome, self._wake

    def apply(self, path: str) -> None:
        """Sleep and/or raise :class:`ApiError` as configured; return normally to let the call through."""
        cfg, outcome, wake = self._draw(path)
        if cfg.latency_ms and (not cfg.only_paths or path.startswith(cfg.only_paths)):
            wake.wait(cfg.latency_ms / 1000.0)
        if outcome == "timeout":
            wake.wait(TIMEOUT_SLEEP_S)  # interrupted by reset()/set_faults()
            raise ApiError(504, _BODIES[504])
        if outcome is not None:
            raise ApiError(int(outcome), _BODIES.get(int(outcome), "Injected failure"))
