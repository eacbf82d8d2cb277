-- 8: 每日一练 (daily practice), the 德 indicator's 民主测评 scores and 一票否决 vetoes.
-- Learning points are not stored: they are derived from these records and the others (attempts,
-- lesson progress), so changing the rules recomputes them; a locked period keeps them in report_locks.

-- One daily set per employee and day: the questions drawn for them (a paper, as graded).
CREATE TABLE daily_sets (
    employee_id TEXT NOT NULL REFERENCES employees (id),
    day TEXT NOT NULL,                         -- YYYY-MM-DD, Asia/Shanghai
    set_id TEXT NOT NULL,                      -- daily.yaml sets[].id
    paper TEXT NOT NULL,                       -- JSON: the drawn questions with their option order
    counts_for_points INTEGER NOT NULL CHECK (counts_for_points IN (0, 1)),
    min_seconds REAL NOT NULL,                 -- below this (whole set) it is flagged, not credited
    started_at TEXT NOT NULL,                  -- when the questions were first shown (UTC)
    finished_at TEXT,                          -- when the last question was answered; NULL while open
    correct INTEGER,                           -- right answers, once finished
    total INTEGER NOT NULL,
    flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),  -- answered in implausibly little time
    PRIMARY KEY (employee_id, day)
);
-- The points count each employee's sets of a period from this index alone (one range per employee).
CREATE INDEX daily_sets_points ON daily_sets (employee_id, day, counts_for_points, flagged, finished_at);

-- One row per question answered in a daily set (the spaced-repetition history).
CREATE TABLE daily_answers (
    employee_id TEXT NOT NULL,
    day TEXT NOT NULL,
    question_key TEXT NOT NULL,                -- bank/id
    position INTEGER NOT NULL,
    response TEXT,                             -- JSON, normalized
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (employee_id, day, question_key),
    FOREIGN KEY (employee_id, day) REFERENCES daily_sets (employee_id, day)
);
CREATE INDEX daily_answers_history ON daily_answers (employee_id, question_key, day);

-- 民主测评: a leader's score (0-100) per employee and assessment period; changes go to audit_log.
CREATE TABLE democratic_scores (
    period_key TEXT NOT NULL,                  -- '2026Q3', '2026-09', '2026'
    employee_id TEXT NOT NULL REFERENCES employees (id),
    score REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'page',       -- page | the name of the imported xlsx
    PRIMARY KEY (period_key, employee_id)
);

-- 一票否决: a veto per employee and period with its reason and reference (e.g. a disciplinary
-- decision); withdrawn vetoes stay, with who withdrew them and why.
CREATE TABLE vetoes (
    id INTEGER PRIMARY KEY,
    period_key TEXT NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    reason TEXT NOT NULL,
    reference TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by TEXT,
    withdraw_reason TEXT
);
CREATE INDEX vetoes_period ON vetoes (period_key, employee_id);

-- 学习积分: whether an employee passed a quiz before a period (a partial index of the passes only).
CREATE INDEX attempts_first_pass ON attempts (employee_id, quiz_id, submitted_at) WHERE passed = 1 AND quiz_kind != 'practice';
