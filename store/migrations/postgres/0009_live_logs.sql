-- Live logs: a runner writes a running attempt's log lines as they come.
-- When the API cancels a running attempt, its runner stops the sandbox and
-- then writes the lines it had not written yet; `stopped_at` says it has,
-- so a log stream knows the attempt's log is complete. NULL on attempts
-- that were not cancelled while running (a finished attempt's log is
-- complete once its result is recorded). The other backend's migration of
-- the same number makes the same change.
ALTER TABLE attempts ADD COLUMN stopped_at BIGINT;
