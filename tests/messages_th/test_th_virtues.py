import pytest

from messages_th import virtues as V


def test_five_virtues_in_plan_order():
    assert [v.name for v in V.VIRTUES] == ["พอเพียง", "วินัย", "สุจริต", "จิตอาสา", "กตัญญู"]
    assert V.KEYS == ("sufficiency", "discipline", "honesty", "volunteer", "gratitude")
    for v in V.VIRTUES:
        assert v.key.isascii() and v.emoji and v.meaning and v.example and v.keywords
        assert V.get(v.key) is v and V.name_th(v.key) == v.name


@pytest.mark.parametrize("text, key", [
    ("ช่วยเพื่อนร่วมงานยกของ", "volunteer"),
    ("ไปบริจาคโลหิตที่สภากาชาด", "volunteer"),
    ("ร่วมทำความสะอาดห้องประชุม", "volunteer"),
    ("มาประชุมตรงเวลาทุกครั้ง", "discipline"),
    ("ปฏิบัติตามระเบียบการลา", "discipline"),
    ("เก็บกระเป๋าสตางค์ได้ นำไปคืนของให้เจ้าของ", "honesty"),
    ("ซื่อสัตย์ต่อหน้าที่", "honesty"),
    ("จัดซื้ออย่างโปร่งใส", "honesty"),
    ("ประหยัดไฟ ปิดแอร์ตอนพักเที่ยง", "sufficiency"),
    ("กินพอดี ไม่ทิ้งอาหาร", "sufficiency"),
    ("กล่าวขอบคุณแม่บ้านประจำชั้น", "gratitude"),
    ("พาพ่อแม่ไปหาหมอ", "gratitude"),
    ("ไปกราบไหว้ครูที่โรงเรียนเก่า", "gratitude"),
    ("ช่วยคุณแม่ทำกับข้าว", "gratitude"),       # the longer, more specific keyword wins
])
def test_suggest_virtue(text, key):
    assert V.suggest_virtue(text) == key


@pytest.mark.parametrize("text", [None, "", "สวัสดีครับ", "รอสักครู่นะ", "อย่าลืมนะ"])
def test_suggest_virtue_none(text):
    assert V.suggest_virtue(text) is None
