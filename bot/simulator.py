"""Chat simulator (demo mode only) — to be built."""


def register_simulator(app) -> None:
    pass
