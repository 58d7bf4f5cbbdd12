-- The win-back holdout's arms counted cancellations by `contactable`, which migration 0023's
-- triggers keep current: a customer's later "no", a marketing opt-out or an erasure took their
-- cancellation out of a past month's arm (erasing two November customers moved November's lift
-- from 0.12 to 0.125). `contactable_at_draw` keeps it as it was when the record was written and its
-- arm drawn; the metrics index reads it instead. Existing records take `contactable` as it is now
-- (what was true at their draw is not kept anywhere else).
DROP INDEX `winbacks_metrics`;--> statement-breakpoint
ALTER TABLE `winbacks` ADD `contactable_at_draw` integer DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE `winbacks` SET `contactable_at_draw` = `contactable`;--> statement-breakpoint
CREATE INDEX `winbacks_metrics` ON `winbacks` (`tenant_id`,substr(`canceled_at`, 1, 10),`reason`,`currency`,`reactivated_at`,`canceled_at`,`contacted_at`,`contactable_at_draw`,`holdout`,`holdout_percent`,`recovered_amount`);
