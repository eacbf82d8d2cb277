-- 9: a 现场知识竞赛 run linked to a session of an event of kind competition: the members of its teams
-- (captains included) are recorded as attended (method 'competition'), and the 学时 ledger counts the
-- event session instead of the run (a person gets 学时 once).

CREATE TABLE event_runs (
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    run_id TEXT NOT NULL REFERENCES competition_runs (id),
    linked_at TEXT NOT NULL,                   -- ISO 8601 UTC
    linked_by TEXT NOT NULL,                   -- username
    PRIMARY KEY (event_id, session_id),
    UNIQUE (run_id)                            -- a run counts for one event session only
);

-- attendance.method gains 'competition' (a CHECK cannot be altered: the table is rebuilt, rows kept).
CREATE TABLE attendance_new (
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'late', 'leave', 'absent')),
    method TEXT NOT NULL CHECK (method IN ('code', 'roll_call', 'paper', 'leave', 'close', 'competition')),
    check_in_at TEXT,                          -- NULL for leave and absent
    check_out_at TEXT,
    minutes INTEGER NOT NULL DEFAULT 0,        -- minutes attended, capped by the session
    device TEXT,                               -- the phone's device cookie (code check-ins)
    reason TEXT,                               -- 请假 reason
    recorded_by TEXT NOT NULL,                 -- username
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (event_id, session_id, employee_id)
);
INSERT INTO attendance_new (event_id, session_id, employee_id, status, method, check_in_at, check_out_at, minutes, device,
    reason, recorded_by, recorded_at)
SELECT event_id, session_id, employee_id, status, method, check_in_at, check_out_at, minutes, device, reason, recorded_by,
    recorded_at FROM attendance;
DROP TABLE attendance;
ALTER TABLE attendance_new RENAME TO attendance;
CREATE INDEX attendance_employee ON attendance (employee_id, check_in_at);
