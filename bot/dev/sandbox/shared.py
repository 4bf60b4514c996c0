"""What every sandbox blueprint shares: the state of the running sandbox, JSON bodies, LINE's API guard."""
from __future__ import annotations

from flask import Flask, request

from .errors import ApiError
from .state import SandboxState

EXTENSION = "line_sandbox"


def get_state(app: Flask | None = None) -> SandboxState:
    from flask import current_app
    return (app or current_app).extensions[EXTENSION]


def json_body() -> dict:
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise ApiError(400, "The request body has 1 error(s)",
                       [{"message": "invalid JSON", "property": ""}])
    return body


def line_api_guard() -> None:
    """before_request of LINE API blueprints: bearer auth, then injected faults."""
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme != "Bearer" or not token.strip():
        raise ApiError(401, "Authentication failed. Confirm that the access token in the "
                            "authorization header is valid.")
    from .routes_oauth import check_bearer
    check_bearer(token.strip())  # issued tokens expire; SANDBOX_ISSUED_TOKENS_ONLY refuses any other
    get_state().faults.apply(request.path)
