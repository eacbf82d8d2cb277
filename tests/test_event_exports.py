"""Exports of events: the 签到表 printed and read back (all rows or none), the attendance sheet, the
培训档案, and the PDFs (学时证明, 结业证书, 获奖证书) whose text is read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from quizzes import load_catalog
from tests.conftest import CONTENT
from tracker.access import Access
from tracker.event_sheets import SheetError
from tracker.store import Account

ORG = Account("org", "organizer", None)
EMP = Account("zhang", "employee", "E1")


@pytest.fixture
def env(tracker):
    for i, (name, dept, team) in enumerate(
        [("张伟", "办公室", "综合组"), ("李娜", "办公室", "财务组"), ("王强", "畜牧兽医站", "动物防疫组")], 1
    ):
        tracker.add_employee(f"E{i}", name, dept, team)
    catalog = load_catalog(CONTENT)
    event = catalog.events["ethics-training-2026"]  # takes sign-ups: the sheet lists those signed up
    for i in (1, 2, 3):
        tracker.sign_up(event, f"E{i}", now=dt.datetime(2026, 12, 1, i, tzinfo=dt.UTC))
    return tracker, catalog, event


def fill(sheet: bytes, marks: dict[str, tuple[str, str]]) -> bytes:
    wb = load_workbook(io.BytesIO(sheet))
    ws = wb.active
    for row in ws.iter_rows(min_row=5):
        if row[1].value in marks:
            row[5].value, row[6].value = marks[row[1].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_signin_sheet_round_trip(env):
    tracker, _, event = env
    org = Access(tracker, ORG)
    sheet = org.signin_sheet(event, "day1")
    ws = load_workbook(io.BytesIO(sheet)).active
    assert ws["A1"].value == "2026年职业道德专题培训班 签到表"
    assert [ws.cell(r, 3).value for r in range(5, 8)] == ["张伟", "李娜", "王强"]
    filled = fill(sheet, {"E1": ("√", None), "E2": ("请假", "下乡"), "E3": ("迟到", None)})
    assert org.import_signin_sheet(event, "day1", filled) == 3
    rows = {r["employee_id"]: (r["status"], r["method"], r["reason"]) for r in tracker.attendance(event.id, "day1")}
    assert rows == {"E1": ("present", "paper", None), "E2": ("leave", "leave", "下乡"), "E3": ("late", "paper", None)}


@pytest.mark.parametrize(
    "marks, problem",
    [
        ({"E1": ("好", None)}, "row 5: '好' is not a mark (√, 迟到, 请假, 缺席)"),
        ({"E1": ("√", None), "E2": ("请假", None)}, "row 6: 请假 needs its reason in 备注"),
    ],
)
def test_a_bad_sheet_records_nothing(env, marks, problem):
    tracker, _, event = env
    org = Access(tracker, ORG)
    with pytest.raises(SheetError) as e:
        org.import_signin_sheet(event, "day1", fill(org.signin_sheet(event, "day1"), marks))
    assert e.value.problems == [problem]
    assert tracker.attendance(event.id) == []


def test_another_sessions_sheet_or_a_left_employee_is_refused(env):
    tracker, _, event = env
    org = Access(tracker, ORG)
    with pytest.raises(SheetError, match="not the 签到表 of ethics-training-2026/day2"):
        org.import_signin_sheet(event, "day2", org.signin_sheet(event, "day1"))
    sheet = fill(org.signin_sheet(event, "day1"), {"E1": ("√", None), "E3": ("√", None)})
    tracker.add_employee("E3", "王强", "畜牧兽医站", "动物防疫组", active=False)
    with pytest.raises(SheetError, match="E3: employee E3 has left"):
        org.import_signin_sheet(event, "day1", sheet)
    assert tracker.attendance(event.id) == []
    with pytest.raises(SheetError, match="not an xlsx"):
        org.import_signin_sheet(event, "day1", b"not a spreadsheet")


def test_employees_cannot_run_check_in(env):
    from tracker import AccessDenied

    tracker, _, event = env
    me = Access(tracker, EMP)
    for call in (
        lambda: me.open_checkin(event, "day1"),
        lambda: me.signin_sheet(event, "day1"),
        lambda: me.mark(event, "day1", "E2", "present"),
        lambda: me.current_code(event, "day1"),
        lambda: me.hours_of(None, "E2", 2026),
        lambda: me.roll_call(event, "day1"),
    ):
        with pytest.raises(AccessDenied):
            call()


def pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())  # line breaks and spaces of the layout removed


def test_pdfs_carry_the_person_and_the_hours(env, tmp_path):
    tracker, catalog, event = env
    org = Access(tracker, ORG)
    for sid in event.session_ids:
        org.open_checkin(event, sid)
        org.mark(event, sid, "E1", "present")
    me = Access(tracker, EMP)
    text = pdf_text(me.hours_certificate(catalog, None, 2026), tmp_path)
    assert "学时证明" in text and "张伟" in text and "2026年度累计取得职业道德教育学时12学时，年度要求40学时，尚差28学时" in text
    text = pdf_text(me.completion_certificate(catalog, event), tmp_path)
    assert (
        "结业证书" in text and "张伟" in text and "参加“2026年职业道德专题培训班”，完成全部培训课程，取得12学时，准予结业" in text
    )
    from tracker.errors import EventRefused

    with pytest.raises(EventRefused):
        org.completion_certificate(catalog, event, "E2")  # attended nothing


def test_award_certificates_of_a_finished_run(tmp_path):
    from tests.test_competition_store import HOST, new_run, play_to_end
    from tracker import Tracker
    from tracker import competitions as comps

    tracker = Tracker(tmp_path / "c.db")
    for eid, name, dept in [("E001", "张一", "安监部"), ("E003", "王三", "工会"), ("E005", "钱五", "综合办")]:
        tracker.add_employee(eid, name, dept)
    for user, eid in (("cap1", "E001"), ("cap2", "E003")):
        tracker.add_user(user, "password-1", "employee", eid)
    comps.clear_cache()
    run_id = new_run(tracker)
    play_to_end(tracker, run_id)
    comps.finish(tracker, HOST, run_id)
    files = Access(tracker, ORG).award_certificates(run_id)
    assert [team for team, _ in files] == ["工会", "安监部", "综合办"]
    text = pdf_text(files[0][1], tmp_path)
    assert "获奖证书" in text and "一等奖" in text and "工会" in text
    tracker.close()
    comps.clear_cache()


def test_training_record_and_attendance_sheet(env):
    tracker, catalog, event = env
    org = Access(tracker, ORG)
    org.open_checkin(event, "day1")
    org.mark(event, "day1", "E1", "present")
    org.close_checkin(event, "day1")
    ws = load_workbook(io.BytesIO(org.attendance_sheet(event))).active
    assert [c.value for c in ws[3]][2:7] == ["E1", "张伟", "办公室", "综合组", "出席"]
    assert {ws.cell(r, 7).value for r in range(4, ws.max_row + 1)} == {"缺席"}
    wb = load_workbook(io.BytesIO(Access(tracker, EMP).training_record(catalog, years=[2026])))
    ledger = wb["学时台账"]
    assert ledger["A1"].value == "张伟（E1）培训档案"
    assert [c.value for c in ledger[4]][2:6] == ["培训活动", "2026年职业道德专题培训班（职业道德基本规范）", 4, 4]
    assert [c.value for c in wb["培训出勤"][2]] == ["2026-12-15", "2026年职业道德专题培训班", "职业道德基本规范", "出席", 180]


def test_signin_sheet_pdf_lists_everyone_expected_with_headers_on_every_page(env, tmp_path):
    tracker, _, event = env
    for i in range(4, 45):  # 44 people: more than one page
        tracker.add_employee(f"E{i}", f"职工{i}", "办公室", "综合组")
        tracker.sign_up(event, f"E{i}", now=dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    pdf = Access(tracker, ORG).signin_sheet_pdf(event, "day1")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = ["".join(p.split()) for p in pages.split("\f") if p.strip()]
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):  # every page: the event, the session, the heads, the footer
        assert "2026年职业道德专题培训班签到表" in page
        assert "职业道德基本规范2026年12月15日08:30—11:30地点：局机关三楼会议室" in page
        assert "序号工号姓名部门班组签名" in page
        assert "活动编号ethics-training-2026/day1" in page and f"第{n}页/共{len(pages)}页" in page
    text = "".join(pages)
    assert "1E1张伟办公室综合组" in text and "E3王强畜牧兽医站动物防疫组" in text
    assert all(f"职工{i}" in text for i in range(4, 45)) and "应到44人" in text
    assert "组织者签字" in pages[-1]


def test_signin_sheet_pdf_is_for_organizers(env):
    from tracker import AccessDenied

    tracker, _, event = env
    with pytest.raises(AccessDenied):
        Access(tracker, EMP).signin_sheet_pdf(event, "day1")


def test_materials_uploaded_with_the_form_are_checked_and_kept_once(tmp_path, tracker):
    from quizzes.events import MAX_MATERIAL_BYTES, MaterialError, save_material
    from tracker import AccessDenied

    root = tmp_path / "content"
    name, new = save_material(root, "培训日程.pdf", b"%PDF-1.4 a")
    assert new and name.startswith("pei-xun-ri-cheng-") and name.endswith(".pdf")
    assert save_material(root, "copy.pdf", b"%PDF-1.4 a")[1] is True  # another name: another file
    assert save_material(root, "培训日程.pdf", b"%PDF-1.4 a") == (name, False)  # the same upload: one file
    for filename, data, reason in [
        ("a.exe", b"MZ", "type"),
        ("a", b"x", "type"),
        ("big.pdf", b"x" * (MAX_MATERIAL_BYTES + 1), "size"),
        ("empty.txt", b"", "empty"),
    ]:
        with pytest.raises(MaterialError) as e:
            save_material(root, filename, data)
        assert (e.value.reason, e.value.filename) == (reason, filename) and filename in str(e.value)
    folder = root / "events" / "materials"
    before = sorted(folder.iterdir())
    org = Access(tracker, ORG)
    with pytest.raises(MaterialError):  # one bad upload: the good one before it is taken back
        org.save_materials(root, [("new.md", b"# new"), ("bad.exe", b"MZ")])
    assert sorted(folder.iterdir()) == before
    entries, written = org.save_materials(root, [("讲义.md", b"# notes"), ("培训日程.pdf", b"%PDF-1.4 a")])
    assert [e["title"] for e in entries] == ["讲义", "培训日程"] and len(written) == 1  # the schedule was there
    org.discard_materials(root, written)
    assert sorted(folder.iterdir()) == before
    with pytest.raises(AccessDenied):
        Access(tracker, EMP).save_materials(root, [("x.md", b"x")])
    assert sorted(folder.iterdir()) == before
