"""Every builder that takes user- or database-supplied text or lists, built at its flow's input limits (the
longest strings the flow keeps, Thai with marks, emoji, quotes; the most items), checked against LINE's limits
by tests/messages_th/limits_check.py. Each limit below names where the flow sets it."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from messages_th import admin, campaigns, common, conversation, deeds, deeds_book, deputy, digest, onboarding
from messages_th import pledge, privacy, reminders, reports, rounds
from tests.messages_th.limits_check import assert_fits, long_text, utf16

NAME = 200          # User.full_name / position / display_name, Bureau.name (models/core.py; handlers/profile.py)
DEED = 1000         # bot/services/deeds.py MAX_DESCRIPTION
PLEDGE_FIELD = 1000  # handlers/pledge_write.py: text_step's default limit (problem, good_deed, indicator)
PLEDGE_TARGET = 200  # handlers/pledge_write.py: target[:200]
ANSWER = 2000       # handlers/reports.py: text_step(limit=2000)
CAMP_TITLE, CAMP_PLACE, CAMP_DESC = 200, 300, 2000  # handlers/campaigns.py
AT = datetime(2026, 1, 15, 2, 0, tzinfo=timezone.utc)
DUE = date(2026, 3, 31)


def s(n: int) -> str:
    return long_text(n)


def pledge_item(i: int = 1) -> dict:
    return {"id": 10_000_000 + i, "position": i, "problem": s(PLEDGE_FIELD), "good_deed": s(PLEDGE_FIELD),
            "virtue": "honesty", "indicator": s(PLEDGE_FIELD), "target": s(PLEDGE_TARGET)}


def answer() -> dict:
    return {"done": s(ANSWER), "result": s(ANSWER), "problems": s(ANSWER), "photos": ["p"] * reports.MAX_PHOTOS}


def deed(i: int = 1) -> dict:
    return {"id": 10_000_000 + i, "virtue": "volunteer", "description": s(DEED), "deed_date": date(2026, 1, 1),
            "photos": 3, "beneficiaries": 10_000, "hours": 24.5, "editable": True, "edited": True}


def camp(i: int = 1):
    return SimpleNamespace(id=10_000_000 + i, title=s(CAMP_TITLE), starts_at=AT, place=s(CAMP_PLACE),
                           description=s(CAMP_DESC))


# ---- the long-input helpers themselves ----------------------------------------------------------

def test_long_text_really_is_long_and_awkward():
    t = s(2000)
    assert len(t) == 2000 and utf16(t) > 2000 and "😀" in t and '"' in t and "ี่" in t


def test_split_text_keeps_everything_and_texts_caps_at_five_messages():
    t = s(12_000)
    parts = common.split_text(t)
    assert all(utf16(p) <= 5000 for p in parts) and "".join(parts) == t
    assert len(assert_fits(common.texts([t] * 5))) == 5  # too much: cut, with the note, never a 6th message
    assert "ส่วนที่เหลือไม่ได้แสดง" in common.texts([t] * 5)[-1]["text"]


# ---- reports ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_items", [1, 9, 12, 40, 200])
def test_report_summary_fits_any_number_of_maximal_items(n_items):
    rows = [(pledge_item(i), answer()) for i in range(1, n_items + 1)]
    msg = reports.summary(s(NAME), s(NAME), DUE, True, rows, "2569-moral-org", 10_000_000)
    assert_fits(msg)
    flat = str(msg)
    if n_items <= 40:  # far more than a bureau writes; beyond what fits, the cover says how many are shown
        assert all(f"ข้อ {i}:" in flat for i in range(1, n_items + 1))  # every item is on the card
    else:
        assert "การ์ดนี้แสดง" in flat and "ข้อ 1:" in flat


def test_report_summary_of_short_answers_shows_them_whole_without_read_more():
    rows = [({"id": 1, "position": 1, "good_deed": "ประชุมตรงเวลา"}, {"done": "ทำแล้ว", "result": "ดี",
                                                                    "problems": "ไม่มี"})]
    msg = assert_fits(reports.summary("รายงาน", "สำนัก", DUE, False, rows, "r", 1))[0]
    assert "report.answers" not in str(msg) and "ทำแล้ว" in str(msg)


def test_report_answers_full_is_whole_and_leaves_room_for_the_summary():
    msgs = reports.answers_full(s(NAME), pledge_item(), answer())
    assert len(msgs) <= 4
    assert_fits(msgs)
    whole = "".join(m["text"] for m in msgs).replace("\n", "")
    assert s(ANSWER).replace("\n", "") in whole


def test_report_steps_at_their_limits():
    item = pledge_item()
    assert_fits(reports.ask_done(s(NAME), 12, 12, item, {"deeds": 10**6, "progress": 10**6, "attendance": 10**6},
                                 s(ANSWER)))
    assert_fits(reports.ask_done(s(NAME), 9, 9, {**item, "criterion": True}, {}, s(ANSWER)))
    assert_fits(reports.ask_result(s(ANSWER)))
    assert_fits(reports.ask_result(s(ANSWER), criterion=True))
    assert_fits(reports.ask_problems(s(ANSWER)))
    assert_fits(reports.resumed(s(NAME), 12, 12))
    assert_fits(reports.submitted(s(NAME), 999, True, AT))
    assert_fits(reports.pick_round([(f"2569-r{i}", f"k{i}", 2569, DUE, "late") for i in range(20)], 10_000_000))


def test_report_status_views_with_many_long_bureau_names():
    assert_fits(reports.bureau_status(s(NAME), 2569, [(s(NAME), DUE, "late", -300)] * 8))
    msgs = reports.all_bureaus_status(s(NAME), DUE, [(s(NAME), st) for st in ("submitted", "late", "overdue")] * 200)
    assert "และอีก" in assert_fits(msgs)[0]["text"]  # the cut is said, not silent


# ---- pledge ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_items", [1, 10, 11, 12, 30])
@pytest.mark.parametrize("can_edit", [False, True])
def test_pledge_view_fits_and_pages(n_items, can_edit):
    items = [pledge_item(i) for i in range(1, n_items + 1)]
    seen = []
    offset = 0
    while True:
        msg = assert_fits(pledge.pledge_view(s(NAME), 2569, items, can_edit=can_edit, offset=offset))[0]
        bubbles = msg["contents"]["contents"]
        seen += [b for b in bubbles if "pledge.progress" in str(b)]
        if "pledge.view" not in str(bubbles[-1]):
            break
        offset += pledge.VIEW_PAGE
    assert len(seen) == n_items  # every item can be reached


def test_pledge_item_screens_at_their_limits():
    item = pledge_item()
    assert_fits(pledge.item_full(s(NAME), item))
    whole = "".join(m["text"] for m in pledge.item_full(s(NAME), item)).replace("\n", "")
    assert s(PLEDGE_FIELD).replace("\n", "") in whole
    assert_fits(pledge.confirm_item(item))
    assert_fits(pledge.ask_remove(item))
    assert_fits(pledge.ask_problem(s(NAME), 999))
    assert_fits(pledge.ask_good_deed(s(PLEDGE_FIELD)))
    assert_fits(pledge.ask_problem_again(999, item))
    assert_fits(pledge.ask_progress(item))
    assert_fits(pledge.no_pledge(s(NAME), 2569, True))


# ---- deeds -----------------------------------------------------------------------------------------

def test_deed_cards_at_their_limits():
    d = deed()
    assert_fits(deeds.confirm_card(d, "n" * 32, editing=True))
    assert_fits(deeds.saved(d, 10**6))
    assert_fits(deeds_book.delete_ask(d))
    assert_fits(deeds_book.deeds_carousel([deed(i) for i in range(10)], 10_000_000))  # handlers/deeds.py PAGE
    assert_fits(deeds_book.bureau_view(s(NAME), 2569, (10**5, 10**5, 10**6), (10**5, 10**5, 10**7)))
    assert_fits(deeds_book.book_summary(2569, {"honesty": 10**6}, 52))


# ---- campaigns -------------------------------------------------------------------------------------

def test_campaign_cards_at_their_limits():
    c = camp()
    draft = {"title": c.title, "place": c.place, "description": c.description}
    assert_fits(campaigns.confirm_card(draft, AT, 10**5, s(NAME), 3 * 10**5))
    assert_fits(campaigns.invite_card(c))
    assert_fits(campaigns.reminder_card(c, AT.replace(day=1)))
    assert_fits(campaigns.checkin_card(c))
    assert_fits(campaigns.created(c))
    assert_fits(campaigns.answered(c, "join", False))
    assert_fits(campaigns.answered(c, "decline", True))
    assert_fits(campaigns.bad_bureaus([s(30)] * 200))
    assert_fits(campaigns.results([(s(CAMP_TITLE), AT, 10**5, 10**4, 10**4, 10**4)] * 10))  # created_by limit=10


@pytest.mark.parametrize("n", [1, 12, 30])
def test_campaign_list_of_maximal_campaigns_fits(n):
    assert_fits(campaigns.list_open([camp(i) for i in range(n)]))


# ---- admin, deputy, onboarding ------------------------------------------------------------------

def test_admin_screens_with_the_longest_names_and_most_rows():
    assert_fits(admin.choose_bureau([(10_000_000 + i, s(NAME)) for i in range(50)]))
    assert_fits(admin.invite_created("ABCD-EFGH-IJKL", s(NAME), AT, 10**6))
    assert_fits(admin.pending_list([(10_000_000 + i, s(NAME), s(NAME), s(NAME), s(NAME)) for i in range(50)]))
    assert_fits(admin.matches([(10_000_000 + i, s(NAME), s(NAME)) for i in range(13)]))  # search limit
    assert_fits(admin.role_buttons(10_000_000, s(NAME), {"coordinator", "committee", "admin"}))
    assert_fits(admin.approved(s(NAME)))
    assert_fits(admin.rejected(s(NAME)))
    assert_fits(admin.role_changed(s(NAME), "coordinator", True))


def test_deputy_screens_with_the_longest_names():
    assert_fits(deputy.ask(s(NAME)))
    assert_fits(deputy.pick([(10_000_000 + i, s(NAME)) for i in range(12)], more=True))
    assert_fits(deputy.nobody(s(5000)))
    assert_fits(deputy.set_ok(s(NAME)))
    assert_fits(deputy.told_deputy(s(NAME)))


def test_onboarding_screens_with_the_longest_names():
    assert_fits(onboarding.ask_bureau([(10_000_000 + i, s(NAME)) for i in range(50)]))
    assert_fits(onboarding.ask_name(s(NAME)))
    assert_fits(onboarding.confirm_card(s(NAME), s(NAME), s(NAME), True))
    assert_fits(onboarding.registered(s(NAME), s(NAME)))
    assert_fits(onboarding.profile_card(s(NAME), s(NAME), s(NAME), ["ผู้ประสานงานสำนัก", "คณะกรรมการจริยธรรม",
                                                                    "ผู้ดูแลระบบ"]))
    assert_fits(onboarding.welcome_back(s(NAME)))


# ---- privacy, digest, reminders, rounds, parking ------------------------------------------------

@pytest.mark.parametrize("n_deeds", [0, 1, 5000])
def test_data_export_of_a_person_with_the_longest_fields_and_many_deeds(n_deeds):
    profile = {key: s(NAME) for key, _ in privacy.EXPORT_FIELDS}
    lines = [privacy.deed_line(date(2026, 1, 1), "จิตอาสา", s(DEED), 3) for _ in range(n_deeds)]
    msgs = assert_fits(privacy.export_messages(profile, ["บุคลากร"] * 4, [("จิตอาสา", 10**6)] * 5, lines))
    assert s(NAME) in msgs[0]["text"]  # the profile is shown whole


def _digest(n_bureaus: int) -> dict:
    rows = [{"name": s(NAME), "code": f"B{i}", "id": i, "staff": 10**4, "deeds": 10**5, "participants": 10**4}
            for i in range(n_bureaus)] + [{"name": None, "code": None, "staff": 1, "deeds": 1, "participants": 1,
                                            "grouped": 99}]
    return {"week": "2026-W03", "last_monday": date(2026, 1, 12), "this_monday": date(2026, 1, 19),
            "by_virtue": {k: [10**6, 10**6] for k in ("sufficiency", "discipline", "honesty", "volunteer",
                                                      "gratitude")},
            "deeds_last": 5 * 10**6, "deeds_prev": 5 * 10**6, "bureaus": rows, "staff": 10**6, "participants": 10**6,
            "round": {"code": "r", "title": s(NAME), "due": DUE, "table": [],
                      "counts": {k: 99 for k in ("submitted", "late", "overdue", "draft", "not_started")}},
            "upcoming": {"rounds": [(s(NAME), DUE)] * 10, "campaigns": [(s(CAMP_TITLE), AT)] * 10},
            "ledger": (10**9, "f" * 64)}


def test_digest_with_many_long_bureau_names():
    d = _digest(200)
    assert_fits(digest.digest_messages(d, "https://example.org/chart.png"))
    assert_fits(digest.bureau_digest(d, d["bureaus"][0]))


def test_reminders_rounds_and_parking_with_long_titles():
    rnd = SimpleNamespace(title=s(NAME), due_date=DUE, code="2569-moral-org")
    for days in (-30, 0, 1, 7):
        assert_fits(reminders.deadline_card(rnd, days))
        assert_fits(reminders.deadline_card(rnd, days, coordinator=False))
    assert_fits(rounds.pick_round_for_due([(f"2569-r{i}", f"k{i}", 2569, DUE) for i in range(20)]))
    assert_fits(rounds.ask_due_date("2569-moral-org", s(NAME), DUE, "v=1&a=rounds.due&r=2569-moral-org"))
    assert_fits(rounds.confirm_due("2569-moral-org", s(NAME), DUE, DUE))
    assert_fits(rounds.due_changed(s(NAME), DUE))
    full = common.text("x", common.quick_reply([(str(i), common.msg_action("x", "x")) for i in range(13)]))
    assert_fits(conversation.with_offer([full] * 5, "report", "p" * 32))
    assert_fits(conversation.with_offer([full] * 4, "report", "p" * 32))
