"""Review #14: on a phone (375 px) each table's key column is in view without scrolling sideways."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import CONTENT, signed_in_page


@pytest.fixture
def env(demo_app):
    return demo_app


def test_points_history_puts_the_points_next_to_the_date(env):
    from quizzes import load_catalog
    from ui.points_widgets import history_table

    hist = pd.DataFrame(
        {
            "day": ["2026-11-30"],
            "activity": ["lesson_open"],
            "source": ["ethics-basics"],
            "points": [1],
            "flagged": [0],
            "capped": [0],
        }
    )
    table = history_table(load_catalog(CONTENT), hist)
    assert list(table.columns)[:2] == ["日期", "积分"]


def test_lesson_progress_fits_a_phone(env):
    at = signed_in_page(env, "employee", "ui/pages/results.py", password="mingde-demo")
    table = next(d for d in at.dataframe if "完成时间" in d.value.columns)
    config = json.loads(table.proto.columns)
    widths = [config[c]["width"] for c in ("标题", "状态", "完成时间")]
    assert all(isinstance(w, int) for w in widths) and sum(widths) <= 343  # 375 px less the page's margins
    assert all(len(v) <= 10 for v in table.value["完成时间"])  # a date, not a cut-off "2026-12-02 07"


def test_leaderboard_names_stay_on_one_line(env):
    at = signed_in_page(env, "employee", "ui/pages/leaderboard.py", password="mingde-demo")
    styles = " ".join(str(tb.proto) for tb in at.table)
    assert "min-width" in styles
