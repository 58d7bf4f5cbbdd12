DROP INDEX `winbacks_candidates`;--> statement-breakpoint
ALTER TABLE `winbacks` ADD `comeback_key` text;--> statement-breakpoint
CREATE INDEX `winbacks_candidates` ON `winbacks` (`tenant_id`,"expected_value" desc,`id`,`contactable`,`holdout`,`reactivated_at`,`customer_id`,`subscription_id`,`return_on`,`drivers`,`comeback_stamp`,`comeback_restart_on`,`comeback_key`,`listed_head`,`listed_tail`) WHERE contactable = 1 AND holdout = 0 AND reactivated_at IS NULL;--> statement-breakpoint
-- Backfill: no row has a key yet (it is a hash written by JavaScript, winback/decide
-- `shownComeback`), so every open record is marked "not rendered" (comeback_restart_on = ''): the
-- list answers those the long way until the maintenance job renders them (2,000 per tenant per
-- run), and a record listed later is rendered on the next run.
UPDATE winbacks SET comeback_restart_on = '' WHERE reactivated_at IS NULL;
