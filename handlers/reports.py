"""Flow: reports (to be built)."""


def register(router) -> None:
    pass
