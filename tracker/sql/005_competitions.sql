-- 5: live competitions. (Filled in by the competition work: runs and the event log.)
SELECT 1;
