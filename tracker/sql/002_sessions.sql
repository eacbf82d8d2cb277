-- 2: sign-in sessions (only a hash of each token is stored) and sign-in throttling
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,              -- sha256 of the cookie's token
    username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX sessions_username ON sessions (username);

CREATE TABLE sign_in_failures (
    username TEXT PRIMARY KEY,                -- as typed, known or not
    failures INTEGER NOT NULL,
    last_failure TEXT NOT NULL,
    locked_until TEXT
);
