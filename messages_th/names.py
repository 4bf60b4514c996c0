"""How the bot names a person. The title (คำนำหน้า: นาย, นางสาว, ว่าที่ร้อยตรี, ดร. …) is kept apart from the name
(`User.title`), because "คุณ" goes only where there is no title: "คุณนางสาว…" reads wrong and "คุณนาย" means
Madam.

`address(title, name)` is the one rule for addressing someone in a sentence: the title and the full name with no
space and no "คุณ" ("นางสาวทดลอง ใจดี", "พล.ต.ต.สมชาย ใจดี"); "คุณ" + the first name only when the title is not
known ("คุณทดลอง": users registered before the title was asked, or who chose not to give it). `person(title,
name)` is the same without the "คุณ", for lists and cards where a bare name reads right ("ทดลอง ใจดี").
"""
from __future__ import annotations

import re

from messages_th.common import clip

TITLE_MAX = 40
# the buttons of the title question; any other title (ranks, academic titles) is typed
TITLE_BUTTONS = ("นาย", "นาง", "นางสาว")
NO_TITLE = "ไม่ระบุ"  # the answer "I'd rather not say": addressed as "คุณ…"
OTHER_TITLE = "อื่น ๆ (พิมพ์เอง)"
TITLE_EXAMPLES = "ว่าที่ร้อยตรี, ดร., พล.ต.ต., ผศ.ดร."
# abbreviations written for the three everyday titles, stored as the word
_SAME_AS = {"น.ส.": "นางสาว", "นส.": "นางสาว", "น.ส": "นางสาว"}
# titles recognised at the start of a typed name (split off and confirmed at registration); longest first, so
# "นางสาว" wins over "นาง" and "พล.ต.ต." over "พ.ต."
_RANKS = ("ร.ต.", "ร.ท.", "ร.อ.", "พ.ต.", "พ.ท.", "พ.อ.", "พล.ต.", "พล.ท.", "พล.อ.", "ร.ต.ต.", "ร.ต.ท.", "ร.ต.อ.",
          "พ.ต.ต.", "พ.ต.ท.", "พ.ต.อ.", "พล.ต.ต.", "พล.ต.ท.", "พล.ต.อ.", "ด.ต.", "จ.ส.ต.", "ส.ต.อ.", "จ.ส.อ.", "ส.อ.",
          "ร้อยตรี", "ร้อยโท", "ร้อยเอก", "พันตรี", "พันโท", "พันเอก", "พลตรี", "พลโท", "พลเอก",
          "ร้อยตำรวจตรี", "ร้อยตำรวจโท", "ร้อยตำรวจเอก", "พันตำรวจตรี", "พันตำรวจโท", "พันตำรวจเอก")
_ACADEMIC = ("ดร.", "ศ.", "รศ.", "ผศ.", "ศ.ดร.", "รศ.ดร.", "ผศ.ดร.", "นพ.", "พญ.", "ทพ.", "ทพญ.", "ภก.", "ภญ.",
             "นายแพทย์", "แพทย์หญิง")
KNOWN_TITLES = tuple(sorted({*TITLE_BUTTONS, *_SAME_AS, *_ACADEMIC, *_RANKS,
                             *(f"{r}หญิง" for r in _RANKS), *(f"ว่าที่{r}" for r in _RANKS),
                             *(f"ว่าที่ {r}" for r in _RANKS), *(f"ว่าที่{r}หญิง" for r in _RANKS)},
                            key=len, reverse=True))
_LETTER = re.compile(r"[A-Za-z\u0E01-\u0E2E]")  # a Thai consonant or a Latin letter: not just emoji or marks


def normal_title(title: str | None) -> str | None:
    """The title as stored: trimmed, single spaces, "น.ส." as "นางสาว"; None for nothing."""
    t = " ".join((title or "").split())
    return _SAME_AS.get(t, t) or None


def split_title(name: str) -> tuple[str | None, str]:
    """("นางสาว", "ทดลอง ใจดี") from "นางสาวทดลอง ใจดี" or "นางสาว ทดลอง ใจดี"; (None, name) when the name does not
    start with a known title (or is nothing but one)."""
    name = " ".join(name.split())
    for t in KNOWN_TITLES:
        if name.startswith(t):
            rest = name[len(t):].strip()
            if _LETTER.match(rest):  # a name follows (not a vowel sign or digit that would make it one word)
                return normal_title(t), rest
    return None, name


def read_title(text: str | None) -> tuple[bool, str | None]:
    """A typed (or tapped) title: (True, title), (True, None) for "ไม่ระบุ", (False, None) for something that is not
    a title (too long, several lines, no letters: an emoji)."""
    t = normal_title(text)
    if t == NO_TITLE:
        return True, None
    if not t or len(t) > TITLE_MAX or "\n" in (text or "").strip() or not _LETTER.search(t):
        return False, None
    return True, t


def first_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[0] if parts else ""


def _join(title: str, name: str) -> str:
    # Thai writes the title against the name ("ดร.สมชาย"); a Latin title ("Dr") keeps its space
    return f"{title} {name}" if title[-1:].isascii() and title[-1:].isalpha() else f"{title}{name}"


def address(title: str | None, name: str | None, limit: int = 80) -> str:
    """How to address the person in a sentence: "นางสาวทดลอง ใจดี", or "คุณทดลอง" when the title is unknown."""
    title, name = normal_title(title), " ".join((name or "").split())
    if title:
        return clip(_join(title, name) if name else title, limit)
    first = first_name(name)
    return clip(f"คุณ{first}", limit) if first else "ท่าน"


def person(title: str | None, name: str | None, limit: int = 80) -> str:
    """The person in a list or card: the title with the full name, or the bare name ("-" for nothing)."""
    title, name = normal_title(title), " ".join((name or "").split())
    if title:
        return clip(_join(title, name) if name else title, limit)
    return clip(name, limit) if name else "-"
