-- 5: reports. Assessment period locks (归档) and their log, and indexes for the report queries.

-- A locked period: the figures as they were when it was locked (JSON, pandas "split" orient).
-- Reads of a locked period return these figures instead of recomputing them.
CREATE TABLE report_locks (
    period_key TEXT PRIMARY KEY,               -- '2026Q3', '2026-09', '2026'
    figures TEXT NOT NULL,                     -- JSON: {"columns": [...], "data": [[...], ...]}
    locked_at TEXT NOT NULL,                   -- ISO 8601 UTC with milliseconds
    locked_by TEXT NOT NULL,                   -- username
    reason TEXT
);

-- Every lock and unlock, never updated or deleted.
CREATE TABLE report_lock_log (
    id INTEGER PRIMARY KEY,
    period_key TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('lock', 'unlock')),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX report_lock_log_period ON report_lock_log (period_key, at);

-- Period scans of submitted attempts answered from the index alone (participation, indicators).
CREATE INDEX attempts_period ON attempts (submitted_at, quiz_kind, employee_id, quiz_id, percent, passed, id);
-- Item analysis of questions drawn from a bank (question_id 'bank/id').
CREATE INDEX answers_question ON answers (question_id);
CREATE INDEX lesson_progress_completed ON lesson_progress (completed_at, employee_id, lesson_id);
CREATE INDEX competition_members_employee ON competition_members (employee_id, run_id);
