"""Best-practice rules (issue 17): one open draft per author, what may be sent, the review's rules, the library's
order, filter and pages, the XLSX export (CLI), and PDPA export / erase."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from bot.services import best_practice as svc
from models.recognition import BestPractice
from tests.bot.services.test_rounds_support import FY, JAN
from tests.factories import make_bureau, make_user

PHOTO = {"path": "private/" + "c" * 64 + ".png", "sha256": "c" * 64}


def _complete(s, user, title, virtue="honesty", at=JAN):
    row, _ = svc.start_draft(s, user, at)
    for f in svc.TEXT_FIELDS:
        svc.set_text(s, row, f, title if f == "title" else f"{f} ของ {title}", at)
    svc.set_virtue(s, row, virtue, at)
    return row


def _approved(s, author, reviewer, title, virtue="honesty", at=JAN):
    row = _complete(s, author, title, virtue, at)
    svc.submit(s, row, at)
    return svc.approve(s, reviewer, row.id, at)


@pytest.fixture()
def people(db):
    with db() as s:
        b = make_bureau(s, "สำนักทดลอง", code="BPX")
        ids = (make_user(s, b, full_name="ผู้เขียน ทดลอง").id, make_user(s, b, roles=("committee",)).id,
               make_user(s, b, roles=("committee",)).id)
    return ids


def test_one_open_draft_an_incomplete_one_is_not_sent_and_a_sent_one_is_not_edited(db, people):
    from models.core import User
    with db() as s:
        author = s.get(User, people[0])
        row, resumed = svc.start_draft(s, author, JAN)
        assert not resumed and row.fy == FY
        again, resumed = svc.start_draft(s, author, JAN + timedelta(days=1))
        assert resumed and again.id == row.id
        svc.set_text(s, row, "title", "เรื่องทดลอง", JAN)
        with pytest.raises(svc.BestPracticeError) as err:
            svc.submit(s, row, JAN)
        assert err.value.code == "incomplete" and err.value.info["missing"][0] == "problem"
        with pytest.raises(svc.BestPracticeError) as err:
            svc.set_text(s, row, "problem", "ก" * 2001, JAN)
        assert err.value.code == "too_long"
        row = _complete(s, author, "เรื่องทดลอง")
        svc.submit(s, row, JAN)
        with pytest.raises(svc.BestPracticeError) as err:
            svc.own_open(s, author, row.id)
        assert err.value.code == "not_open"
        # sent: the next "ถอดบทเรียน" starts a new draft
        assert svc.start_draft(s, author, JAN)[0].id != row.id


def test_review_rules_nobody_reviews_their_own_and_a_review_happens_once(db, people):
    from models.core import User
    with db() as s:
        author, m1, m2 = (s.get(User, i) for i in people)
        row = _complete(s, m1, "เรื่องของกรรมการ")
        svc.submit(s, row, JAN)
        with pytest.raises(svc.BestPracticeError) as err:
            svc.approve(s, m1, row.id, JAN)
        assert err.value.code == "own"
        svc.send_back(s, m2, row.id, "ขอรายละเอียดเพิ่ม", JAN)
        with pytest.raises(svc.BestPracticeError) as err:
            svc.approve(s, m2, row.id, JAN)
        assert err.value.code == "not_submitted"
        with pytest.raises(svc.BestPracticeError) as err:
            svc.send_back(s, m2, row.id, "   ", JAN)
        assert err.value.code == "not_submitted"  # already sent back: the state is checked before the text
        svc.submit(s, svc.own_open(s, m1, row.id), JAN)
        with pytest.raises(svc.BestPracticeError) as err:
            svc.send_back(s, m2, row.id, " ", JAN)
        assert err.value.code == "empty"
        assert svc.approve(s, m2, row.id, JAN).status == "approved"


def test_the_library_is_newest_approval_first_by_virtue_in_pages(db, people):
    from models.core import User
    with db() as s:
        author, reviewer, _ = (s.get(User, i) for i in people)
        for n in range(11):
            _approved(s, author, reviewer, f"เรื่อง {n}", "honesty" if n % 2 else "volunteer",
                      at=JAN + timedelta(hours=n))
        waiting = _complete(s, author, "ยังรอพิจารณา")
        svc.submit(s, waiting, JAN)
        page, more = svc.library(s)
        assert [r.title for r in page] == [f"เรื่อง {n}" for n in range(10, 1, -1)] and more
        rest, more = svc.library(s, offset=9)
        assert [r.title for r in rest] == ["เรื่อง 1", "เรื่อง 0"] and not more
        honest, _ = svc.library(s, "honesty")
        assert [r.title for r in honest] == ["เรื่อง 9", "เรื่อง 7", "เรื่อง 5", "เรื่อง 3", "เรื่อง 1"]
        assert svc.pending_count(s) == 1


def test_export_cli_writes_the_approved_ones_of_a_year(app, db, people, tmp_path):
    from models.core import User
    with db() as s:
        author, reviewer, _ = (s.get(User, i) for i in people)
        _approved(s, author, reviewer, "ลดกระดาษ")
        old = _approved(s, author, reviewer, "เรื่องปีก่อน")
        old.fy = FY - 1
        s.add(old)
        svc.submit(s, _complete(s, author, "ยังไม่อนุมัติ"), JAN)
    out = str(tmp_path / "bp.xlsx")  # never inside the code folder
    result = app.test_cli_runner().invoke(args=["best-practices", "export", "--out", out, "--fy", str(FY)])
    assert result.exit_code == 0 and "1 approved" in result.output
    ws = load_workbook(out).active
    assert [ws.cell(r, 3).value for r in range(4, ws.max_row + 1)] == ["ลดกระดาษ"]
    assert ws.cell(4, 5).value == "ผู้เขียน ทดลอง" and ws.cell(4, 4).value == "สำนักทดลอง"
    with db() as s:  # the console's call: the same rows, every year
        from messages_th.best_practice import export_xlsx
        ws = load_workbook(io.BytesIO(export_xlsx(svc.export_rows(s)))).active
        assert ws.max_row == 5


def test_export_for_and_erase_user_keep_the_approved_lesson_without_its_author(db, people):
    from models.core import User
    with db() as s:
        author, reviewer, other = (s.get(User, i) for i in people)
        kept = _approved(s, author, reviewer, "เรื่องที่อนุมัติแล้ว")
        svc.add_photo(s, kept, PHOTO, JAN)
        draft = _complete(s, author, "ร่างที่ยังไม่ส่ง")
        svc.add_photo(s, draft, {"path": "private/" + "d" * 64 + ".jpg", "sha256": "d" * 64}, JAN)
        svc.add_photo(s, draft, PHOTO, JAN)  # the approved one shows the same picture
        theirs = _complete(s, other, "ของคนอื่น")
        svc.submit(s, theirs, JAN)
        svc.send_back(s, reviewer, theirs.id, "ขอรูปเพิ่ม", JAN)

        mine = svc.export_for(s, author)
        assert {r["title"]: r["status"] for r in mine["best_practices"]} == {
            "เรื่องที่อนุมัติแล้ว": "approved", "ร่างที่ยังไม่ส่ง": "draft"}
        assert mine["best_practice_reviews"] == []
        given = svc.export_for(s, reviewer)["best_practice_reviews"]
        assert [(r["title"], r["review_comment"]) for r in given] == [("เรื่องที่อนุมัติแล้ว", None),
                                                                     ("ของคนอื่น", "ขอรูปเพิ่ม")]

        gone = svc.erase_user(s, author, JAN)
        assert gone == {"private/" + "d" * 64 + ".jpg"}  # the shared picture stays with the library's copy
        svc.erase_user(s, reviewer, JAN)
        rows = {r.title: r for r in s.query(BestPractice)}
        assert set(rows) == {"เรื่องที่อนุมัติแล้ว", "ของคนอื่น"}
        assert rows["เรื่องที่อนุมัติแล้ว"].author_id is None and rows["เรื่องที่อนุมัติแล้ว"].reviewer_id is None
        assert rows["ของคนอื่น"].reviewer_id is None and rows["ของคนอื่น"].author_id == other.id
        view = svc.view(s, rows["เรื่องที่อนุมัติแล้ว"])
        assert view.author is None and view.bureau == "สำนักทดลอง"
        assert [v.title for v in svc.library(s)[0]] == ["เรื่องที่อนุมัติแล้ว"]
        assert svc.export_for(s, author) == {"best_practices": [], "best_practice_reviews": []}


def test_demo_seed_adds_invented_examples_once(db, people):
    with db() as s:
        assert svc.seed_demo(s, JAN) == 3
        assert svc.seed_demo(s, JAN) == 0
        page, _ = svc.library(s)
        assert len(page) == 2 and all(r.title.startswith("[ตัวอย่างสมมติ]") for r in page)
        assert svc.pending_count(s) == 1
