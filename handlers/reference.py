"""Flow: reference (to be built)."""


def register(router) -> None:
    pass
