"""`line_check` for the pure builders: the same validation the sandbox LINE platform applies to requests."""
from __future__ import annotations

import pytest

from bot.dev.sandbox.errors import ApiError
from bot.dev.sandbox.validate import check as validate_request

TO = "U" + "0" * 32


@pytest.fixture
def line_check():
    """Assert the messages form a valid push: OpenAPI schema (no unknown keys) plus LINE's unwritten limits."""
    def check(*messages: dict) -> None:
        try:
            validate_request("push", {"to": TO, "messages": list(messages)})
        except ApiError as err:
            raise AssertionError(f"LINE would reject this: {err.body()}") from None
    return check
