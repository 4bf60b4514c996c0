"""The LINE bot's house: `create_app()` builds the web app (rooms: web, pipeline, conversation, line, services, cli, dev)."""
from bot.app import create_app

__all__ = ["create_app"]
