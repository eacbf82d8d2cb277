"""Content settings write the change and its audit row in one transaction; the attempt sweeper
logs any error and keeps running; the item-analysis export names a bank as a bank."""

from __future__ import annotations

import io
import logging
import threading

import openpyxl
import pytest

from tests.conftest import SMALL_QUIZ, write_files
from tracker import Account, Tracker
from tracker.export import to_xlsx_bytes
from tracker.reports import items_output
from tracker.store.core import Store

ORG = Account("org", "organizer")


class Boom(Exception):
    pass


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda t: t.set_quiz_hidden(ORG, "small", True), id="set_quiz_hidden"),
        pytest.param(lambda t: t.set_quiz_owners(ORG, "small", ["org"]), id="set_quiz_owners"),
    ],
)
def test_a_setting_and_its_audit_row_land_together_or_not_at_all(tracker, monkeypatch, change):
    tracker.add_user("org", "a-long-password-1", "organizer")

    def failing_audit(self, *args, **kwargs):
        raise Boom("the audit row could not be written")

    monkeypatch.setattr(Store, "audit", failing_audit)
    with pytest.raises(Boom):
        change(tracker)
    monkeypatch.undo()
    assert tracker.hidden_quizzes() == set() and tracker.quiz_owners() == {}
    assert tracker.db.execute("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'quiz.%'").fetchone()[0] == 0
    change(tracker)  # and without the fault: both written
    assert tracker.db.execute("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'quiz.%'").fetchone()[0] == 1


def test_the_sweeper_logs_any_error_and_keeps_running(tmp_path, monkeypatch, caplog):
    store = Tracker(tmp_path / "sweep.db")
    calls: list[int] = []
    second = threading.Event()

    def finalize_expired(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise Boom("not a database error")
        second.set()
        return 0

    monkeypatch.setattr(store, "finalize_expired", finalize_expired)
    with caplog.at_level(logging.ERROR, logger="tracker.store.attempts"):
        thread = store.start_sweeper(interval=0.01)
        assert second.wait(10), "the sweeper stopped after an error"
    store.close()
    thread.join(10)
    assert any("sweeper" in r.getMessage() and r.exc_info and r.exc_info[0] is Boom for r in caplog.records)
    assert not thread.is_alive()


def test_sweep_once_never_raises_and_says_how_many(tracker, monkeypatch):
    assert tracker.sweep_once() == 0
    monkeypatch.setattr(tracker, "finalize_expired", lambda **kw: (_ for _ in ()).throw(Boom("x")))
    assert tracker.sweep_once() == 0


def test_the_item_analysis_export_names_a_bank_as_a_bank(tmp_path, tracker):
    from quizzes import load_catalog

    content = write_files(
        tmp_path / "content",
        {
            "banks/mini.yaml": "id: mini\ntitle: 小题库\nquestions:\n  - {id: q1, type: true_false, prompt: 甲。, answer: 对}\n",
            "quizzes/small.yaml": SMALL_QUIZ,
        },
    )
    catalog = load_catalog(content)
    out = items_output(tracker, Account("boss", "leader"), bank_id="mini", catalog=catalog)
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(out.tables, out.notes)))
    notes = dict(list(wb["说明"].iter_rows(values_only=True))[1:])
    assert notes["分析对象"] == "题库" and notes["题库"] == "小题库" and "测验" not in notes


def test_a_sweeper_failing_the_same_way_logs_one_traceback_then_one_line_a_pass(tracker, monkeypatch, caplog):
    """A sweeper failing every 30 s must not fill the log with tracebacks (formatting one also parses
    source lines, which on CPython 3.11 can break another thread's ``ast.parse``)."""
    import logging

    monkeypatch.setattr(tracker, "finalize_expired", lambda **kw: (_ for _ in ()).throw(Boom("x")))
    with caplog.at_level(logging.ERROR, logger="tracker.store.attempts"):
        for _ in range(3):
            tracker.sweep_once()
    assert [bool(r.exc_info) for r in caplog.records] == [True, False, False]
    monkeypatch.setattr(tracker, "finalize_expired", lambda **kw: 0)
    tracker.sweep_once()  # it recovered: the next failure gets its traceback again
    monkeypatch.setattr(tracker, "finalize_expired", lambda **kw: (_ for _ in ()).throw(Boom("x")))
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="tracker.store.attempts"):
        tracker.sweep_once()
    assert [bool(r.exc_info) for r in caplog.records] == [True]


def test_stop_all_sweepers_stops_every_running_sweeper(tmp_path):
    from tracker.store.attempts import _SWEEPING, stop_all_sweepers

    stores = [Tracker(tmp_path / f"{n}.db") for n in range(2)]
    try:
        threads = [s.start_sweeper(interval=0.05) for s in stores]
        assert all(s in _SWEEPING for s in stores)
        stop_all_sweepers()
        for thread in threads:
            thread.join(timeout=5)
        assert not any(t.is_alive() for t in threads) and not any(s in _SWEEPING for s in stores)
    finally:
        for s in stores:
            s.close()
