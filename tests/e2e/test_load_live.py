"""Smoke test of the live-competition load client (bench/load_live.py): its own server, a host, a
scoreboard and three team devices over Streamlit's websocket protocol; every question is buzzed,
won by the buzz the server logged first, and reaches the scoreboard."""

from __future__ import annotations

import pytest

from bench import load_live
from tests.conftest import in_own_thread


# The harness seeds its own SQLite file with sqlite3 (bench/load.py LocalServer.seed); PostgreSQL is its
# own mode (bench's --postgres), not the test run's schema per file.
@pytest.mark.sqlite_only
def test_live_scenario_with_three_devices(capsys):
    result = in_own_thread(load_live.main, ["live", "--teams", "3", "--questions", "2", "--timeout", "20"])
    assert result["errors"] == 0, result["errors_list"]
    assert result["problems"] == []
    assert result["questions"] == 2 and result["buzzes"] >= 2
    assert result["winners_match_event_log"] is True
    assert 0 < result["buzz_to_board_max_ms"] < 20_000
    assert 0 < result["judge_to_board_max_ms"] < 20_000
    assert result["by_kind_n"]["poll_team"] >= 3 and result["by_kind_n"]["poll_scoreboard"] >= 2
    assert 0 < result["buzz_to_host_max_ms"] < 20_000  # the host console shows who answers, by its own refresh
    assert result["by_kind_n"]["host_tick"] >= 1 and result["host_tick_p95_ms"] > 0


@pytest.mark.parametrize(
    ("body", "team"),
    [("第01队 作答", "第01队"), ("办公室 作答", "办公室"), ("第01队", None)],
)
def test_board_watch_reads_the_answering_team(body, team):
    from streamlit.proto.Element_pb2 import Element

    log = load_live.LiveLog()
    el = Element()
    el.heading.body = body
    load_live.board_watch(log)(el, 1.0)
    assert log.board_answering == ([(1.0, team)] if team else [])


def test_board_watch_reads_the_big_screen_html():
    from streamlit.proto.Element_pb2 import Element

    log = load_live.LiveLog()
    el = Element()
    el.html.body = (
        '<div class="mb" id="mingde-board"><div class="mb-who" data-answering="A&amp;B队">A&amp;B队 作答</div>'
        '<div class="mb-card" data-team="A&amp;B队" data-score="110"></div></div>'
    )
    load_live.board_watch(log)(el, 2.0)
    assert log.board_answering == [(2.0, "A&B队")] and log.board_scores == [(2.0, "A&B队", "110")]
