"""Reading a number out of a typed answer, the way people answer in chat: "ประมาณ 20 คน", "๒๐", "1,200",
"2 ชม.", "๑.๕", "ชั่วโมงครึ่ง", "1 ชั่วโมง 30 นาที". One parser for every step that asks for a number.

Errors are `NumberInputError(code)`: "none" (no number in it) or "many" (two different numbers, e.g.
"10-20 คน": which one is meant is the user's to say, so the step asks again).
"""
from __future__ import annotations

import re

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"(?<=\d),(?=\d{3}\b)")  # "1,200" → "1200" (a thousands separator, not a list)
_HOURS = r"(?:ชั่วโมง|ชม\.?|hrs?\.?|h)"
_MINUTES = r"(?:นาที|น\.|mins?\.?)"
_H_AND_M = re.compile(rf"(\d+(?:\.\d+)?)\s*{_HOURS}\s*(\d+)\s*{_MINUTES}", re.I)
_ONLY_M = re.compile(rf"(\d+)\s*{_MINUTES}", re.I)


class NumberInputError(ValueError):
    def __init__(self, code: str, found: tuple[float, ...] = ()):
        super().__init__(code)
        self.code, self.found = code, found


def normalize(text: str) -> str:
    """Thai digits as Arabic ones, thousands separators dropped."""
    return _GROUPED.sub("", (text or "").translate(_THAI_DIGITS))


def numbers_in(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(normalize(text))]


def read_number(text: str) -> float:
    """The one number in `text` (said twice is still one); NumberInputError "none" or "many"."""
    found = tuple(dict.fromkeys(numbers_in(text)))
    if not found:
        raise NumberInputError("none")
    if len(found) > 1:
        raise NumberInputError("many", found)
    return found[0]


def read_hours(text: str) -> float:
    """Hours, also from minutes ("30 นาที" = 0.5, "1 ชม. 30 นาที" = 1.5) and a half ("ชั่วโมงครึ่ง" = 1.5,
    "2 ชั่วโมงครึ่ง" = 2.5, "ครึ่งชั่วโมง" = 0.5)."""
    t = normalize(text)
    both = _H_AND_M.search(t)
    if both:
        rest = t[:both.start()] + t[both.end():]
        if numbers_in(rest):
            raise NumberInputError("many", tuple(numbers_in(t)))
        return float(both.group(1)) + int(both.group(2)) / 60
    minutes = _ONLY_M.search(t)
    if minutes and len(set(numbers_in(t))) == 1:
        return int(minutes.group(1)) / 60
    if "ครึ่ง" in t:
        found = tuple(dict.fromkeys(numbers_in(t)))
        if len(found) > 1:
            raise NumberInputError("many", found)
        if found:
            return found[0] + 0.5
        # no number: "ชั่วโมงครึ่ง" is an hour and a half, "ครึ่งชั่วโมง" half an hour
        return 1.5 if re.search(rf"{_HOURS}\s*ครึ่ง", t) else 0.5
    return read_number(t)
