"""Sandbox LINE platform: a local stand-in for api.line.me / api-data.line.me (never online)."""
from .app import create_sandbox_app, get_state
from .errors import ApiError
from .server import ServerHandle, run_in_thread
from .state import Delivery, SandboxState

__all__ = ["ApiError", "Delivery", "SandboxState", "ServerHandle", "create_sandbox_app",
           "get_state", "run_in_thread"]
