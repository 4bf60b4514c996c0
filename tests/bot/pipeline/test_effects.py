"""The effect runner: LINE failures are logged, programming errors (unknown kind, wrong arguments) raise."""
from __future__ import annotations

import logging

import pytest

from bot.line.gateway import GatewayError
from bot.pipeline.effects import EffectRunner


class Gateway:
    def __init__(self, fail: bool = False):
        self.fail, self.calls = fail, []

    def link_rich_menu(self, user_id, rich_menu_id):
        if self.fail:
            raise GatewayError("retry", 500, "down")
        self.calls.append((user_id, rich_menu_id))


def test_runs_effects_with_the_runners_gateway():
    gw = Gateway()
    EffectRunner(gw, engine=None).run([("link_menu", dict(user_id="U1", rich_menu_id="rm-1"))])
    assert gw.calls == [("U1", "rm-1")]


def test_a_gateway_error_is_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="bot.pipeline.effects"):
        EffectRunner(Gateway(fail=True), engine=None).run([("link_menu", dict(user_id="U1", rich_menu_id="rm"))])
    assert "effect link_menu failed" in caplog.text


def test_an_unknown_kind_raises():
    with pytest.raises(KeyError):
        EffectRunner(Gateway(), engine=None).run([("link_menuu", dict(user_id="U1", rich_menu_id="rm"))])


def test_wrong_arguments_raise():
    with pytest.raises(TypeError):
        EffectRunner(Gateway(), engine=None).run([("link_menu", dict(user="U1"))])


def test_a_failed_profile_save_logs_no_line_id(caplog):
    class Profiles:
        def get_profile(self, user_id):
            return {"displayName": "ชื่อในไลน์"}

    with caplog.at_level(logging.WARNING, logger="bot.pipeline.effects"):
        # no engine: the database part fails, which is logged (logs name internal ids, never LINE ids)
        EffectRunner(Profiles(), engine=None).run([("save_profile", dict(user_id="U" + "c" * 32))])
    assert caplog.records and "U" + "c" * 32 not in caplog.text and "ชื่อในไลน์" not in caplog.text
