"""messages_th/names.py: the one rule for naming a person (issue 14: never "คุณนาย…" or "คุณนางสาว…")."""
from __future__ import annotations

import pytest

import messages_th.admin as admin
import messages_th.onboarding as onboarding
from messages_th.names import TITLE_MAX, address, person, read_title, split_title


@pytest.mark.parametrize("title,name,expected", [
    ("นาย", "สมชาย ใจดี", "นายสมชาย ใจดี"),
    ("นางสาว", "ทดลอง ใจดี", "นางสาวทดลอง ใจดี"),
    ("พล.ต.ต.", "สมชาย ใจดี", "พล.ต.ต.สมชาย ใจดี"),
    ("ว่าที่ร้อยตรี", "สมชาย  ใจดี ", "ว่าที่ร้อยตรีสมชาย ใจดี"),
    ("น.ส.", "ทดลอง ใจดี", "นางสาวทดลอง ใจดี"),
    (None, "ทดลอง ใจดี", "คุณทดลอง"),  # unknown title: "คุณ" + first name
    ("", "ทดลอง ใจดี", "คุณทดลอง"),
    ("Dr", "John Smith", "Dr John Smith"),
    (None, None, "ท่าน"),
])
def test_address(title, name, expected):
    assert address(title, name) == expected


def test_person_has_no_khun():
    assert person(None, "ทดลอง ใจดี") == "ทดลอง ใจดี"
    assert person("นาง", "ทดลอง ใจดี") == "นางทดลอง ใจดี"
    assert person(None, None) == "-"


@pytest.mark.parametrize("typed,expected", [
    ("นางสาวทดลอง ใจดี", ("นางสาว", "ทดลอง ใจดี")),  # longest first: not "นาง" + "สาวทดลอง"
    ("นาย สมชาย ใจดี", ("นาย", "สมชาย ใจดี")),
    ("พล.ต.ต.สมชาย ใจดี", ("พล.ต.ต.", "สมชาย ใจดี")),
    ("ว่าที่ร้อยตรีหญิงสมศรี ดี", ("ว่าที่ร้อยตรีหญิง", "สมศรี ดี")),
    ("ผศ.ดร.สมศรี ดี", ("ผศ.ดร.", "สมศรี ดี")),
    ("น.ส.ทดลอง ใจดี", ("นางสาว", "ทดลอง ใจดี")),
    ("สมหญิง ใจงาม", (None, "สมหญิง ใจงาม")),
    ("นายิกา ดี", (None, "นายิกา ดี")),  # "นาย" then a vowel sign: one word, not a title
    ("นาย", (None, "นาย")),  # only a title: nothing to split off
])
def test_split_title(typed, expected):
    assert split_title(typed) == expected


def test_read_title():
    assert read_title("ว่าที่ร้อยตรี") == (True, "ว่าที่ร้อยตรี")
    assert read_title(" นางสาว ") == (True, "นางสาว")
    assert read_title("ไม่ระบุ") == (True, None)
    assert read_title("👍😊") == (False, None)
    assert read_title("ก" * (TITLE_MAX + 1)) == (False, None)
    assert read_title("นาย\nสมชาย") == (False, None)
    assert read_title("") == (False, None)


def test_builders_address_by_title():
    assert admin.approved("สมชาย ใจดี", "นาย")["text"].startswith("อนุมัตินายสมชาย ใจดี แล้ว")
    assert admin.approved("สมชาย ใจดี")["text"].startswith("อนุมัติคุณสมชาย แล้ว")
    assert "ของนางสาวทดลอง ใจดี" in admin.rejected("ทดลอง ใจดี", "นางสาว")["text"]
    assert "ให้ดร.สมศรี ดี แล้ว" in admin.role_changed("สมศรี ดี", "committee", True, "ดร.")["text"]
    assert "คุณ" not in onboarding.registered("ทดลอง ใจดี", "สำนัก", "นางสาว")["text"]
    assert "ยินดีต้อนรับกลับครับ นางทดลอง ใจดี" in onboarding.welcome_back("ทดลอง ใจดี", "นาง")["text"]
    for msg in (admin.approved("x", "นาย"), onboarding.welcome_back("x", "นาง"), onboarding.registered("x", "y", "นาย")):
        assert "คุณนา" not in msg["text"]
