"""`flask activities template|import|list|copy`: the secretariat's way to load the register without the console."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from models.rounds import Round
from tests.factories import make_bureau


def test_template_then_import_list_and_copy(app, db, tmp_path):
    with db() as s:
        make_bureau(s, "สำนักตัวอย่าง", code="EXS")
        make_bureau(s, "สำนักตัวอย่างสอง", code="EXT")
    runner = app.test_cli_runner()
    out = tmp_path / "register.xlsx"
    assert runner.invoke(args=["activities", "template", str(out)]).exit_code == 0
    imported = runner.invoke(args=["activities", "import", str(out), "--fy", "2570"])
    assert imported.exit_code == 0 and "2 added" in imported.output, imported.output
    listed = runner.invoke(args=["activities", "list", "--fy", "2570"])
    assert "2.1.1" in listed.output and "EXS, EXT" in listed.output and "2 activities" in listed.output
    copied = runner.invoke(args=["activities", "copy", "--from", "2570", "--to", "2571"])
    assert "copied 2" in copied.output


def test_a_bad_file_names_the_row_and_imports_nothing(app, db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("รหัสกิจกรรม,ชื่อโครงการ/กิจกรรม,สำนักที่รับผิดชอบ\n1.1,ประชุม (ทดสอบ),ไม่มีสำนักนี้\n",
                   encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["activities", "import", str(bad), "--fy", "2570"])
    assert result.exit_code != 0 and "nothing imported" in result.output
    assert 'แถว 2 คอลัมน์ "สำนักที่รับผิดชอบ"' in result.output
    listed = app.test_cli_runner().invoke(args=["activities", "list", "--fy", "2570"])
    assert "0 activities" in listed.output


def test_bureau_eval_criteria_load_and_the_round_asks_them(app, db, tmp_path, send, line, clock):
    from bot.conversation.postback import encode
    from bot.services.rounds import add_round
    from tests.bot.services.test_rounds_support import FY, JAN, seed
    from tests.conftest import texts_to
    clock.set(JAN)
    w = seed(db, items=1)
    runner = app.test_cli_runner()
    assert "pledge items" in runner.invoke(args=["criteria", "list", "--kind", "bureau-eval", "--fy", str(FY)]).output
    moral = runner.invoke(args=["criteria", "list", "--kind", "moral-org", "--fy", str(FY)]).output
    assert moral.count("\n") == 9  # the plan's nine until a list is loaded
    path = tmp_path / "eval.csv"
    path.write_text("ข้อ,เกณฑ์\n2,มีผลงานเผยแพร่ (ทดสอบ)\n1,มีแผนงานชัดเจน (ทดสอบ)\n", encoding="utf-8")
    ok = runner.invoke(args=["criteria", "import", str(path), "--kind", "bureau-eval", "--fy", str(FY)])
    assert ok.exit_code == 0 and "2 criteria" in ok.output
    listed = runner.invoke(args=["criteria", "list", "--kind", "bureau-eval", "--fy", str(FY)]).output
    assert listed.splitlines() == ["  1. มีแผนงานชัดเจน (ทดสอบ)", "  2. มีผลงานเผยแพร่ (ทดสอบ)"]
    bad = tmp_path / "bad.csv"
    bad.write_text("ข้อ,เกณฑ์\n1,ก (ทดสอบ)\n1,ข (ทดสอบ)\n", encoding="utf-8")
    refused = runner.invoke(args=["criteria", "import", str(bad), "--kind", "bureau-eval", "--fy", str(FY)])
    assert refused.exit_code != 0 and 'แถว 3 คอลัมน์ "ข้อ": รหัสซ้ำ' in refused.output
    with db() as s:
        rnd = s.exec(select(Round).where(Round.key == "bureau-eval", Round.fy == FY)).first()
        code = rnd.code if rnd else add_round(s, FY, "bureau-eval", "ประเมินสำนัก", date(2025, 10, 1),
                                              date(2026, 9, 30), date(2026, 8, 31)).code
    send("postback", w.coord, encode("report.round", r=code, b=w.b1))
    assert "เกณฑ์ข้อ 1/2: มีแผนงานชัดเจน (ทดสอบ)" in texts_to(line, w.coord)[-1]
