"""The five target virtues of the plan (คุณธรรมเป้าหมาย ๕ ประการ) and a keyword guesser for deed texts.

The plan names the virtues but gives no example deed for each, so the examples here are simple,
everyday office deeds of our own.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Virtue:
    key: str
    name: str
    emoji: str
    meaning: str
    example: str
    color: str
    keywords: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.emoji} {self.name}"


VIRTUES: tuple[Virtue, ...] = (
    Virtue("sufficiency", "พอเพียง", "🌾",
           "ใช้ชีวิตและทรัพยากรอย่างพอประมาณ มีเหตุผล ไม่ฟุ่มเฟือย",
           "ปิดไฟและเครื่องปรับอากาศเมื่อไม่ใช้ ใช้กระดาษสองหน้า",
           "#2E7D32",
           ("พอเพียง", "ประหยัด", "พอดี", "พอประมาณ", "ปิดไฟ", "ปิดแอร์", "ปิดเครื่องปรับอากาศ",
            "ลดใช้", "ลดการใช้", "ออมเงิน", "เก็บออม", "ปลูกผัก", "ถุงผ้า", "แก้วส่วนตัว", "สองหน้า",
            "รีไซเคิล", "ใช้ซ้ำ", "ไม่ฟุ่มเฟือย")),
    Virtue("discipline", "วินัย", "⏰",
           "เคารพกฎ ระเบียบ และหน้าที่ของตน ตรงต่อเวลา",
           "มาประชุมตรงเวลา ส่งงานทันกำหนด",
           "#1565C0",
           ("วินัย", "ตรงเวลา", "ตรงต่อเวลา", "ระเบียบ", "กฎ", "ทันกำหนด", "ส่งงานตรง", "เข้าแถว",
            "ต่อคิว", "เข้าคิว", "จราจร", "หมวกกันน็อค", "หมวกกันน็อก", "เข็มขัดนิรภัย", "แต่งกาย")),
    Virtue("honesty", "สุจริต", "🤝",
           "ซื่อสัตย์ ตรงไปตรงมา โปร่งใส ตรวจสอบได้ ไม่แสวงหาประโยชน์โดยมิชอบ",
           "นำของที่เก็บได้ไปคืนเจ้าของ ไม่รับของขวัญจากผู้มาติดต่องาน",
           "#6A1B9A",
           ("สุจริต", "ซื่อสัตย์", "โปร่งใส", "คืนของ", "คืนเงิน", "นำไปคืน", "เก็บได้", "ทอนเงินเกิน",
            "ไม่รับสินบน", "ไม่รับของขวัญ", "no gift", "ผลประโยชน์ทับซ้อน", "แจ้งเบาะแส",
            "ตรวจสอบได้", "ไม่ทุจริต", "ไม่โกง")),
    Virtue("volunteer", "จิตอาสา", "💪",
           "เสียสละ ช่วยเหลือผู้อื่นและส่วนรวมโดยไม่หวังผลตอบแทน",
           "ร่วมทำความสะอาดพื้นที่ส่วนกลาง บริจาคโลหิต",
           "#EF6C00",
           ("จิตอาสา", "อาสา", "ช่วย", "บริจาค", "ทำความสะอาด", "เก็บขยะ", "ปลูกต้นไม้", "ปลูกป่า",
            "แบ่งปัน", "เสียสละ", "จิตสาธารณะ", "สาธารณประโยชน์", "พัฒนาชุมชน", "กวาด")),
    Virtue("gratitude", "กตัญญู", "🙏",
           "รู้คุณและตอบแทนคุณของผู้มีพระคุณ ชาติ ศาสนา พระมหากษัตริย์ และองค์กร",
           "พาคุณพ่อคุณแม่ไปพบแพทย์ ไปเยี่ยมครูผู้เคยสอน",
           "#C2185B",
           ("กตัญญู", "กตเวที", "ขอบคุณ", "พ่อแม่", "คุณพ่อ", "คุณแม่", "บิดา", "มารดา", "ปู่ย่า",
            "ตายาย", "คุณตา", "คุณยาย", "ครู", "อาจารย์", "ผู้มีพระคุณ", "ตอบแทน", "รดน้ำดำหัว",
            "ผู้สูงอายุ", "ผู้ใหญ่", "ทำบุญให้")),
)

BY_KEY: dict[str, Virtue] = {v.key: v for v in VIRTUES}
KEYS: tuple[str, ...] = tuple(BY_KEY)


def get(key: str) -> Virtue:
    """The virtue for a key; KeyError on an unknown key."""
    return BY_KEY[key]


def name_th(key: str) -> str:
    v = BY_KEY.get(key)
    return v.name if v else key


# Thai vowels above/below and tone marks: a keyword followed by one of these is part of
# another syllable (ครู inside สักครู่), not a match.
_MARKS = {chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F))}


def _hits(text: str, word: str) -> int:
    count, start = 0, 0
    while (i := text.find(word, start)) >= 0:
        end = i + len(word)
        if end >= len(text) or text[end] not in _MARKS:
            count += 1
        start = i + 1
    return count


def suggest_virtue(text: str | None) -> str | None:
    """Best-guess virtue key for a deed description, or None when nothing matches.

    Longer keywords weigh more, so "ช่วยคุณแม่" (helping one's mother) counts as gratitude.
    """
    if not text:
        return None
    low = text.lower()
    best, best_score = None, 0
    for v in VIRTUES:
        score = sum(len(w) * _hits(low, w) for w in v.keywords)
        if score > best_score:
            best, best_score = v.key, score
    return best
