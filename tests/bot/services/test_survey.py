"""Survey drive rules: the link (https only), the window in พ.ศ. days, the cost forecast, the rate by bureau
through the digest's small-group rule, the digest's row, PDPA export and erase."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.services import digest
from bot.services import survey as svc
from bot.services.console_access import Forbidden, as_viewer
from messages_th import digest as th_digest
from models.console import AuditEntry
from models.core import User
from models.recognition import SurveyDrive, SurveyResponse
from tests.factories import make_bureau, make_user
from tests.messages_th.limits_check import assert_fits
from tests.scheduler.helpers import bkk

NOW = bkk(2027, 2, 22, 10, 0)
URL = "https://itas.example.go.th/iit"


def draft(**kw):
    base = dict(title="แบบวัด IIT", url=URL, opens_on=date(2027, 3, 1), closes_on=date(2027, 3, 19), bureau_ids=None)
    return svc.Draft(**(base | kw))


@pytest.mark.parametrize("url, why", [
    ("", "empty"), ("http://itas.example.go.th/x", "not_https"), ("javascript:alert(1)", "not_https"),
    ("https://", "bad_url"), ("https://localhost/x", "bad_url"), ("https://a b.go.th/", "bad_url"),
    ("https://user:pw@itas.go.th/", "bad_url"), ("https://itas.go.th:99999/", "bad_url"),
    ("https://itas.go.th/" + "x" * 500, "too_long"), ("ftp://itas.go.th/", "not_https"),
])
def test_bad_links_are_refused(url, why):
    assert svc.url_problem(url) == why


def test_good_links_pass():
    assert svc.url_problem("https://itas.nacc.go.th/go/iit/ABCD12?lang=th") is None
    assert svc.url_problem("HTTPS://forms.gle/abc") is None


def test_window_problems_named_by_field(db):
    with db() as s:
        with pytest.raises(svc.DriveError) as err:
            svc.check_draft(s, draft(title=" ", url="http://x.go.th", opens_on=date(2027, 2, 1),
                                     closes_on=date(2027, 1, 31), bureau_ids=[]), NOW)
        assert err.value.problems == {"title": "empty", "url": "not_https", "opens_on": "past",
                                      "closes_on": "before_open", "bureaus": "no_bureau"}
        with pytest.raises(svc.DriveError) as err:
            svc.check_draft(s, draft(closes_on=date(2028, 10, 1), bureau_ids=[987654]), NOW)
        assert err.value.problems == {"closes_on": "too_far", "bureaus": "bad_bureau"}


def test_forecast_counts_reachable_staff_and_reminders(db):
    with db() as s:
        b1, b2 = make_bureau(s), make_bureau(s)
        for _ in range(3):
            make_user(s, b1)
        make_user(s, b2)
        make_user(s, b1, registered=False)  # not reachable: no push, no cost
        f = svc.preview(s, draft(), NOW)
        assert (f.recipients, f.reminders, f.most) == (4, 2, 12)
        assert svc.preview(s, draft(bureau_ids=[b2.id], closes_on=date(2027, 3, 5)), NOW).most == 2  # 1 reminder


def test_create_is_audited_and_a_second_confirm_makes_nothing(db):
    with db() as s:
        admin = make_user(s, make_bureau(s), roles=("admin",))
        d1, made1 = svc.create(s, draft(), NOW, actor_id=admin.id)
        d2, made2 = svc.create(s, draft(), NOW, actor_id=admin.id)
        assert made1 and not made2 and d1.id == d2.id and d1.fy == 2570
        assert d1.opens_at == bkk(2027, 3, 1, 0, 0) and d1.closes_at == bkk(2027, 3, 19, 23, 59).replace(second=59)
        assert [a.action for a in s.exec(select(AuditEntry))] == ["survey.create"]


def test_after_it_opened_the_first_day_and_bureaus_stay(db):
    with db() as s:
        b = make_bureau(s)
        drive, _ = svc.create(s, draft(), NOW, actor_id=None)
        later = bkk(2027, 3, 5, 10, 0)
        with pytest.raises(svc.DriveError) as err:
            svc.update_drive(s, drive, draft(opens_on=date(2027, 3, 6), bureau_ids=[b.id]), later, actor_id=None)
        assert err.value.problems == {"opens_on": "started", "bureaus": "started"}
        svc.update_drive(s, drive, draft(url=URL + "/v2", closes_on=date(2027, 3, 26)), later, actor_id=None)
        assert drive.url == URL + "/v2" and drive.closes_at.date() == date(2027, 3, 26)


def _answer(s, drive, users, at):
    for u in users:
        assert svc.mark_done(s, drive.id, u, at)[0] == "ok"


def test_rate_by_bureau_groups_small_bureaus_in_the_digest(db):
    with db() as s:
        big, small1, small2 = make_bureau(s, code="A1"), make_bureau(s, code="A2"), make_bureau(s, code="A3")
        bigs = [make_user(s, big) for _ in range(6)]
        s1 = [make_user(s, small1) for _ in range(3)]
        s2 = [make_user(s, small2) for _ in range(2)]
        drive, _ = svc.create(s, draft(), NOW, actor_id=None)
        at = bkk(2027, 3, 2, 10, 0)
        _answer(s, drive, bigs[:3] + s1[:1] + s2, at)
        d = digest.compute(s, at)
        sv = d["survey"]
        assert (sv["answered"], sv["invited"]) == (6, 11)
        rows = {r["name"]: (r["participants"], r["staff"]) for r in sv["bureaus"]}
        assert rows == {big.name: (3, 6), None: (3, 5)}  # neither small bureau on its own
        text = th_digest.preview_text(d)
        assert "ตอบแล้ว 6/11 คน (55%)" in text and f"{big.name} 50%" in text
        assert f"{small1.name} 33%" not in text and f"{small2.name} 100%" not in text
        for msg in th_digest.digest_messages(d, None):
            assert_fits(msg)
        assert "แบบสำรวจ ITA" in str(th_digest.digest_messages(d, None)[0]["contents"])


def test_digest_has_no_survey_row_without_a_drive_and_a_week_after_the_close(db):
    with db() as s:
        make_user(s, make_bureau(s))
        assert digest.compute(s, NOW)["survey"] is None
        svc.create(s, draft(), NOW, actor_id=None)
        assert digest.compute(s, NOW)["survey"] is None  # not open yet
        assert digest.compute(s, bkk(2027, 3, 22, 8, 30))["survey"]["open"] is False  # the final rate
        assert digest.compute(s, bkk(2027, 3, 29, 8, 30))["survey"] is None


def test_console_roles(db):
    with db() as s:
        a, b = make_bureau(s), make_bureau(s)
        coord = as_viewer(s, make_user(s, a, roles=("coordinator",)))
        committee = as_viewer(s, make_user(s, b, roles=("committee",)))
        admin = as_viewer(s, make_user(s, b, roles=("admin",)))
        for _ in range(5):
            make_user(s, b)
        with pytest.raises(Forbidden):
            svc.console_create(s, committee, draft(), NOW)
        with pytest.raises(Forbidden):
            svc.console_create(s, coord, draft(), NOW)
        drive, _ = svc.console_create(s, admin, draft(), NOW)
        assert [r["id"] for r in svc.console_counts(s, coord, drive)] == [a.id]
        assert {r["id"] for r in svc.console_counts(s, committee, drive)} == {a.id, b.id}
        with pytest.raises(Forbidden):
            svc.console_close(s, committee, drive, NOW)


def test_export_and_erase(db):
    with db() as s:
        b = make_bureau(s)
        admin, u = make_user(s, b, roles=("admin",)), make_user(s, b)
        drive, _ = svc.create(s, draft(), NOW, actor_id=admin.id)
        at = bkk(2027, 3, 2, 10, 17)
        svc.mark_done(s, drive.id, u, at)
        assert svc.export_for(s, u) == {"survey_answered": [{"title": "แบบวัด IIT", "fy": 2570, "answered_at": at}],
                                        "survey_drives_created": []}
        assert svc.export_for(s, admin)["survey_drives_created"] == [{"title": "แบบวัด IIT", "url": URL,
                                                                      "created_at": NOW}]
        svc.erase_user(s, admin, at)
        svc.erase_user(s, u, at)
        assert s.get(SurveyDrive, drive.id).created_by is None
        row = s.exec(select(SurveyResponse)).one()
        assert row.answered_at == bkk(2027, 3, 2, 0, 0)  # the bureau's count stays, the moment goes
        assert svc.bureau_counts(s, drive)[0]["participants"] == 1
        assert s.get(User, u.id) is not None


def test_cards_fit_line_at_the_longest_title_and_link():
    from messages_th import survey as th
    from tests.messages_th.limits_check import long_text
    drive = SurveyDrive(id=123456, fy=2570, title=long_text(svc.TITLE_MAX), url="https://a.go.th/" + "x" * 484,
                        opens_at=bkk(2027, 3, 1, 0, 0), closes_at=bkk(2027, 3, 19, 23, 59))
    assert svc.url_problem(drive.url) is None
    for msg in (th.invite_card(drive), th.reminder_card(drive, 0), th.drives_card([drive] * 13, {}),
                th.drives_card([drive], {drive.id: NOW})):
        assert_fits(msg)
    assert drive.title in str(th.invite_card(drive)["contents"])  # shown whole, not clipped
    for status in th.DONE_TH:
        assert_fits(th.done(status))


def test_demo_drive_is_open_now_invented_and_made_once(db):
    with db() as s:
        u = make_user(s, make_bureau(s))
        d = svc.seed_demo(s, NOW)
        assert svc.seed_demo(s, NOW).id == d.id and "สมมติ" in d.title and d.url.startswith("https://example.com/")
        assert [x.id for x in svc.open_for(s, u, NOW)] == [d.id]
