"""Flow: committee (to be built)."""


def register(router) -> None:
    pass
