"""Flask app standing in for api.line.me and api-data.line.me (one host serves both)."""
from __future__ import annotations

import uuid

from flask import Flask, g, jsonify

from .control import control
from .routes_channel import channel
from .errors import ApiError
from .shared import EXTENSION, get_state, json_body, line_api_guard  # noqa: F401 - re-exported
from .routes_messages import messages
from .routes_oauth import oauth
from .routes_richmenu import richmenu
from .state import SandboxState


def create_sandbox_app(state: SandboxState | None = None, *, channel_secret: str | None = None,
                       webhook_url: str | None = None) -> Flask:
    """The sandbox LINE platform. Webhook settings live in ``app.config`` (SANDBOX_WEBHOOK_URL,
    SANDBOX_CHANNEL_SECRET) so they can be set after the bot's address is known."""
    app = Flask("bot.dev.sandbox")
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.config.update(SANDBOX_CHANNEL_SECRET=channel_secret or "",
                      SANDBOX_WEBHOOK_URL=webhook_url,
                      SANDBOX_WEBHOOK_ACTIVE=True, SANDBOX_RESOLVE={})  # "Use webhook"; see routes_channel
    app.extensions[EXTENSION] = state if state is not None else SandboxState()

    @app.before_request
    def _request_id():
        g.request_id = str(uuid.uuid4())

    @app.after_request
    def _tag(response):
        response.headers["x-line-request-id"] = getattr(g, "request_id", None) or str(uuid.uuid4())
        return response

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        response = jsonify(err.body())
        response.status_code = err.status
        for key, value in err.headers.items():
            response.headers[key] = value
        return response

    @app.errorhandler(404)
    def _not_found(_err):
        return jsonify({"message": "Not found"}), 404

    @app.errorhandler(405)
    def _bad_method(_err):
        return jsonify({"message": "Method not allowed"}), 405

    app.register_blueprint(messages)
    app.register_blueprint(richmenu)
    app.register_blueprint(channel)  # webhook endpoint: get, set, test call
    app.register_blueprint(oauth)  # channel access tokens v2.1 / stateless
    app.register_blueprint(control)
    return app
