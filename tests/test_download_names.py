"""Review #18: downloads are named in the user's language (Chinese in zh, English in en), and the
starter event's schedule is a file an office PC opens."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import ROOT, signed_in_page
from tracker.reports.outputs import ReportOutput


@pytest.mark.parametrize(
    ("lang", "name", "sheet", "expected"),
    [
        ("zh", "participation-2026Q4", "参与情况", "参与情况-2026Q4.xlsx"),
        ("zh", "assessment-2026Q4-employee", "考核指标", "考核指标-2026Q4-按人员.xlsx"),
        ("en", "assessment-2026Q4-department", "Assessment", "Assessment-2026Q4-By department.xlsx"),
    ],
)
def test_report_file_names(monkeypatch, lang, name, sheet, expected):
    from ui.report_widgets import download_name

    monkeypatch.setenv("MINGDE_LANG", lang)
    out = ReportOutput(name, {sheet: pd.DataFrame()})
    assert download_name(out, "xlsx") == expected


def test_event_material_is_a_text_file_named_by_its_title(demo, monkeypatch):
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    tracker, content = demo
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(tracker.path))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    names: list[str] = []

    def record(*args, file_name=None, **kwargs):
        names.append(file_name)
        return False

    monkeypatch.setattr(st, "download_button", record)
    monkeypatch.setattr(DeltaGenerator, "download_button", lambda self, *a, **k: record(*a, **k))
    signed_in_page(tracker, "employee", "ui/pages/my_events.py", password="mingde-demo")
    assert "培训日程安排.txt" in names
    assert not [n for n in names if n and n.endswith(".md")]
    text = (content / "events" / "materials" / "ethics-training-2026-schedule.txt").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and b"\r\n" in text  # Notepad reads it as UTF-8, line by line
