"""Flow: pledge (to be built)."""


def register(router) -> None:
    pass
