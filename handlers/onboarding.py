"""Flow: onboarding (to be built)."""


def register(router) -> None:
    pass
