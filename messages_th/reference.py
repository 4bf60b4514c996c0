"""The reference corner ("อ่านหลักคุณธรรม"): short cards on the plan's principles and deadlines."""
from __future__ import annotations

from datetime import date

from messages_th import reference_data as D
from messages_th.best_practice import LIBRARY_WORD
from messages_th.common import msg_action, bad_postback, pb, quick_reply, text
from messages_th.dates import days_left_text, thai_date
from messages_th.flex import BRAND, MUTED, box, bubble, button, carousel, flex, separator, txt
from messages_th.virtues import VIRTUES

MENU_WORD = "อ่านหลักคุณธรรม"
SHOW_ACTION = "ref.show"

# key -> (title, quick-reply label ≤ 20, header colour)
TOPICS: dict[str, tuple[str, str, str]] = {
    "virtues": ("คุณธรรม ๕ ประการ", "คุณธรรม ๕ ประการ", "#2E7D32"),
    "code": ("ประมวลจริยธรรม ข้อ ๕ (๗ ข้อ)", "ประมวลจริยธรรม", "#1565C0"),
    "strong": ("STRONG จิตพอเพียงต้านทุจริต", "STRONG Model", "#6A1B9A"),
    "moral_org": ("เกณฑ์องค์กรคุณธรรมต้นแบบ ๙ ข้อ", "องค์กรคุณธรรม", "#EF6C00"),
}
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _th(n: int) -> str:
    return str(n).translate(THAI_DIGITS)


def _topic_replies(exclude: str | None = None) -> dict:
    items = [(label, pb(label, SHOW_ACTION, display_text=title, topic=key))
             for key, (title, label, _) in TOPICS.items() if key != exclude]
    return quick_reply(items)


def reference_menu() -> dict:
    """One Flex message listing the topics as buttons (works on LINE for PC too) and quick replies."""
    buttons = [button(title, pb(title, SHOW_ACTION, display_text=title, topic=key), "primary", color=color)
               for key, (title, _, color) in TOPICS.items()]
    # the library of approved best practices lives in this corner too (issue 17: แหล่งเรียนรู้)
    buttons.append(button(f"📚 {LIBRARY_WORD} (ถอดบทเรียน)", msg_action(LIBRARY_WORD, LIBRARY_WORD), "secondary"))
    card = bubble("📖 อ่านหลักคุณธรรม", [txt("เลือกหัวข้อที่ต้องการอ่าน", "sm", color=MUTED)], buttons)
    alt = "อ่านหลักคุณธรรม: " + " / ".join(t for t, _, _ in TOPICS.values())
    return flex(alt, card, _topic_replies())


def _numbered(items, start: int = 1) -> list[dict]:
    rows = []
    for i, item in enumerate(items, start):
        head, gist = item if isinstance(item, tuple) else (item, None)
        parts = [txt(f"{_th(i)}. {head}", "sm", "bold" if gist else "regular")]
        if gist:
            parts.append(txt(gist, "xs", color=MUTED))
        rows.append(box(parts, spacing="xs"))
    return rows


def _virtues() -> list[dict]:
    cards = [bubble(v.label, [txt(v.meaning, "md"), separator(),
                              txt("ตัวอย่างความดี", "xs", "bold", MUTED), txt(v.example, "sm")],
                    size="kilo", header_color=v.color) for v in VIRTUES]
    alt = "คุณธรรม ๕ ประการ: " + " ".join(v.name for v in VIRTUES)
    intro = text(D.VIRTUES_SOURCE + ": " + " ".join(v.name for v in VIRTUES))
    return [intro, flex(alt, carousel(cards), _topic_replies("virtues"))]


def _code() -> list[dict]:
    card = bubble(D.CODE_TITLE, [txt(D.CODE_INTRO, "sm", color=MUTED), *_numbered(D.CODE_ITEMS)],
                  header_color=TOPICS["code"][2])
    alt = D.CODE_TITLE + "\n" + "\n".join(f"({_th(i)}) {h}" for i, (h, _) in enumerate(D.CODE_ITEMS, 1))
    return [flex(alt, card, _topic_replies("code"))]


def _strong() -> list[dict]:
    rows = [box([txt(letter, "xxl", "bold", TOPICS["strong"][2], flex=0),
                 box([txt(f"{en} – {th}", "sm", "bold"), txt(gloss, "xs", color=MUTED)], flex=1)],
                "horizontal", spacing="lg") for letter, en, th, gloss in D.STRONG_LETTERS]
    card = bubble(D.STRONG_TITLE, [txt(D.STRONG_INTRO, "xs", color=MUTED), separator(), *rows],
                  header_color=TOPICS["strong"][2])
    alt = D.STRONG_TITLE + ": " + ", ".join(f"{l} {th}" for l, _, th, _ in D.STRONG_LETTERS)
    return [flex(alt, card, _topic_replies("strong"))]


def _moral_org() -> list[dict]:
    color = TOPICS["moral_org"][2]
    criteria = bubble("เกณฑ์องค์กรคุณธรรมต้นแบบ ๙ ข้อ", _numbered(D.MORAL_ORG_CRITERIA), header_color=color)
    levels = bubble("ระดับขององค์กรคุณธรรม ๓ ระดับ", _numbered(D.MORAL_ORG_LEVELS), header_color=color)
    alt = "เกณฑ์องค์กรคุณธรรมต้นแบบ ๙ ข้อ\n" + "\n".join(
        f"{_th(i)}) {c}" for i, c in enumerate(D.MORAL_ORG_CRITERIA, 1))
    return [flex(alt, carousel([criteria, levels]), _topic_replies("moral_org"))]


_BUILDERS = {"virtues": _virtues, "code": _code, "strong": _strong, "moral_org": _moral_org}


def reference_topic(topic: str) -> list[dict]:
    """Messages for one topic; an unknown key (stale or forged postback) gets the outdated-button note."""
    build = _BUILDERS.get(topic)
    return build() if build else [bad_postback()]


def deadlines_card(rounds: list[tuple[str, date]], today: date | None = None) -> dict:
    """Report deadlines, soonest first; with `today`, each row also says how many days are left."""
    if not rounds:
        return text("ยังไม่มีกำหนดส่งรายงานในขณะนี้ครับ")
    rows = []
    for title, due in sorted(rounds, key=lambda r: r[1]):
        when = thai_date(due) + (f" ({days_left_text((due - today).days)})" if today else "")
        rows.append(box([txt(title, "sm", "bold"), txt("ส่งภายใน " + when, "xs", color=MUTED)], spacing="xs"))
    card = bubble("🗓️ กำหนดส่งรายงาน", rows, header_color=BRAND)
    alt = "กำหนดส่งรายงาน\n" + "\n".join(f"{t}: {thai_date(d)}" for t, d in sorted(rounds, key=lambda r: r[1]))
    return flex(alt, card)
