-- 4: live competitions. A run is one staging of a competition file; everything that happens in it
-- is appended to competition_events (never updated), and standings are derived from that log.
CREATE TABLE competition_runs (
    id TEXT PRIMARY KEY,
    competition_id TEXT NOT NULL,
    title TEXT NOT NULL,
    content_hash TEXT,                         -- content_versions.hash of the competition file
    mode TEXT NOT NULL CHECK (mode IN ('host', 'devices')),
    setup TEXT NOT NULL,                       -- JSON: teams (name, members, captain) and the questions of each round
    status TEXT NOT NULL CHECK (status IN ('setup', 'running', 'finished')),
    created_at TEXT NOT NULL,
    created_by TEXT,
    finished_at TEXT
);
CREATE INDEX competition_runs_competition ON competition_runs (competition_id, created_at);

CREATE TABLE competition_events (
    run_id TEXT NOT NULL REFERENCES competition_runs (id),
    seq INTEGER NOT NULL,                      -- 1, 2, 3 … per run, no gaps
    at TEXT NOT NULL,                          -- server time, ISO 8601 UTC with milliseconds
    actor TEXT,                                -- username of the host or team captain
    kind TEXT NOT NULL,
    data TEXT NOT NULL,                        -- JSON
    PRIMARY KEY (run_id, seq)
);

-- Written once when a run finishes: the final ranking and who took part.
CREATE TABLE competition_results (
    run_id TEXT NOT NULL REFERENCES competition_runs (id),
    team TEXT NOT NULL,
    rank INTEGER NOT NULL,
    points REAL NOT NULL,
    PRIMARY KEY (run_id, team)
);
CREATE TABLE competition_members (
    run_id TEXT NOT NULL REFERENCES competition_runs (id),
    team TEXT NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    PRIMARY KEY (run_id, employee_id)
);
