-- Wrong 签到码 (the 6-digit code typed on the 签到 page) per account: after CODE_MAX_FAILURES wrong
-- codes within CODE_FAILURE_WINDOW the account waits until the window ends (tracker/store/events.py).
-- In the database, so that the count holds across the nodes of a cluster.
CREATE TABLE checkin_code_failures (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_failure TEXT NOT NULL,
    last_failure TEXT NOT NULL
);
