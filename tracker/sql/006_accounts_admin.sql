-- 6: administration in the browser. One-time passwords, last sign-in, sessions that end with the
-- browser or after idling, sign-in throttling per account and address and per address, and the date
-- an employee left.

ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;  -- 1: one-time password
ALTER TABLE accounts ADD COLUMN last_sign_in TEXT;                                -- ISO 8601 UTC
ALTER TABLE accounts ADD COLUMN disabled_at TEXT;
ALTER TABLE accounts ADD COLUMN disabled_by TEXT;

ALTER TABLE sessions ADD COLUMN remember INTEGER NOT NULL DEFAULT 0;             -- 记住我: a persistent cookie
ALTER TABLE sessions ADD COLUMN address TEXT;                                     -- the client address it came from

ALTER TABLE employees ADD COLUMN left_on TEXT;                                    -- 离职 date (YYYY-MM-DD)

-- Failed sign-ins by key: 'account:<address>:<user name>' and 'address:<address>'. Every try is counted
-- here before its password is checked (in one write transaction), and forgiven when it succeeds.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure TEXT NOT NULL,
    locked_until TEXT
);

ALTER TABLE audit_log ADD COLUMN subject TEXT;                                    -- the user name or 工号 acted on
ALTER TABLE audit_log ADD COLUMN address TEXT;                                    -- the client address (sign-ins)

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_subject ON audit_log (subject, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
