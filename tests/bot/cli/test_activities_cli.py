"""`flask activities template|import|list|copy`: the secretariat's way to load the register without the console."""
from __future__ import annotations

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
