-- 0036_call_deadline_set.sql: when a funding call's deadline was last set
-- (issue 14 review: a call entered 10 days before its deadline was mailed
-- "deadline in 14 days"). A reminder goes only when its moment (the
-- deadline less 14 or 3 days) was still ahead when the deadline was
-- entered or last changed; the calls already there count from their entry.
ALTER TABLE funding_call ADD COLUMN deadline_set_at BIGINT;
UPDATE funding_call SET deadline_set_at = created_at;
