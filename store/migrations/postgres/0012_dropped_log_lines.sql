-- How much of an attempt's log its quota dropped (lines and bytes past
-- max_log_lines / max_log_bytes), so the Studio can say the log is cut
-- rather than let it look complete. The other backend's migration of the
-- same number makes the same change.
ALTER TABLE attempts ADD COLUMN log_dropped_lines BIGINT NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN log_dropped_bytes BIGINT NOT NULL DEFAULT 0;
