-- 7: events (培训班, 专题讲座, 交流会): sign-ups, the check-in state of each session, attendance,
-- one-use check-in tickets and the secret that signs the projector's rotating codes.
-- Events themselves are content files (content/events/*.yaml); these tables hold what happened.

CREATE TABLE event_signups (
    event_id TEXT NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    status TEXT NOT NULL CHECK (status IN ('signed', 'waitlist', 'cancelled')),
    signed_at TEXT NOT NULL,                   -- ISO 8601 UTC; the waitlist's order
    changed_at TEXT NOT NULL,
    PRIMARY KEY (event_id, employee_id)
);
CREATE INDEX event_signups_order ON event_signups (event_id, status, signed_at);

-- A session's check-in: open while the organizer lets people check in; closed sets the absent.
CREATE TABLE event_sessions (
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    PRIMARY KEY (event_id, session_id)
);

-- One row per person and session: 出席 present, 迟到 late, 请假 leave, 缺席 absent.
CREATE TABLE attendance (
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'late', 'leave', 'absent')),
    method TEXT NOT NULL CHECK (method IN ('code', 'roll_call', 'paper', 'leave', 'close')),
    check_in_at TEXT,                          -- NULL for leave and absent
    check_out_at TEXT,
    minutes INTEGER NOT NULL DEFAULT 0,        -- minutes attended, capped by the session
    device TEXT,                               -- the phone's device cookie (code check-ins)
    reason TEXT,                               -- 请假 reason
    recorded_by TEXT NOT NULL,                 -- username
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (event_id, session_id, employee_id)
);
CREATE INDEX attendance_employee ON attendance (employee_id, check_in_at);

-- A scanned, valid code becomes a ticket: used once, by the person who then signs in (or is signed in).
CREATE TABLE checkin_tickets (
    token_hash TEXT PRIMARY KEY,               -- sha256 of the token; the token itself is only in the URL
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    device TEXT,
    issued_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT
);

CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,                       -- hex
    created_at TEXT NOT NULL
);
