"""The LINE bot's house: `create_app()` builds the web app (rooms: web, pipeline, conversation, line, services, cli, dev)."""
__all__ = ["create_app"]


def __getattr__(name: str):
    # Lazy re-export of bot.app.create_app: `python -m scheduler` imports bot.* and must not load Flask.
    if name == "create_app":
        from bot.app import create_app
        return create_app
    raise AttributeError(f"module 'bot' has no attribute {name!r}")
