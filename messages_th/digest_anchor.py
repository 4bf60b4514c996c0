"""Reading the ledger head back out of a sent weekly digest (messages_th.digest writes it): the committee's
copy of the head, which `ledger-verify` checks the chain against. Kept next to the builders' format: the
tests build a digest with them and read it back here."""
from __future__ import annotations

import json
import re

# "<16 hex> · 1,234 รายการ" (the card) or "<16 hex>… (สมุดบันทึกความดี 1,234 รายการ)" (the text lines)
_HEAD = re.compile(r"(?<![0-9a-f])([0-9a-f]{16})(?: · |… \(\S+ )(\d[\d,]*) รายการ")


def heads_in(messages: list) -> set[tuple[int, str]]:
    """{(entry count, first 16 hex characters of the head)} the messages show."""
    text = json.dumps(messages, ensure_ascii=False)
    return {(int(n.replace(",", "")), h) for h, n in _HEAD.findall(text)}
