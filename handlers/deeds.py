"""Flow: deeds (to be built)."""


def register(router) -> None:
    pass
