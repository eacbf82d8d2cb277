-- A competition run counts in the 考核指标 and the 学时 ledger (1, the default: a real competition)
-- or is a rehearsal (0, 演练) that counts in neither (review #2). Existing runs count, as before.
ALTER TABLE competition_runs ADD COLUMN counts INTEGER NOT NULL DEFAULT 1;
