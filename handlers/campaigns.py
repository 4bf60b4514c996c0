"""Flow: campaigns (to be built)."""


def register(router) -> None:
    pass
