"""Fixtures for the sandbox LINE platform tests."""
from __future__ import annotations

import io

import pytest

from bot.dev.sandbox import SandboxState, create_sandbox_app

AUTH = {"Authorization": "Bearer test-token"}


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def state(clock):
    return SandboxState(clock=clock)


@pytest.fixture
def sandbox_app(state):
    return create_sandbox_app(state, channel_secret="secret")


@pytest.fixture
def api(sandbox_app):
    """Flask test client whose LINE calls carry a bearer token: api.post(path, json=...)."""
    client = sandbox_app.test_client()

    class Api:
        raw = client

        def get(self, path, **kw):
            return client.get(path, headers={**AUTH, **kw.pop("headers", {})}, **kw)

        def post(self, path, **kw):
            return client.post(path, headers={**AUTH, **kw.pop("headers", {})}, **kw)

        def delete(self, path, **kw):
            return client.delete(path, headers={**AUTH, **kw.pop("headers", {})}, **kw)

    return Api()


@pytest.fixture
def image_bytes():
    """image_bytes(width, height, fmt="PNG") -> bytes of a generated image."""
    from PIL import Image

    def make(width, height, fmt="PNG"):
        buf = io.BytesIO()
        Image.new("RGB", (width, height), (20, 120, 200)).save(buf, fmt)
        return buf.getvalue()

    return make
