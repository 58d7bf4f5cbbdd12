-- The maintenance job scores the listed win-back records again each day (a probability is "within
-- 180 days of the moment it is scored": time since cancelling and the season move). This partial
-- index finds a shop's listed records scored before its today with one seek (winback/train
-- `rescoreListedWinbacks`).
CREATE INDEX `winbacks_scored` ON `winbacks` (`tenant_id`,`scored_on`) WHERE contactable = 1 AND holdout = 0 AND reactivated_at IS NULL;