"""bot/services/numbers.py: a number read out of a chat answer (issue 14: "ประมาณ 20 คน" and "๒๐" were refused)."""
from __future__ import annotations

import pytest

from bot.services.numbers import NumberInputError, read_hours, read_number


@pytest.mark.parametrize("typed, want", [("20", 20), ("ประมาณ 20 คน", 20), ("๒๐", 20), ("๒๐ คน", 20),
                                         ("1,200 คน", 1200), ("ราว ๆ 15 คนครับ", 15), ("20 (20 คน)", 20)])
def test_read_number(typed, want):
    assert read_number(typed) == want


@pytest.mark.parametrize("typed, want", [("2", 2), ("2 ชม.", 2), ("2ชั่วโมง", 2), ("๑.๕", 1.5), ("1.5 ชม", 1.5),
                                         ("30 นาที", 0.5), ("1 ชม. 30 นาที", 1.5), ("ชั่วโมงครึ่ง", 1.5),
                                         ("2 ชั่วโมงครึ่ง", 2.5), ("ครึ่งชั่วโมง", 0.5)])
def test_read_hours(typed, want):
    assert read_hours(typed) == pytest.approx(want)


@pytest.mark.parametrize("typed, code", [("ไม่แน่ใจ", "none"), ("👍", "none"), ("10-20 คน", "many"),
                                         ("1, 2", "many")])
def test_no_number_or_two_different_numbers(typed, code):
    with pytest.raises(NumberInputError) as err:
        read_number(typed)
    assert err.value.code == code
    if code == "many":
        assert len(err.value.found) == 2


def test_two_different_hours_are_refused():
    with pytest.raises(NumberInputError):
        read_hours("2-3 ชั่วโมง")
