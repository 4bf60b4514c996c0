"""The deed flow (handlers/record.py, record_finish.py) and the deed book (handlers/deeds.py) with a plain Ctx:
steps, buttons and what is stored; wording lives in tests/messages_th."""
from __future__ import annotations

from sqlmodel import select

from models.deeds import Deed
from tests.factories import make_bureau, make_user
from tests.handlers.unit.conftest import offered


def _to_confirm(chat, description="เก็บกระเป๋าสตางค์ได้ นำไปคืนเจ้าของ"):
    chat.text("บันทึกความดี")
    chat.postback("deed.virtue", k="honesty")
    chat.text(description)
    chat.postback("deed.when", d="today")
    return chat.text("ข้าม")


def test_a_deed_step_by_step_offers_each_steps_buttons_and_is_stored_once(session, chat_for):
    chat = chat_for(make_user(session, make_bureau(session)))
    out = chat.text("บันทึกความดี")
    assert {p["k"] for p in offered(out, "deed.virtue")} >= {"honesty", "sufficiency", "discipline"}
    assert (chat.state.flow, chat.state.step) == ("deed", "virtue")
    chat.postback("deed.virtue", k="honesty")
    assert chat.state.step == "describe" and chat.state.draft["virtue"] == "honesty"
    out = chat.text("เก็บกระเป๋าสตางค์ได้ นำไปคืนเจ้าของ")
    assert {p.get("d") for p in offered(out, "deed.when")} >= {"today", "yesterday"}
    chat.postback("deed.when", d="today")
    out = chat.text("ข้าม")
    nonce = chat.state.draft["nonce"]
    assert offered(out, "deed.confirm") == [{"n": nonce}] and chat.state.step == "confirm"
    chat.postback("deed.confirm", n=nonce)
    chat.postback("deed.confirm", n=nonce)  # a double tap
    deeds = session.exec(select(Deed)).all()
    assert [(d.virtue, d.description) for d in deeds] == [("honesty", "เก็บกระเป๋าสตางค์ได้ นำไปคืนเจ้าของ")]
    assert chat.state.flow is None


def test_a_card_of_an_earlier_draft_changes_nothing(session, chat_for):
    chat = chat_for(make_user(session, make_bureau(session)))
    _to_confirm(chat)
    out = chat.postback("deed.confirm", n="0000")
    assert session.exec(select(Deed)).all() == []
    assert chat.state.step == "confirm" and offered(out, "deed.confirm")  # the card's buttons again


def test_buttons_of_another_step_are_stale_and_bad_parameters_too(session, chat_for):
    chat = chat_for(make_user(session, make_bureau(session)))
    chat.text("บันทึกความดี")
    out = chat.postback("deed.when", d="today")  # the date step's button while choosing a virtue
    assert chat.state.step == "virtue" and offered(out, "deed.virtue")
    out = chat.postback("deed.virtue", k="not-a-virtue")
    assert chat.state.step == "virtue" and "virtue" not in chat.state.draft


def test_not_registered_gets_no_flow(session, chat_for):
    chat = chat_for(make_user(session, make_bureau(session), registered=False))
    out = chat.postback("deed.start")
    assert chat.state.flow is None and offered(out, "deed.virtue") == []


def test_a_menu_word_mid_deed_parks_it_and_resume_returns_to_the_step(session, chat_for):
    chat = chat_for(make_user(session, make_bureau(session)))
    chat.text("บันทึกความดี")
    chat.postback("deed.virtue", k="honesty")
    out = chat.text("สมุดความดีของฉัน")
    assert chat.state.flow is None
    [parked] = chat.state.parked
    assert (parked["flow"], parked["step"], parked["draft"]["virtue"]) == ("deed", "describe", "honesty")
    assert offered(out, "flow.resume") == [{"p": parked["id"]}]
    chat.postback("flow.resume", p=parked["id"])
    assert (chat.state.flow, chat.state.step, chat.state.draft["virtue"]) == ("deed", "describe", "honesty")
    assert not chat.state.parked


def test_edit_loads_own_deed_and_refuses_anothers(session, chat_for):
    bureau = make_bureau(session)
    me, other = make_user(session, bureau), make_user(session, bureau)
    chat = chat_for(other)
    _to_confirm(chat)
    chat.postback("deed.confirm", n=chat.state.draft["nonce"])
    deed = session.exec(select(Deed)).one()
    mine = chat_for(me)
    mine.postback("deed.edit", id=deed.id)
    assert mine.state.flow is None  # not my deed
    mine.postback("deed.delete_ok", id=deed.id)
    assert session.get(Deed, deed.id).deleted_at is None
    chat.postback("deed.edit", id=deed.id)
    assert (chat.state.flow, chat.state.step, chat.state.draft["deed_id"]) == ("deed", "confirm", deed.id)
    chat.postback("deed.edit", id="abc")  # a forged id (a menu-like button): the open edit is kept
    assert chat.state.parked[0]["draft"]["deed_id"] == deed.id


def test_a_later_menu_tap_still_offers_the_parked_deed(session, chat_for):
    chat = chat_for(make_user(session, make_bureau(session)))
    chat.text("บันทึกความดี")
    chat.postback("deed.virtue", k="honesty")
    chat.text("สมุดความดีของฉัน")  # parks the deed
    [parked] = chat.state.parked
    assert offered(chat.text("เมนู"), "flow.resume") == [{"p": parked["id"]}]
    assert offered(chat.text("ความดีที่อยากทำ"), "flow.resume") == [{"p": parked["id"]}]
    assert offered(chat.text("สวัสดีครับ"), "flow.resume") == []  # not a menu action: no offer


def test_an_emoji_only_description_is_asked_again(session, chat_for):
    """Issue 14: "👍😊" was accepted as a deed's description."""
    chat = chat_for(make_user(session, make_bureau(session)))
    chat.text("บันทึกความดี")
    chat.postback("deed.virtue", k="honesty")
    for typed in ("👍😊", "ok", "!!! ..."):
        out = chat.text(typed)
        assert chat.state.step == "describe" and "description" not in chat.state.draft
        assert len(out) == 2 and offered(out, "deed.when") == []
    chat.text("ช่วยงาน 👍")
    assert chat.state.step == "when" and chat.state.draft["description"] == "ช่วยงาน 👍"


def test_numbers_are_read_out_of_the_answer(session, chat_for):
    """Issue 14: "ประมาณ 20 คน" and "๒๐" were refused where a number is asked; two numbers are asked again."""
    chat = chat_for(make_user(session, make_bureau(session)))
    chat.text("บันทึกความดี")
    chat.postback("deed.virtue", k="volunteer")
    chat.text("ช่วยจัดงานวันเด็กของชุมชน")
    chat.postback("deed.when", d="today")
    chat.text("ข้าม")  # no photo
    assert chat.state.step == "beneficiaries"
    chat.text("10-20 คน")
    assert chat.state.step == "beneficiaries"
    chat.text("ประมาณ ๒๐ คน")
    assert chat.state.step == "hours" and chat.state.draft["beneficiaries"] == 20
    chat.text("๑.๕ ชม.")
    assert chat.state.step == "confirm" and chat.state.draft["hours"] == 1.5
