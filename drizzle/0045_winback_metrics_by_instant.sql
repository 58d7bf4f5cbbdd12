-- The win-back metrics follow the shop's time zone as it is now (issue #18): they read the
-- cancellations by instant, whole UTC days counted by day and the UTC days a local month starts
-- within by quarter hour (src/metrics/winback.ts), instead of by `canceled_on`, the local day as
-- the zone was when the cancellation was recorded. The covering index is ordered by the instant's
-- UTC day, so a range of days is one index range scan whose groups come out in index order (no sort).
-- `canceled_on` stays, for due dates and the model's features. `holdout_percent` (0044) is in it too: the
-- holdout lift counts only cancellations drawn under a holdout. Builds in about 1 s per 80,000 cancellations.
DROP INDEX `winbacks_metrics`;--> statement-breakpoint
CREATE INDEX `winbacks_metrics` ON `winbacks` (`tenant_id`,substr(`canceled_at`, 1, 10),`reason`,`currency`,`reactivated_at`,`canceled_at`,`contacted_at`,`contactable`,`holdout`,`holdout_percent`,`recovered_amount`);
