"""The gateway against the sandbox LINE platform: calls, error mapping, request ids, no token in logs."""
from __future__ import annotations

import logging

import pytest

from bot.line.gateway import GatewayError

U = "U" + "d" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def test_profile_content_and_quota(bot, line):
    line.set_profile(U, "สมศรี ทดสอบ")
    assert bot.gateway.get_profile(U)["displayName"] == "สมศรี ทดสอบ"
    line.put_content("123456", PNG, "image/png")
    assert bot.gateway.get_content("123456") == (PNG, "image/png")
    line.set_quota(1000)
    assert bot.gateway.get_quota()["value"] == 1000
    assert bot.gateway.get_consumption()["totalUsage"] == 0


def test_missing_content_is_invalid_not_retried(bot):
    with pytest.raises(GatewayError) as err:
        bot.gateway.get_content("999")
    assert err.value.kind == "invalid" and err.value.status == 404


def test_server_errors_and_rate_limits_are_retryable(bot, line):
    for status in (500, 429):
        line.set_faults(fail_rate=1.0, fail_statuses=(status,))
        with pytest.raises(GatewayError) as err:
            bot.gateway.push(U, [{"type": "text", "text": "ทดสอบ"}], "123e4567-e89b-12d3-a456-426614174000")
        assert err.value.kind == "retry" and err.value.status == status


def test_multicast_over_500_is_refused_before_calling_line(bot, line):
    with pytest.raises(ValueError):
        bot.gateway.multicast([f"U{i:032x}" for i in range(501)], [{"type": "text", "text": "x"}],
                              "123e4567-e89b-12d3-a456-426614174001")
    assert line.all_deliveries() == []


def test_request_ids_logged_token_never(bot, line, caplog):
    caplog.set_level(logging.DEBUG)
    sent = bot.gateway.push(U, [{"type": "text", "text": "ทดสอบ"}], "123e4567-e89b-12d3-a456-426614174002")
    assert sent.request_id and sent.request_id in caplog.text
    assert "test-token" not in caplog.text
