import json
from datetime import date

from bot.conversation.postback import decode
from messages_th import reference as R
from messages_th.reference_data import CODE_ITEMS, MORAL_ORG_CRITERIA, STRONG_LETTERS


def test_menu_lists_every_topic(line_check):
    msg = R.reference_menu()
    line_check(msg)
    assert {decode(i["action"]["data"])[0] for i in msg["quickReply"]["items"]} == {"ref.show"}
    assert {decode(i["action"]["data"])[1]["topic"] for i in msg["quickReply"]["items"]} == set(R.TOPICS)
    buttons = msg["contents"]["footer"]["contents"]
    topics = [b for b in buttons if b["action"]["type"] == "postback"]
    assert {decode(b["action"]["data"])[1]["topic"] for b in topics} == set(R.TOPICS)
    # and the library of approved best practices (issue 17) is one tap away in the same corner
    assert [b["action"]["text"] for b in buttons if b["action"]["type"] == "message"] == ["แหล่งเรียนรู้"]


def test_each_topic_is_valid_and_not_empty(line_check):
    assert set(R.TOPICS) == {"virtues", "code", "strong", "moral_org"}
    for topic in R.TOPICS:
        msgs = R.reference_topic(topic)
        assert msgs
        line_check(*msgs)


def test_topic_contents_follow_the_plan():
    def dump(topic):
        return json.dumps(R.reference_topic(topic), ensure_ascii=False)
    assert all(v in dump("virtues") for v in ("พอเพียง", "วินัย", "สุจริต", "จิตอาสา", "กตัญญู"))
    assert len(CODE_ITEMS) == 7 and "มุ่งผลสัมฤทธิ์" in dump("code")
    assert "".join(l for l, *_ in STRONG_LETTERS) == "STRONG"
    assert len(MORAL_ORG_CRITERIA) == 9 and "ปัญหาที่อยากแก้" in dump("moral_org")


def test_unknown_topic_gets_outdated_button_note(line_check):
    msgs = R.reference_topic("nope")
    line_check(*msgs)
    assert "เมนู" in msgs[0]["text"]


def test_deadlines_card(line_check):
    rounds = [("รายงานรอบ ๙ เดือน", date(2025, 6, 20)), ("รายงานรอบ ๖ เดือน", date(2025, 3, 20))]
    msg = R.deadlines_card(rounds, today=date(2025, 3, 17))
    line_check(msg)
    body = json.dumps(msg, ensure_ascii=False)
    assert body.index("๖ เดือน") < body.index("๙ เดือน")          # soonest first
    assert "20 มี.ค. 2568" in body and "อีก 3 วัน" in body
    line_check(R.deadlines_card([]))
